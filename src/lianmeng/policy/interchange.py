"""联盟构建申报交换格式（第 1 版）的读写。

Pydantic models that read and write ``proposal.schema.json`` version 1 exactly: unknown keys,
``null`` for an optional field, ``true`` for a number and coercions such as ``"5"`` → 5 are
all refused, as the JSON Schema refuses them. Errors carry a JSON path (``$.members[3].uscc``)
and a Chinese message.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import PydanticCustomError

from lianmeng.policy._types import JsonDate, JsonDateTime, integer, no_bool, number, parse_rfc3339

__all__ = [
    "SCHEMA_PATH",
    "InterchangeError",
    "Proposal",
    "dump_proposal",
    "error_message",
    "json_path",
    "load_proposal_file",
    "loads_json",
    "parse_proposal",
    "proposal_json_schema",
]

SCHEMA_PATH = Path(__file__).parent / "schema" / "proposal.schema.json"

Level = Literal["national", "provincial", "municipal"]
MemberKind = Literal[
    "enterprise", "university", "research_institute", "vocational_college", "intermediary", "other"
]
ChainPosition = Literal["upstream", "midstream", "downstream"]
MaterialKind = Literal[
    "proposal_form",
    "feasibility_report",
    "recommendation_form",
    "agreement",
    "charter",
    "recommendation_letter",
    "business_license",
    "other",
]
PlatformKind = Literal[
    "engineering_research_center",
    "key_laboratory",
    "engineering_laboratory",
    "enterprise_technology_center",
    "industrial_technology_institute",
    "new_rd_institution",
    "other",
]
Qualification = Literal[
    "high_tech_enterprise",
    "engineering_research_center",
    "key_laboratory",
    "engineering_research_centre_ndrc",
    "engineering_laboratory",
    "innovative_enterprise",
    "other",
]

Count = integer(minimum=0)
Amount = number(minimum=0)
RegionCode = Annotated[str, Field(pattern=r"^[0-9]{6}$")]


class _Model(BaseModel):
    """Base: strict JSON types, unknown keys refused, ``null`` refused for optional fields."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: object) -> object:
        if value is None:
            raise PydanticCustomError("lm_null", "不能为 null；不填写时请省略该字段")
        return value


class Person(_Model):
    name: str | None = None
    phone: str | None = None
    mobile: str | None = None
    fax: str | None = None
    email: str | None = None


class Recommender(_Model):
    name: str | None = Field(None, description="推荐单位/部门")
    region_code: RegionCode | None = Field(None, description="推荐部门所在地 GB/T 2260 代码")


class Platform(_Model):
    """研发平台 held by a member."""

    name: str
    level: Level
    kind: PlatformKind | None = None


class Member(_Model):
    name: str
    uscc: str | None = Field(None, description="统一社会信用代码 (GB 32100)")
    org_code: str | None = Field(None, description="组织机构代码 (GB 11714)")
    role: Literal["lead", "member"] = "member"
    kind: MemberKind
    region_code: RegionCode | None = Field(None, description="注册地 GB/T 2260 代码")
    chain_position: ChainPosition | None = Field(None, description="产业链上/中/下游")
    legal_representative: str | None = None
    signed_agreement: bool | None = Field(None, description="法定代表人已签署联盟协议")
    liaison: Person | None = None
    standing: str | None = Field(None, max_length=100, description="在行业(领域)中的地位")
    platforms: list[Platform] | None = None


class LeadUnit(_Model):
    """二、牵头单位基本情况."""

    name: str
    uscc: str | None = None
    org_code: str | None = None
    nature: Literal["enterprise", "research_institute", "university", "other"] | None = None
    registration_type: (
        Literal[
            "state_owned",
            "limited_company",
            "joint_stock",
            "private",
            "hk_macao_taiwan",
            "foreign",
            "other",
        ]
        | None
    ) = None
    registered_on: JsonDate | None = None
    address: str | None = None
    postcode: Annotated[str, Field(pattern=r"^[0-9]{6}$")] | None = None
    industrial_cluster: str | None = None
    high_tech_zone: str | None = None
    free_trade_zone: str | None = None
    qualifications: list[Qualification] | None = None
    employees: Count | None = None
    mid_title_staff: Count | None = None
    senior_title_staff: Count | None = None
    registered_capital: Amount | None = None
    total_assets: Amount | None = None
    revenue: Amount | None = None
    net_profit: number() | None = None
    tax_paid: Amount | None = None
    export_usd_wan: Amount | None = Field(None, description="出口创汇, 万美元")
    debt_ratio_pct: number(minimum=0, maximum=1000) | None = None
    rd_expense: Amount | None = None


