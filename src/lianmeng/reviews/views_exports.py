"""XLSX exports of the review inbox and the acceptance list: the rows the page lists under the
same filters and the same visibility (the selectors), every row rather than one page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from lianmeng.core.access import permission
from lianmeng.documents.xlsx import write_table, xlsx_response
from lianmeng.policy.loader import load_profiles
from lianmeng.workflow.routing import state_label

from . import selectors
from .forms import AcceptanceFilterForm, InboxFilterForm

CHUNK = 1000


def _names() -> dict[str, str]:
    return {pid: p.name.value for pid, p in load_profiles().items()}


def _filters(form: InboxFilterForm) -> dict[str, Any]:
    if not form.is_bound:
        return {}
    form.is_valid()  # as on the page: invalid fields drop out, the valid ones still filter
    data = form.cleaned_data
    return {
        "status": data.get("status") or None,
        "profile": data.get("profile") or None,
        "year": data.get("year") or None,
        "search": (data.get("q") or "").strip() or None,
    }


def _place(proposal: Any) -> str:
    region = proposal.region.name if proposal.region_id else ""
    zone = proposal.zone.name if proposal.zone_id else ""
    return " · ".join(part for part in (region, zone) if part)


@permission("reviews.review_proposals")
def inbox_xlsx(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box") if request.GET.get("box") in {"todo", "done", "all"} else "todo"
    form = InboxFilterForm(request.GET or None, viewer=request.user)
    queryset = selectors.review_inbox(viewer=request.user, box=box, **_filters(form))
    names = _names()
    headers = [
        _("联盟名称"),
        _("牵头单位"),
        _("政策档案"),
        _("年度"),
        _("所在地"),
        _("状态"),
        _("最近办理"),
        _("办理时间"),
    ]
    rows = (
        [
            p.name,
            p.lead_unit.name,
            names.get(p.profile, p.profile),
            p.call_year,
            _place(p),
            _(state_label(p.profile, p.status)),
            _(p.last_change_label) if p.last_change_label else "",
            p.last_change_at,
        ]
        for p in queryset.iterator(chunk_size=CHUNK)
    )
    sheet = {"todo": _("待办理"), "done": _("已办理"), "all": _("全部")}[box]
    return xlsx_response(write_table(headers, rows, sheet_title=sheet), f"推荐与审核-{sheet}.xlsx")


@permission("reviews.accept_proposals")
def acceptance_xlsx(request: HttpRequest) -> HttpResponse:
    form = AcceptanceFilterForm(request.GET or None, viewer=request.user)
    filters = _filters(form)
    paper = form.cleaned_data.get("paper") if form.is_bound else None
    queryset = selectors.acceptance_list(viewer=request.user, paper=paper or None, **filters)
    names = _names()
    headers = [
        _("联盟名称"),
        _("牵头单位"),
        _("政策档案"),
        _("年度"),
        _("所在地"),
        _("推荐时间"),
        _("纸质材料（份）"),
        _("状态"),
    ]
    rows = (
        [
            p.name,
            p.lead_unit.name,
            names.get(p.profile, p.profile),
            p.call_year,
            _place(p),
            p.recommended_at,
            p.paper_copies,
            _(state_label(p.profile, p.status)),
        ]
        for p in queryset.iterator(chunk_size=CHUNK)
    )
    return xlsx_response(write_table(headers, rows, sheet_title=_("受理")), "受理列表.xlsx")
