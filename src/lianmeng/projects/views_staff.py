"""The department's pages of the key-project solicitations: its solicitations (with counts),
a new one, editing, opening and closing it (confirmed), the proposals filed to one (filters,
mean score, XLSX export of the filtered list), returning and scoring a proposal.

Writes go through :mod:`lianmeng.projects.services`, reads through
:mod:`lianmeng.projects.selectors`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.access import permission
from lianmeng.core.errors import DomainError, NotFound, PermissionDenied
from lianmeng.documents.xlsx import xlsx_response
from lianmeng.proposals.models import Proposal
from lianmeng.ui.confirm import confirmation_page, confirmed
from lianmeng.ui.errors import error_page

from . import exports, selectors, services
from .models import ProjectProposal, Solicitation

PER_PAGE = 20
P = ProjectProposal.Status


def refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return error_page(request, 404, _("未找到"), _(exc.message))
    if isinstance(exc, PermissionDenied):
        return error_page(request, 403, _("无权操作"), _(exc.message))
    return error_page(request, exc.status, _("无法完成"), _(exc.message))


def _local(moment: Any) -> str:
    return clock.as_beijing(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


# -- the list -----------------------------------------------------------------------------------


@permission("projects.manage")
def solicitations(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("status", "")
    status = status if status in Solicitation.Status.values else ""
    q = (request.GET.get("q") or "").strip()[:60]
    qs = selectors.department_solicitations(user)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(title__icontains=q)
    qs = selectors.with_counts(qs.order_by("-created_at", "-id"))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "rows": list(page.object_list),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "filters": {"status": status, "q": q},
        "statuses": list(Solicitation.Status.choices),
        "department": selectors.is_department(user),
    }
    return render(request, "projects/solicitations.html", context)


# -- new / edit ---------------------------------------------------------------------------------


def _posted(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    return {
        "title": post.get("title", ""),
        "year": post.get("year", ""),
        "guide": post.get("guide", ""),
        "domains": post.getlist("domains"),
        "statuses": post.getlist("statuses"),
        "opens_at": post.get("opens_at", ""),
        "closes_at": post.get("closes_at", ""),
        "max_per_alliance": post.get("max_per_alliance", "1"),
    }


def _form_of(row: Solicitation) -> dict[str, Any]:
    return {
        "title": row.title,
        "year": row.year,
        "guide": row.guide,
        "domains": row.domains,
        "statuses": row.statuses,
        "opens_at": _local(row.opens_at),
        "closes_at": _local(row.closes_at),
        "max_per_alliance": row.max_per_alliance,
    }


def _editor(
    request: HttpRequest, form: dict[str, Any], row: Solicitation | None, error: str, status: int
) -> HttpResponse:
    state_choices = [
        (value, label)
        for value, label in Alliance.Status.choices
        if value not in ("revoked", "dissolved")
    ]
    context = {
        "form": form,
        "row": row,
        "error": error,
        "domains": list(Proposal.Domain.choices),
        "alliance_states": state_choices,
        "running": selectors.RUNNING,
    }
    return render(request, "projects/solicitation_form.html", context, status=status)


@permission("projects.manage")
def solicitation_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = _posted(request)
        try:
            row = services.solicitation_create(actor=request.user, data=form)
        except PermissionDenied as exc:
            return refused(request, exc)
        except DomainError as exc:
            return _editor(request, form, None, exc.message, exc.status)
        messages.success(request, _("已保存项目征集（草稿）。核对后请发布。"))
        return redirect("projects:solicitation", pk=row.pk)
    today = clock.beijing_now().replace(hour=9, minute=0, second=0, microsecond=0)
    form = {
        "title": "",
        "year": today.year,
        "guide": "",
        "domains": [],
        "statuses": [],
        "opens_at": _local(today),
        "closes_at": _local((today + timedelta(days=30)).replace(hour=17)),
        "max_per_alliance": 1,
    }
    return _editor(request, form, None, "", 200)


@permission("projects.manage")
def solicitation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.solicitation_for_department(request.user, pk)
    except DomainError as exc:
        return refused(request, exc)
    if request.method == "POST":
        form = _posted(request)
        try:
            services.solicitation_update(
                actor=request.user,
                solicitation_id=pk,
                data=form,
                revision=request.POST.get("revision"),
            )
        except (NotFound, PermissionDenied) as exc:
            return refused(request, exc)
        except DomainError as exc:
            return _editor(request, form, row, exc.message, exc.status)
        messages.success(request, _("已保存修改。"))
        return redirect("projects:solicitation", pk=pk)
    return _editor(request, _form_of(row), row, "", 200)


@permission("projects.manage")
@require_POST
def solicitation_open(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        selectors.solicitation_for_department(request.user, pk)
    except DomainError as exc:
        return refused(request, exc)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认发布项目征集？"),
            consequence=_("发布后，范围内的联盟牵头单位可在开始时间后填报项目，截止时间前提交。"),
            confirm_label=_("发布征集"),
            back_url=reverse("projects:solicitation", args=[pk]),
            danger=False,
        )
    try:
        services.solicitation_open(
            actor=request.user, solicitation_id=pk, revision=request.POST.get("revision")
        )
    except DomainError as exc:
        return refused(request, exc)
    messages.success(request, _("项目征集已发布。"))
    return redirect("projects:solicitation", pk=pk)


@permission("projects.manage")
@require_POST
def solicitation_close(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        selectors.solicitation_for_department(request.user, pk)
    except DomainError as exc:
        return refused(request, exc)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认截止项目征集？"),
            consequence=_("截止后联盟不能再填报、修改或撤回项目，不能重新发布。"),
            confirm_label=_("截止征集"),
            back_url=reverse("projects:solicitation", args=[pk]),
        )
    try:
        services.solicitation_close(
            actor=request.user, solicitation_id=pk, revision=request.POST.get("revision")
        )
    except DomainError as exc:
        return refused(request, exc)
    messages.success(request, _("项目征集已截止。"))
    return redirect("projects:solicitation", pk=pk)


# -- one solicitation: its proposals ------------------------------------------------------------


def _proposal_filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    domain = get.get("domain", "")
    status = get.get("status", "")
    return {
        "domain": domain if domain in Proposal.Domain.values else "",
        "status": status if status in P.values and status != P.DRAFT else "",
        "q": (get.get("q") or "").strip()[:60],
    }


def filtered_proposals(
    solicitation: Solicitation, filters: dict[str, str]
) -> QuerySet[ProjectProposal]:
    qs = selectors.department_proposals(solicitation)
    if filters["domain"]:
        qs = qs.filter(domain=filters["domain"])
    if filters["status"]:
        qs = qs.filter(status=filters["status"])
    if filters["q"]:
        qs = qs.filter(alliance__name__icontains=filters["q"])
    return qs


@permission("projects.manage")
def solicitation(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.solicitation_for_department(request.user, pk)
    except DomainError as exc:
        return refused(request, exc)
    filters = _proposal_filters(request)
    qs = filtered_proposals(row, filters)
    totals = qs.aggregate(
        total=Sum("budget_total"), requested=Sum("funds_requested"), raised=Sum("self_raised")
    )
    listed = selectors.with_scores(qs.select_related("alliance", "lead_unit")).order_by(
        "-submitted_at", "-id"
    )
    page = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "row": row,
        "page_obj": page,
        "proposals": list(page.object_list),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "filters": filters,
        "totals": totals,
        "domains": list(Proposal.Domain.choices),
        "statuses": [c for c in P.choices if c[0] != P.DRAFT],
        "domain_labels": [selectors.domain_label(d) for d in row.domains],
        "state_labels": [
            str(dict(Alliance.Status.choices).get(s, s)) for s in (row.statuses or [])
        ],
        "is_open": selectors.is_open(row),
        "export_query": query.urlencode(),
    }
    return render(request, "projects/solicitation.html", context)


@permission("projects.manage")
def solicitation_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.solicitation_for_department(request.user, pk)
    except DomainError as exc:
        return refused(request, exc)
    filters = _proposal_filters(request)
    qs = selectors.with_scores(
        filtered_proposals(row, filters).select_related("alliance", "lead_unit")
    ).order_by("-submitted_at", "-id")
    content = exports.proposals_xlsx(row, qs)
    return xlsx_response(content, f"{row.title}-项目申报汇总.xlsx")


# -- return and score ---------------------------------------------------------------------------


@permission("projects.manage")
@require_POST
def proposal_return(request: HttpRequest, pk: int) -> HttpResponse:
    from .views_lead import proposal_page

    try:
        proposal, relation = selectors.proposal_for(request.user, pk)
    except DomainError as exc:
        return refused(request, exc)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认退回修改？"),
            consequence=_(
                "项目申报书退回牵头单位修改，退回意见将显示给牵头单位；修改后可再次提交。"
            ),
            confirm_label=_("退回修改"),
            back_url=reverse("projects:proposal", args=[pk]),
        )
    try:
        services.proposal_return(
            actor=request.user,
            proposal_id=pk,
            reason=request.POST.get("reason", ""),
            revision=request.POST.get("revision"),
        )
    except (NotFound, PermissionDenied) as exc:
        return refused(request, exc)
    except DomainError as exc:
        return proposal_page(request, proposal, relation, error=exc.message, status=exc.status)
    messages.success(request, _("已退回牵头单位修改。"))
    return redirect("projects:proposal", pk=pk)


@permission("projects.manage")
@require_POST
def proposal_score(request: HttpRequest, pk: int) -> HttpResponse:
    from .views_lead import proposal_page

    try:
        proposal, relation = selectors.proposal_for(request.user, pk)
    except DomainError as exc:
        return refused(request, exc)
    try:
        services.proposal_score(
            actor=request.user,
            proposal_id=pk,
            score=request.POST.get("score"),
            comment=request.POST.get("comment", ""),
        )
    except (NotFound, PermissionDenied) as exc:
        return refused(request, exc)
    except DomainError as exc:
        return proposal_page(request, proposal, relation, error=exc.message, status=exc.status)
    messages.success(request, _("评分已保存。"))
    return redirect("projects:proposal", pk=pk)
