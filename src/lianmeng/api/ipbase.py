"""Patent pool and industrial technology standards base (M-61, seed 000 四(一)4).

``GET /ip/patents`` and ``GET /ip/standards`` are public: the same search (partial Chinese
title, number, holder or drafter name) and filters as the web pages, paginated. ``POST`` reports
one patent or standard for an alliance through the same service as the web form: only the
applicants of the alliance's lead unit; a number already in the base is merged (answered 200
with ``merged: true``), a new one is created (201).
"""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from lianmeng.core.errors import PermissionDenied, ValidationFailed
from lianmeng.core.roles import Role
from lianmeng.ipbase import selectors, services
from lianmeng.ipbase.models import Patent, Standard

from .schemas import MAX_YEAR, MIN_YEAR, READ_ERRORS, ErrorOut, Id, Pagination, StrictIn, Year

router = Router(tags=["专利池与标准信息库"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}


class IpPersonOut(Schema):
    name: str
    uscc: str = ""


class IpFilters(Schema):
    q: str | None = Field(
        None, max_length=60, description="名称（可为部分中文）、编号或专利权人/起草单位名称"
    )
    field: Literal["industry", "agriculture", "social_development"] | None = Field(
        None, description="领域（联盟的所属领域）"
    )
    alliance: Id | None = Field(None, description="报送联盟（首次报送的联盟）编号")
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="最新报送年度")
    status: str | None = Field(None, description="状态")


class PatentFilters(IpFilters):
    kind: Literal["invention", "utility", "design"] | None = Field(None, description="专利类型")


class StandardFilters(IpFilters):
    level: Literal["national", "industry", "local", "group"] | None = Field(
        None, description="标准层级"
    )


class PatentOut(Schema):
    id: int
    number: str = Field(description="规范化的专利号，如 ZL202010123456.2")
    title: str
    kind: str
    status: str
    holders: list[IpPersonOut]
    licences_inside: int
    licences_outside: int
    alliance: int = Field(description="首次报送的联盟")
    alliance_name: str
    field: str
    year: int

    @staticmethod
    def resolve_alliance(obj: Patent) -> int:
        return obj.alliance_id

    @staticmethod
    def resolve_alliance_name(obj: Patent) -> str:
        return obj.alliance.name


class StandardOut(Schema):
    id: int
    number: str = Field(description="规范化的标准号，如 GB/T 12345-2020")
    title: str
    level: str
    status: str
    drafters: list[IpPersonOut]
    alliance: int
    alliance_name: str
    field: str
    year: int

    @staticmethod
    def resolve_alliance(obj: Standard) -> int:
        return obj.alliance_id

    @staticmethod
    def resolve_alliance_name(obj: Standard) -> str:
        return obj.alliance.name


class PatentIn(StrictIn):
    alliance: Id = Field(description="报送的联盟（本单位牵头）")
    year: Year
    report: Id | None = Field(None, description="同年度的联盟报告编号（可不填）")
    number: str = Field(max_length=60, examples=["ZL202010123456.2"])
    title: str = Field(max_length=200, examples=["一种耐火材料的制备方法"])
    kind: str | None = Field(None, description="invention / utility / design；不填按专利号判断")
    status: str = Field(description="applied / granted / lapsed")
    holders: list[str] = Field(
        max_length=200, description="专利权人：联盟现有成员单位的统一社会信用代码或名称"
    )
    licences_inside: int = Field(0, ge=0, le=services.MAX_LICENCES)
    licences_outside: int = Field(0, ge=0, le=services.MAX_LICENCES)


class StandardIn(StrictIn):
    alliance: Id = Field(description="报送的联盟（本单位牵头）")
    year: Year
    report: Id | None = Field(None, description="同年度的联盟报告编号（可不填）")
    number: str = Field(max_length=60, examples=["T/CAS 123-2021"])
    title: str = Field(max_length=200)
    level: str | None = Field(
        None, description="national / industry / local / group；不填按标准号判断"
    )
    status: str = Field(description="drafting / published / abolished")
    drafters: list[str] = Field(
        max_length=200, description="起草单位：联盟现有成员单位的统一社会信用代码或名称"
    )


class PatentSaved(PatentOut):
    merged: bool = Field(description="编号已在库中，本次报送已合并")


class StandardSaved(StandardOut):
    merged: bool = Field(description="编号已在库中，本次报送已合并")


def _check_reporter(request: HttpRequest, alliance_id: int) -> None:
    """Only applicants report (403); an alliance the caller's unit does not lead is refused
    with 422 naming the field, as the web form offers only the unit's own alliances."""
    user = request.user
    if not user.has_role(Role.APPLICANT):  # type: ignore[union-attr]
        raise PermissionDenied("只有联盟牵头单位的申报人可以为联盟报送专利和标准。")
    if not selectors.lead_alliances(user).filter(pk=alliance_id).exists():  # type: ignore[arg-type]
        raise ValidationFailed(
            f"alliance: 不能为联盟 {alliance_id} 报送：只能为本单位牵头的、未撤销或解散的联盟报送"
            "专利和标准（只有联盟牵头单位的申报人可以报送）。",
            details={"path": "alliance"},
        )


def _filters(filters: IpFilters, kind: str | None) -> selectors.Filters:
    return selectors.Filters(
        q=(filters.q or "").strip(),
        field=filters.field or "",
        alliance=filters.alliance,
        year=filters.year,
        status=filters.status or "",
        kind=kind or "",
    )


@router.get(
    "/ip/patents",
    auth=None,
    response={200: list[PatentOut], 422: ErrorOut},
    summary="专利池：检索（部分中文名称、专利号、专利权人）与筛选",
)
@paginate(Pagination)
def patents_list(request: HttpRequest, filters: Query[PatentFilters]) -> Any:
    return selectors.patent_list(_filters(filters, filters.kind))


@router.get(
    "/ip/standards",
    auth=None,
    response={200: list[StandardOut], 422: ErrorOut},
    summary="标准信息库：检索（部分中文名称、标准号、起草单位）与筛选",
)
@paginate(Pagination)
def standards_list(request: HttpRequest, filters: Query[StandardFilters]) -> Any:
    return selectors.standard_list(_filters(filters, filters.level))


@router.post(
    "/ip/patents",
    response={200: PatentSaved, 201: PatentSaved, **WRITE_ERRORS},
    summary="报送专利（联盟牵头单位的申报人）；专利号已在库中时合并",
)
def patents_create(request: HttpRequest, payload: PatentIn) -> Status:
    _check_reporter(request, payload.alliance)
    data = payload.dict(exclude={"alliance", "year", "report"})
    patent, created = services.patent_report(
        actor=request.user,
        alliance_id=payload.alliance,
        data=data,
        year=payload.year,
        report_id=payload.report,
        source="api",
    )
    patent = selectors.patent_get(patent.pk)
    patent.merged = not created
    return Status(201 if created else 200, patent)


@router.post(
    "/ip/standards",
    response={200: StandardSaved, 201: StandardSaved, **WRITE_ERRORS},
    summary="报送标准（联盟牵头单位的申报人）；标准号已在库中时合并",
)
def standards_create(request: HttpRequest, payload: StandardIn) -> Status:
    _check_reporter(request, payload.alliance)
    data = payload.dict(exclude={"alliance", "year", "report"})
    standard, created = services.standard_report(
        actor=request.user,
        alliance_id=payload.alliance,
        data=data,
        year=payload.year,
        report_id=payload.report,
        source="api",
    )
    standard = selectors.standard_get(standard.pk)
    standard.merged = not created
    return Status(201 if created else 200, standard)
