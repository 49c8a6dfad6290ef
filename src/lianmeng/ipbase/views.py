"""The public patent and standard base (M-61): search and filter, one page of 20 with the
count, details with every report, the export of the filtered rows (capped), the import
templates, and one alliance's own list (with the lead unit's buttons to report)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.access import public
from lianmeng.core.errors import DomainError
from lianmeng.documents.xlsx import xlsx_response
from lianmeng.proposals.models import Proposal
from lianmeng.ui.errors import error_page

from . import selectors, xlsx
from .models import Patent, Standard

PER_PAGE = 20

MODES: dict[str, dict[str, Any]] = {
    "patents": {
        "model": Patent,
        "kinds": Patent.Kind,
        "statuses": Patent.Status,
        "list": selectors.patent_list,
        "title": "专利池",
    },
    "standards": {
        "model": Standard,
        "kinds": Standard.Level,
        "statuses": Standard.Status,
        "list": selectors.standard_list,
        "title": "产业技术标准信息库",
    },
}


def _filters(request: HttpRequest, mode: str) -> selectors.Filters:
    spec = MODES[mode]
    return selectors.filters_from(
        request.GET, kinds=list(spec["kinds"].values), statuses=list(spec["statuses"].values)
    )


def _year_choices() -> list[int]:
    this_year = clock.beijing_now().year
    return list(range(this_year, this_year - 15, -1))


def _base_list(request: HttpRequest, mode: str) -> HttpResponse:
    spec = MODES[mode]
    filters = _filters(request, mode)
    # the page's 20 rows first, then their alliances' names (one query): joined in the same
    # statement, PostgreSQL would join every matching row of a search before sorting them
    qs = (
        spec["list"](filters)
        .select_related(None)
        .prefetch_related(Prefetch("alliance", queryset=Alliance.objects.only("pk", "name")))
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    alliance = (
        Alliance.objects.filter(pk=filters.alliance).only("pk", "name").first()
        if filters.alliance is not None
        else None
    )
    context = {
        "mode": mode,
        "page_title": _(spec["title"]),
        "page_obj": page,
        "rows": list(page.object_list),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "filters": filters,
        "filter_alliance": alliance,
        "fields": list(Proposal.Domain.choices),
        "kinds": list(spec["kinds"].choices),
        "statuses": list(spec["statuses"].choices),
        "years": _year_choices(),
        "export_cap": selectors.EXPORT_CAP,
        "export_capped": page.paginator.count > selectors.EXPORT_CAP,
        "query": request.GET.urlencode(),
    }
    return render(request, "ipbase/list.html", context)


@public
def patents(request: HttpRequest) -> HttpResponse:
    return _base_list(request, "patents")


@public
def standards(request: HttpRequest) -> HttpResponse:
    return _base_list(request, "standards")


#: the job kinds of large exports (lianmeng.ipbase.job_kinds)
EXPORT_JOBS = {"patents": "ipbase.patents_xlsx", "standards": "ipbase.standards_xlsx"}
EXPORT_TITLES = {"patents": "导出专利池（XLSX）", "standards": "导出标准信息库（XLSX）"}


def _export(request: HttpRequest, mode: str) -> HttpResponse:
    """Every row the filters select (up to EXPORT_CAP): at once up to
    ``LIANMENG_JOBS_DIRECT_ROWS`` rows or for a visitor, else a background job for a
    signed-in user (its progress page, then the download)."""
    from lianmeng.jobs.views import direct_rows, start_response

    if request.user.is_authenticated:
        rows = MODES[mode]["list"](_filters(request, mode))[: selectors.EXPORT_CAP]
        if rows.count() > direct_rows():
            query = request.GET.copy()
            query.pop("page", None)
            return start_response(
                request,
                kind=EXPORT_JOBS[mode],
                parameters={"query": query.urlencode()},
                title=_(EXPORT_TITLES[mode]),
            )
    filename, content = export_workbook(request, mode)
    return xlsx_response(content, filename)


def export_workbook(request: HttpRequest, mode: str, report: Any = None) -> tuple[str, bytes]:
    """(file name, XLSX) of the patents or standards the request's filters select."""
    from lianmeng.jobs.progress import tracked

    rows = MODES[mode]["list"](_filters(request, mode))[: selectors.EXPORT_CAP]
    stamp = clock.beijing_now().strftime("%Y%m%d")
    stream = rows.iterator()
    if report is not None:
        stream = tracked(stream, rows.count(), report)
    if mode == "patents":
        return f"专利池-{stamp}.xlsx", xlsx.export_patents(stream)
    return f"标准信息库-{stamp}.xlsx", xlsx.export_standards(stream)


@public
def patents_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "patents")


@public
def standards_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "standards")


def _editable_by(request: HttpRequest, alliance_ids: set[int]) -> bool:
    if not request.user.is_authenticated:
        return False
    return selectors.lead_alliances(request.user).filter(pk__in=alliance_ids).exists()


def _labelled(rows: Any, statuses: Any) -> list[Any]:
    labels = dict(statuses.choices)
    found = list(rows[:200])
    for r in found:
        r.status_label = labels.get(r.status, r.status)
    return found


def _field_label(value: str) -> str:
    return str(dict(Proposal.Domain.choices).get(value, value or "—"))


@public
def patent(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.patent_get(pk)
    except DomainError as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    reports = _labelled(selectors.patent_reports(row), Patent.Status)
    return render(
        request,
        "ipbase/detail.html",
        {
            "mode": "patents",
            "row": row,
            "people": row.holders,
            "field_label": _field_label(row.field),
            "reports": reports,
            "may_edit": _editable_by(request, {r.alliance_id for r in reports}),
        },
    )


@public
def standard(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.standard_get(pk)
    except DomainError as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    reports = _labelled(selectors.standard_reports(row), Standard.Status)
    return render(
        request,
        "ipbase/detail.html",
        {
            "mode": "standards",
            "row": row,
            "people": row.drafters,
            "field_label": _field_label(row.field),
            "reports": reports,
            "may_edit": _editable_by(request, {r.alliance_id for r in reports}),
        },
    )


@public
def alliance(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = selectors.alliance_get(pk)
    except DomainError as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    tab = "standards" if request.GET.get("tab") == "standards" else "patents"
    qs = (
        selectors.alliance_standards(found)
        if tab == "standards"
        else selectors.alliance_patents(found)
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "alliance": found,
        "tab": tab,
        "page_obj": page,
        "rows": list(page.object_list),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "may_report": selectors.may_report(request.user, found),
    }
    return render(request, "ipbase/alliance.html", context)


@public
def patents_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(xlsx.template("patents"), "专利导入模板.xlsx")


@public
def standards_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(xlsx.template("standards"), "标准导入模板.xlsx")
