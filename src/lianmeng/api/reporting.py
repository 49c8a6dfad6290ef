"""联盟报告：年度工作计划、自评价报告、工作总结、重大事项报告（issue 13, M-32, M-33, B-5）.

The lead unit's applicants create, edit and submit reports of their alliance; the department
the profile's ``[report_lifecycle]`` names accepts or returns them (a reason is required to
return). The department's inbox lists the reports of its area. A report of a kind judged
against the plan carries its KPI early warnings; ``/alliances/{id}/kpi-warnings`` answers the
alliance's current ones. Others get 404.
"""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from lianmeng.core.errors import PermissionDenied
from lianmeng.core.selectors import viewer_scope
from lianmeng.reporting import kpi, selectors, services
from lianmeng.reporting.lifecycle import state_label_of
from lianmeng.reporting.models import Report

from .schemas import READ_ERRORS, ErrorOut, Pagination, PathId, StrictIn, Year

router = Router(tags=["联盟报告"])

WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}
ReportState = Literal["submitted", "returned", "accepted"]


class KpiWarningOut(Schema):
    indicator: str = Field(description="指标路径，如 core_breakthroughs、funding.lead_unit")
    label: str
    kind: str = Field(description="lagging 滞后于计划 / unreadable 实际值不是数字")
    planned: float
    due: float = Field(description="按时间进度应完成的值")
    actual: float | None
    share_elapsed: float
    threshold: float
    message: str


class ReportOut(Schema):
    id: int
    alliance: int
    alliance_name: str
    profile: str
    kind: str = Field(description="政策档案中的报告类别，如 annual_plan、self_evaluation")
    kind_label: str
    year: int | None
    event_kind: str
    title: str
    status: str = Field(
        description="draft 草稿 / submitted 已提交 / returned 已退回 / accepted 已接受"
    )
    status_label: str
    revision: int
    submitted_at: datetime | None
    warning_count: int

    @staticmethod
    def resolve_alliance(obj: Report) -> int:
        return obj.alliance_id

    @staticmethod
    def resolve_alliance_name(obj: Report) -> str:
        return obj.alliance.name

    @staticmethod
    def resolve_kind_label(obj: Report) -> str:
        return selectors.kind_label(obj.profile, obj.kind)

    @staticmethod
    def resolve_title(obj: Report) -> str:
        return selectors.report_title(obj)

    @staticmethod
    def resolve_status_label(obj: Report) -> str:
        return state_label_of(obj)


class KpiRowOut(Schema):
    indicator: str
    label: str
    expected: float | None = Field(description="计划值（建议书七或本年度工作计划）")
    actual: float | None
    lagging: bool


class ReportFileOut(Schema):
    id: int
    field: str
    title: str
    file_name: str
    size: int
    sha256: str

    @staticmethod
    def resolve_file_name(obj: Any) -> str:
        return obj.original_name


class ReportDetailOut(ReportOut):
    content: dict[str, Any]
    expected_source: str = Field(description="计划值的来源")
    kpi_table: list[KpiRowOut] = Field(description="绩效指标对照表（有计划值或实际值的行）")
    warnings: list[KpiWarningOut]
    files: list[ReportFileOut]
    allowed: list[str] = Field(description="调用者现在可办理的操作：submit / accept / return")

    @staticmethod
    def resolve_files(obj: Report) -> list[Any]:
        return selectors.report_files(obj)


class ReportCreateIn(StrictIn):
    kind: str = Field(max_length=40, description="报告类别（政策档案 reporting.reports 的 id）")
    year: Year | None = None
    event_kind: str = Field("", max_length=40, description="重大事项的类别（events 的 id）")
    content: dict[str, Any] = Field(
        default_factory=dict,
        description="按内容项 id 填写：文字、数字；绩效指标表为 {指标路径: 数值}",
    )


class ReportUpdateIn(StrictIn):
    revision: int = Field(ge=1, le=2**31 - 1, description="读取时的 revision；已被他人修改时答 409")
    content: dict[str, Any] = Field(default_factory=dict)


class ReportActIn(StrictIn):
    reason: str = Field("", max_length=2000, description="说明、审核意见或退回意见（退回时必填）")
    basis: str = Field(
        "", max_length=2000, description="依据：政策已失效时须写明所依据的文件或指示"
    )


class ReportInboxFilters(Schema):
    profile: str | None = Field(None, max_length=30)
    kind: str | None = Field(None, max_length=40)
    year: Year | None = None
    state: ReportState | None = None
    warning: bool = Field(False, description="只列有绩效预警的报告")
    mine: bool = Field(False, description="只列待调用者审核的报告")
    q: str | None = Field(None, max_length=60, description="联盟或牵头单位名称")


class AllianceKpiOut(Schema):
    alliance: int
    kpi_warning_count: int = Field(description="最近一份已提交的对照计划的报告中滞后的指标数")
    report: int | None = Field(description="该报告的编号")
    warnings: list[KpiWarningOut]