class Governance(_Model):
    """四、联盟运行管理基本情况."""

    council_size: Count | None = None
    expert_committee_size: Count | None = None
    has_decision_body: bool | None = None
    has_advisory_body: bool | None = None
    has_executive_body: bool | None = None
    has_office: bool | None = Field(None, description="联盟工作办公室 / 秘书处")
    meetings: dict[str, Count] | None = None
    secretariat_fulltime_staff: Count | None = None
    staff_sources: dict[str, Count] | None = None
    operating_budget: Amount | None = None
    budget_sources: dict[str, Amount] | None = None
    rules: dict[str, bool] | None = Field(None, description="charter, fund_management, … 有/无")
    standards_committee: bool | None = None
    ip_staff: bool | None = None
    patent_pool: bool | None = None


class Agreement(_Model):
    """联盟协议书 facts."""

    signed_on: JsonDate | None = None
    term_years: Amount | None = None
    legally_binding: bool | None = None
    has_innovation_goals: bool | None = None
    has_task_division: bool | None = None
    has_ip_and_benefit_rules: bool | None = None
    has_liability_clause: bool | None = None
    has_join_exit_rules: bool | None = None
    has_dissemination_duty: bool | None = None
    has_dissolution_rules: bool | None = None
    external_liability_party: str | None = None


class Texts(_Model):
    """建议书的文字部分，字数限制同 seed 001 附件 1."""

    lead_unit_standing: Annotated[str, Field(max_length=200)] | None = None
    background: Annotated[str, Field(max_length=300)] | None = None
    plan: str | None = None
    foundation: Annotated[str, Field(max_length=500)] | None = None
    benefits: Annotated[str, Field(max_length=500)] | None = None
    chain_tasks: str | None = None
    lead_unit_opinion: str | None = None
    recommender_opinion: str | None = None


class CountPair(_Model):
    applied: Count | None = None
    granted: Count | None = None


class StandardPair(_Model):
    drafted: Count | None = None
    approved: Count | None = None


class Deal(_Model):
    count: Count | None = None
    amount: Amount | None = None


class KpiFunding(_Model):
    lead_unit: Amount | None = None
    other_members: Amount | None = None
    government: Amount | None = None


class KpiPersonnel(_Model):
    researchers: Count | None = None
    engineers: Count | None = None
    managers: Count | None = None


class KpiIp(_Model):
    invention_patents: CountPair | None = None
    utility_patents: CountPair | None = None
    design_patents: CountPair | None = None
    plant_varieties: CountPair | None = None
    new_drug_certificates: CountPair | None = None
    software_copyrights: CountPair | None = None
    ic_layouts: CountPair | None = None


class KpiStandards(_Model):
    international: StandardPair | None = None
    national: StandardPair | None = None
    industry: StandardPair | None = None
    alliance: StandardPair | None = None


class KpiProjects(_Model):
    national: Deal | None = None
    provincial: Deal | None = None


class KpiTalent(_Model):
    high_level: Count | None = None
    phd: Count | None = None
    master: Count | None = None
    other: Count | None = None


class KpiTechTransfer(_Model):
    development: Deal | None = None
    transfer: Deal | None = None
    consulting: Deal | None = None
    service: Deal | None = None


class KpiAwards(_Model):
    national: Count | None = None
    provincial: Count | None = None


class Kpis(_Model):
    """七、预期完成绩效指标 (the same shape carries actual figures in annual reports)."""

    funding: KpiFunding | None = None
    personnel: KpiPersonnel | None = None
    core_breakthroughs: Count | None = None
    ip: KpiIp | None = None
    standards: KpiStandards | None = None
    projects: KpiProjects | None = None
    talent: KpiTalent | None = None
    tech_transfer: KpiTechTransfer | None = None
    awards: KpiAwards | None = None
    platforms: KpiAwards | None = None
    other: str | None = None


class Material(_Model):
    kind: MaterialKind
    title: str | None = None
    file: str | None = None
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None


class Proposal(_Model):
    """联盟构建申报 (alliance proposal), interchange format version 1."""

    model_config = ConfigDict(
        title="联盟构建申报 (alliance proposal) interchange format, version 1",
    )

    format_version: Annotated[Literal[1], BeforeValidator(no_bool)]
    profile: str = Field(description="policy profile id: henan, luoyang, baoding, heilongjiang")
    call_year: integer(minimum=2000, maximum=2100) | None = None
    submitted_at: JsonDateTime | None = None
    name: str = Field(min_length=2, max_length=100, description="联盟名称")
    level: Level | None = None
    domain: Literal["industry", "agriculture", "social_development"]
    focus_area: str | None = None
    industry: str | None = None
    product: str | None = None
    category: Annotated[Literal[1, 2, 3], BeforeValidator(no_bool)] | None = None
    recommender: Recommender | None = None
    contact: Person | None = None
    lead_unit: LeadUnit
    members: list[Member] = Field(min_length=1)
    governance: Governance | None = None
    agreement: Agreement | None = None
    texts: Texts | None = None
    expected_kpis: Kpis | None = None
    materials: list[Material] | None = None

    def submitted_datetime(self) -> datetime | None:
        """``submitted_at`` as an aware datetime (validated on load)."""
        return parse_rfc3339(self.submitted_at) if self.submitted_at else None


