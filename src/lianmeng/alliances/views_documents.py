"""The decision document (决定书/批复 PDF) and its public check page, and the registry as
XLSX (the rows the page lists under the same filters)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lianmeng.core import clock
from lianmeng.core.access import login_only, public
from lianmeng.core.errors import NotFound
from lianmeng.core.selectors import viewer_scope
from lianmeng.documents.pdf import normalise_code
from lianmeng.documents.xlsx import write_table, xlsx_response
from lianmeng.policy.loader import load_profiles
from lianmeng.ui.errors import error_page

from . import selectors
from .decision_document import decision_pdf as render_decision_pdf
from .forms import RegistryFilterForm

LEVELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}


@login_only
def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The published decision's document, for its lead unit and the deciding department."""
    try:
        decision = selectors.decision_document_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    response = HttpResponse(render_decision_pdf(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{decision.pk}.pdf"'
    return response


@public
def decision_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone holding the paper checks it: the code names the decision, its 文号 and date."""
    decision = selectors.decision_by_code(normalise_code(code))
    if decision is None:
        return error_page(
            request,
            404,
            _("核验码无效"),
            _("没有与该核验码对应的决定文件。请核对核验码（不区分大小写，可省略连字符）。"),
        )
    names = {pid: p.name.value for pid, p in load_profiles().items()}
    return render(
        request,
        "alliances/decision_verify.html",
        {"decision": decision, "profile_name": names.get(decision.profile, decision.profile)},
    )


def registry_filters(request: HttpRequest) -> tuple[RegistryFilterForm, selectors.RegistryFilters]:
    """The registry's filter form and the filters it gives (the page and its export)."""
    names = {pid: p.name.value for pid, p in load_profiles().items()}
    form = RegistryFilterForm(
        request.GET or None, profiles=list(names.items()), years=selectors.decision_years()
    )
    filters = selectors.RegistryFilters()
    if form.is_bound:
        form.is_valid()  # invalid fields drop out; the valid ones still filter
        data = form.cleaned_data
        filters = selectors.RegistryFilters(
            q=(data.get("q") or "").strip(),
            level=data.get("level") or "",
            domain=data.get("domain") or "",
            profile=data.get("profile") or "",
            status=data.get("status") or "",
            year=int(data["year"]) if data.get("year") else None,
            overdue=bool(data.get("overdue")),
            # the early warning is the departments' (and the lead unit's) to see
            kpi_warning=bool(data.get("kpi_warning")) and viewer_scope(request.user) is not None,
        )
    return form, filters


#: the job kind of a large registry export (lianmeng.alliances.job_kinds)
REGISTRY_JOB = "alliances.registry_xlsx"


@public
def registry_xlsx(request: HttpRequest) -> HttpResponse:
    """The registry as filtered on the page, every row. Up to ``LIANMENG_JOBS_DIRECT_ROWS``
    rows (and for visitors who are not signed in) it downloads at once; a larger export by a
    signed-in user is written by a background job (its progress page, then the download)."""
    from lianmeng.jobs.views import direct_rows, start_response

    if request.user.is_authenticated:
        _form, filters = registry_filters(request)
        if selectors.alliance_list(filters=filters).count() > direct_rows():
            query = request.GET.copy()
            query.pop("page", None)
            return start_response(
                request,
                kind=REGISTRY_JOB,
                parameters={"query": query.urlencode()},
                title=_("导出联盟名录（XLSX）"),
            )
    return xlsx_response(registry_workbook(request), "联盟名录.xlsx")


def registry_workbook(request: HttpRequest, report: object = None) -> bytes:
    """The registry XLSX for the request's filters (the job passes its ``report_progress``)."""
    from lianmeng.jobs.progress import tracked

    _form, filters = registry_filters(request)
    names = {pid: p.name.value for pid, p in load_profiles().items()}
    headers = [
        _("联盟名称"),
        _("牵头单位"),
        _("地区"),
        _("级别"),
        _("领域"),
        _("重点领域"),
        _("成员数"),
        _("状态"),
        _("类别"),
        _("文号"),
        _("决定日期"),
        _("筹建期限"),
        _("筹建期已过"),
    ]
    queryset = selectors.alliance_list(filters=filters)
    alliances = queryset.iterator(chunk_size=1000)
    if report is not None:
        alliances = tracked(alliances, queryset.count(), report)
    rows = (
        [
            a.name,
            a.lead_unit.name,
            names.get(a.profile, a.profile),
            _(LEVELS.get(a.level, a.level)),
            a.get_domain_display() if a.domain else "",
            a.focus_area,
            a.member_count,
            a.get_status_display(),
            a.category_label,
            a.reference,
            a.decided_on,
            clock.as_beijing(a.construction_due_at).date()
            if a.construction_due_at
            else a.construction_deadline,
            _("是") if a.construction_overdue else "",
        ]
        for a in alliances
    )
    return write_table(headers, rows, sheet_title=_("联盟名录"))
