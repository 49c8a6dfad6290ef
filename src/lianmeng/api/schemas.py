"""Request and response schemas of the REST API (OpenAPI 3.1 is generated from them)."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, BeforeValidator, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

# --- shared -----------------------------------------------------------------------------------


class ErrorOut(Schema):
    """Every error: a stable machine code, a Chinese message that says what to do, details."""

    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["未找到该申报，或您无权查看。"])
    details: dict[str, Any] = Field(default_factory=dict)


#: the error responses most operations share, for the OpenAPI document
AUTH_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut}
READ_ERRORS: dict[int, type[Schema]] = {**AUTH_ERRORS, 404: ErrorOut, 422: ErrorOut}


#: the largest value a database id (a signed 64-bit integer) can hold
MAX_ID = 2**63 - 1
#: no list of this API is longer; a larger offset is a mistake, not a page
MAX_OFFSET = 1_000_000
#: the years a call, a review round or a decision can belong to
MIN_YEAR, MAX_YEAR = 1900, 2100

#: a record's id in a request body or a query (1 … 2^63−1)
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="编号（正整数）")]
#: a record's id in the path (1 … 2^63−1)
PathId = Annotated[int, Path(..., ge=1, le=MAX_ID, description="编号（正整数）")]
#: a member's place in the roster (0 is the lead unit)
PathIndex = Annotated[int, Path(..., ge=0, le=10_000, description="位置（从 0 起）")]
#: a year in a body or a query
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR, description=f"年度（{MIN_YEAR}–{MAX_YEAR}）")]
#: a year in the path
PathYear = Annotated[
    int, Path(..., ge=MIN_YEAR, le=MAX_YEAR, description=f"年度（{MIN_YEAR}–{MAX_YEAR}）")
]


def _no_number(value: Any) -> Any:
    """A date or time is written as text (ISO 8601); a number such as ``0`` would otherwise be
    taken as seconds since 1970."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError(
            "lm_datetime_number",
            "应为日期时间文本，如 2020-09-01T10:00:00+08:00（不接受数字）",
        )
    return value


def _in_years(value: Any) -> Any:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise PydanticCustomError(
            "lm_datetime_range",
            "日期时间应在 {low} 年至 {high} 年之间",
            {"low": MIN_YEAR, "high": MAX_YEAR},
        )
    return value


def _zoned(value: datetime) -> datetime:
    from lianmeng.core.clock import as_beijing

    return as_beijing(value)


#: a moment given by a client: ISO 8601 text (never a number), in the years 1900–2100;
#: without a time zone it is Beijing time (UTC+8), and it is answered with its zone
ApiDateTime = Annotated[
    datetime,
    BeforeValidator(_no_number),
    AfterValidator(_in_years),
    AfterValidator(_zoned),
    Field(
        description=f"日期时间（ISO 8601，如 2020-09-01T10:00:00+08:00，{MIN_YEAR}–{MAX_YEAR} 年；"
        "无时区按北京时间）",
        examples=["2020-09-01T10:00:00+08:00"],
    ),
]


#: a day (from 0:00) or a moment, as ISO 8601 text in the years 1900–2100
DateOrMoment = Annotated[datetime | date, BeforeValidator(_no_number), AfterValidator(_in_years)]


class Pagination(LimitOffsetPagination):
    """``limit``/``offset``, answered as ``{"items": [...], "count": total}``."""

    class Input(Schema):
        limit: int = Field(20, ge=1, le=100, description="每页条数（1–100）")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"跳过的条数（0–{MAX_OFFSET}）")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=100, **kwargs)


class StrictIn(Schema):
    """Request bodies refuse unknown keys, so a misspelt field is an error, not ignored."""

    model_config = ConfigDict(extra="forbid")


# --- jurisdictions ----------------------------------------------------------------------------


class JurisdictionOut(Schema):
    code: str = Field(description="GB/T 2260 区划代码（园区为自定代码）")
    name: str
    kind: str = Field(description="nation / province / city / county / hitech / ftz / zone")
    parent: str | None = Field(None, description="上级区划代码")
    active: bool = Field(description="现行区划；撤销或更名的旧代码为 false，仍可解析历史单位")
    has_children: bool

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return getattr(obj, "parent_code", None)


# --- proposals --------------------------------------------------------------------------------


class ProposalOut(Schema):
    id: int
    profile: str
    call_year: int | None
    name: str
    domain: str
    status: str
    member_count: int
    lead_unit: str = Field(description="牵头单位名称")
    region: str = Field(description="所在地区划代码")
    region_name: str
    updated_at: datetime

    @staticmethod
    def resolve_lead_unit(obj: Any) -> str:
        return obj.lead_unit.name

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj: Any) -> str:
        return obj.region.name


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    uscc: str | None
    org_code: str | None
    region: str

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return obj.region.code


class ProposalDetailOut(ProposalOut):
    focus_area: str
    industry: str
    product: str
    zone: str | None = Field(None, description="所在高新区或自贸区片区代码")
    lead_unit_detail: UnitOut
    created_at: datetime

    @staticmethod
    def resolve_zone(obj: Any) -> str | None:
        return obj.zone.code if obj.zone_id else None

    @staticmethod
    def resolve_lead_unit_detail(obj: Any) -> Any:
        return obj.lead_unit


class ProposalFilters(Schema):
    status: str | None = Field(
        None,
        max_length=30,
        pattern=r"^[a-z_]+$",
        description="状态（生命周期状态编号，如 submitted、recommended）",
    )
    profile: str | None = Field(None, max_length=30, description="政策档案")
    q: str | None = Field(None, max_length=100, description="联盟名称或牵头单位名称包含的文字")

    @field_validator("status")
    @classmethod
    def _known_state(cls, value: str | None) -> str | None:
        if value is None:
            return value
        known = known_states()
        if value not in known:
            raise ValueError(f"未知状态“{value}”，可选：{'、'.join(sorted(known))}")
        return value


def known_states() -> set[str]:
    """Every state id of every profile's lifecycle, plus the filing states."""
    from lianmeng.policy.loader import load_profiles
    from lianmeng.proposals.models import Proposal

    found = {value for value, _label in Proposal.Status.choices}
    for profile in load_profiles().values():
        if profile.lifecycle is not None:
            found.update(state.id for state in profile.lifecycle.states)
    return found


# --- checks -----------------------------------------------------------------------------------


class CitationOut(Schema):
    seed: str = Field(description="政策文件")
    article: str = Field(description="条款")


class FindingOut(Schema):
    rule: str = Field(examples=["members.min_count"])
    status: Literal["pass", "fail", "manual"]
    severity: Literal["required", "principle", "advisory"]
    citation: CitationOut
    message: str
    evidence: dict[str, Any]


class LabelledCitationOut(CitationOut):
    text: str = Field(description="供人阅读的出处：《文件标题》条款（不含文件名）")


class LabelledFindingOut(FindingOut):
    """A finding as ``lianmeng check`` gives it, its citation also as people read it."""

    citation: LabelledCitationOut


class CheckOut(Schema):
    """The same object ``lianmeng check`` prints."""

    profile: str
    eligible: bool
    findings: list[FindingOut]


# --- tokens -----------------------------------------------------------------------------------


class TokenIn(StrictIn):
    name: str = Field(min_length=1, max_length=60, description="用途，例如“市局数据交换”")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="令牌的前 8 个字符，用于辨认")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    key: str = Field(description="令牌本身：只在创建时显示这一次，请妥善保存")