class InterchangeError(ValueError):
    """The input is not a valid proposal: ``path`` is a JSON path, ``message`` Chinese."""

    def __init__(self, path: str, message: str, *, more: int = 0) -> None:
        self.path = path
        self.message = message
        self.more = more
        super().__init__(self.line())

    def line(self) -> str:
        """One line for standard error."""
        extra = f"（另有 {self.more} 处错误）" if self.more else ""
        return f"{self.path}: {self.message}{extra}"


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def json_path(loc: tuple[int | str, ...]) -> str:
    """``('members', 3, 'uscc')`` → ``$.members[3].uscc``."""
    parts = ["$"]
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif _IDENT.fullmatch(item):
            parts.append(f".{item}")
        else:
            parts.append(f"[{json.dumps(item, ensure_ascii=False)}]")
    return "".join(parts)


_SIMPLE_MESSAGES = {
    "missing": "必填字段缺失",
    "extra_forbidden": "未知字段",
    "string_type": "应为字符串",
    "bool_type": "应为布尔值 true 或 false",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为数组",
}


def error_message(error: Any) -> str:
    """Chinese text for one Pydantic error of the interchange models."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind.startswith("lm_"):
        return str(error["msg"])
    if kind in _SIMPLE_MESSAGES:
        return _SIMPLE_MESSAGES[kind]
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ").replace("'", "")
        return f"取值应为 {expected} 之一"
    if kind == "string_too_short":
        return f"长度至少为 {ctx.get('min_length')} 个字符"
    if kind == "string_too_long":
        return f"长度不能超过 {ctx.get('max_length')} 个字符（当前 {len(error['input'])} 个）"
    if kind == "string_pattern_mismatch":
        return f"格式不符合 {ctx.get('pattern')}"
    if kind == "too_short":
        return f"至少应有 {ctx.get('min_length')} 项"
    return f"取值无效（{error['msg']}）"


def _from_validation_error(exc: ValidationError) -> InterchangeError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    return InterchangeError(
        json_path(tuple(first["loc"])), error_message(first), more=len(errors) - 1
    )


def parse_proposal(data: object) -> Proposal:
    """Validate decoded JSON against interchange format version 1."""
    if not isinstance(data, dict):
        raise InterchangeError("$", "应为 JSON 对象")
    try:
        return Proposal.model_validate(data)
    except ValidationError as exc:
        raise _from_validation_error(exc) from None


def _refuse_constant(name: str) -> float:
    raise ValueError(f"JSON 不允许 {name}")


def loads_json(text: str) -> object:
    """Decode JSON, reporting errors as :class:`InterchangeError` at ``$`` with line/column."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InterchangeError(
            "$", f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}"
        ) from None
    except ValueError as exc:
        raise InterchangeError("$", f"JSON 格式错误：{exc}") from None


def load_proposal_file(path: str | Path) -> Proposal:
    """Read a proposal file (UTF-8 JSON). Unreadable files raise ``OSError``."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InterchangeError("$", f"文件不是 UTF-8 编码（第 {exc.start} 字节）") from None
    return parse_proposal(loads_json(text))


def dump_proposal(proposal: Proposal) -> dict[str, Any]:
    """Write back exactly what was read: no defaults added, so import → export is equal."""
    return proposal.model_dump(mode="json", exclude_unset=True)


class _SchemaGenerator(GenerateJsonSchema):
    """Optional fields are absent, never ``null``: drop the null branch and null defaults."""

    def nullable_schema(self, schema: Any) -> Any:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: Any) -> Any:
        if schema.get("default", ...) is None:
            return self.generate_inner(schema["schema"])
        return super().default_schema(schema)


def proposal_json_schema() -> dict[str, Any]:
    """The project's own JSON Schema (Draft 2020-12), generated from the models."""
    schema = Proposal.model_json_schema(schema_generator=_SchemaGenerator)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "lianmeng/policy/proposal.schema.json",
        **schema,
        "description": (
            "Generated from lianmeng.policy.interchange (python -m lianmeng.policy.interchange "
            "--write-schema). Reads and writes interchange format version 1."
        ),
    }


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(proposal_json_schema(), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lianmeng.policy.interchange")
    parser.add_argument("--write-schema", action="store_true", help="regenerate the schema file")
    args = parser.parse_args(argv)
    if args.write_schema:
        print(write_schema())
    else:
        print(json.dumps(proposal_json_schema(), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