def _detail(request: HttpRequest, report: Report) -> Report:
    """The report with what ReportDetailOut reads besides its fields."""
    expected = kpi.expected_for(report)
    kind = kpi.kind_of(report)
    rows: list[dict[str, Any]] = []
    for field in kind.table_fields() if kind else []:
        rows += [
            r
            for r in kpi.table_rows(report, field.id, expected)
            if r["expected"] is not None or r["actual"] is not None
        ]
    report.expected_source = expected.source
    report.kpi_table = rows
    report.allowed = [t.id for t in selectors.allowed(request.user, report)]
    return report


@router.get(
    "/alliances/{alliance_id}/reports",
    response={200: list[ReportOut], **READ_ERRORS},
    summary="联盟的报告（牵头单位含草稿；主管部门为已提交的）",
)
@paginate(Pagination)
def reports_list(request: HttpRequest, alliance_id: PathId) -> Any:
    _alliance, _rel, qs = selectors.alliance_reports(request.user, alliance_id)
    return qs.defer("content")


@router.post(
    "/alliances/{alliance_id}/reports",
    response={201: ReportDetailOut, **WRITE_ERRORS},
    summary="新建报告草稿（牵头单位；同一年度同类报告只有一份）",
)
def reports_create(request: HttpRequest, alliance_id: PathId, payload: ReportCreateIn) -> Status:
    report = services.report_create(
        actor=request.user,
        alliance_id=alliance_id,
        kind=payload.kind,
        year=payload.year,
        event_kind=payload.event_kind,
        content=payload.content,
    )
    return Status(201, _detail(request, selectors.report_get(viewer=request.user, pk=report.pk)))


@router.get(
    "/reports/{report_id}",
    response={200: ReportDetailOut, **READ_ERRORS},
    summary="报告详情（含绩效指标对照表和预警）",
)
def reports_get(request: HttpRequest, report_id: PathId) -> Report:
    return _detail(request, selectors.report_get(viewer=request.user, pk=report_id))


@router.put(
    "/reports/{report_id}",
    response={200: ReportDetailOut, **WRITE_ERRORS},
    summary="修改报告草稿或被退回的报告（牵头单位；带 revision）",
)
def reports_update(request: HttpRequest, report_id: PathId, payload: ReportUpdateIn) -> Report:
    services.report_update(
        actor=request.user,
        report_id=report_id,
        revision=payload.revision,
        content=payload.content,
    )
    return _detail(request, selectors.report_get(viewer=request.user, pk=report_id))


def _act(request: HttpRequest, report_id: int, name: str, payload: ReportActIn) -> Any:
    action = {
        "submit": services.report_submit,
        "accept": services.report_accept,
        "return": services.report_return,
    }[name]
    action(actor=request.user, report_id=report_id, reason=payload.reason, basis=payload.basis)
    return _detail(request, selectors.report_get(viewer=request.user, pk=report_id))


@router.post(
    "/reports/{report_id}/submit",
    response={200: ReportDetailOut, **WRITE_ERRORS},
    summary="提交报告（牵头单位；退回后修改再提交）",
)
def reports_submit(request: HttpRequest, report_id: PathId, payload: ReportActIn) -> Any:
    return _act(request, report_id, "submit", payload)


@router.post(
    "/reports/{report_id}/accept",
    response={200: ReportDetailOut, **WRITE_ERRORS},
    summary="接受报告（主管部门；重大事项为知悉）",
)
def reports_accept(request: HttpRequest, report_id: PathId, payload: ReportActIn) -> Any:
    return _act(request, report_id, "accept", payload)


@router.post(
    "/reports/{report_id}/return",
    response={200: ReportDetailOut, **WRITE_ERRORS},
    summary="退回报告（质询；主管部门，须写明意见）",
)
def reports_return(request: HttpRequest, report_id: PathId, payload: ReportActIn) -> Any:
    return _act(request, report_id, "return", payload)


@router.get(
    "/reports",
    response={200: list[ReportOut], **READ_ERRORS},
    summary="主管部门的报告收件箱（本辖区已提交的报告）",
)
@paginate(Pagination)
def reports_inbox(request: HttpRequest, filters: Query[ReportInboxFilters]) -> Any:
    if viewer_scope(request.user) is None:
        raise PermissionDenied(_("只有主管部门可以查看报告收件箱。"))
    return selectors.report_inbox(
        request.user,
        profile=filters.profile or "",
        kind=filters.kind or "",
        year=filters.year,
        state=filters.state or "",
        warning=filters.warning,
        mine=filters.mine,
        q=(filters.q or "").strip(),
    )


@router.get(
    "/alliances/{alliance_id}/kpi-warnings",
    response={200: AllianceKpiOut, **READ_ERRORS},
    summary="联盟的绩效预警（滞后于计划的指标）",
)
def alliance_kpi_warnings(request: HttpRequest, alliance_id: PathId) -> dict[str, Any]:
    found = selectors.alliance_warnings(request.user, alliance_id)
    return {
        "alliance": found.alliance.pk,
        "kpi_warning_count": found.count,
        "report": found.report.pk if found.report else None,
        "warnings": found.warnings,
    }
