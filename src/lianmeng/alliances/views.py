"""Pages of the public registry and the deciding department's decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianmeng.core.access import login_only, permission, public
from lianmeng.core.errors import DomainError, NotFound
from lianmeng.experts.models import RoundProposal
from lianmeng.policy.loader import get_profile, load_profiles
from lianmeng.proposals.models import Proposal
from lianmeng.ui.errors import error_page

from . import selectors, services
from .forms import RegistryFilterForm
from .models import Alliance, Decision, category_label
from .naming import alliance_name
from .plaque import plaque_pdf

PER_PAGE = 20

_LEVELS = {
    "national": gettext_lazy("国家级"),
    "provincial": gettext_lazy("省级"),
    "municipal": gettext_lazy("市级"),
}


def _page(request: HttpRequest, queryset: Any) -> dict[str, Any]:
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }


def _profile_names() -> dict[str, str]:
    return {pid: p.name.value for pid, p in load_profiles().items()}


# -- the public registry -----------------------------------------------------------------------


@public
def registry(request: HttpRequest) -> HttpResponse:
    names = _profile_names()
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
        )
    context = {"form": form, **_page(request, selectors.alliance_list(filters=filters))}
    for alliance in context["page_obj"].object_list:
        alliance.profile_name = names.get(alliance.profile, alliance.profile)
        alliance.level_name = _LEVELS.get(alliance.level, alliance.level)
    return render(request, "alliances/registry.html", context)


def _category_name(alliance: Alliance) -> str:
    if alliance.category is None:
        return ""
    profile = get_profile(alliance.profile)
    names = {c.value.number: c.value.name for c in profile.categories}
    numerals = {1: _("一类"), 2: _("二类"), 3: _("三类")}
    number = numerals.get(alliance.category, f"{alliance.category}类")
    return f"{number}：{names.get(alliance.category, '')}"


@public
def registry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        alliance = selectors.alliance_get(pk=pk)
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    context = {
        "alliance": alliance,
        "profile_name": _profile_names().get(alliance.profile, alliance.profile),
        "level_name": _LEVELS.get(alliance.level, alliance.level),
        "category_name": _category_name(alliance),
        "decisions": selectors.alliance_decisions(alliance),
        "may_plaque": alliance.status == Alliance.Status.RECOGNISED
        and selectors.may_download_plaque(request.user, alliance),
    }
    return render(request, "alliances/registry_detail.html", context)


@login_only
def registry_plaque(request: HttpRequest, pk: int) -> HttpResponse:
    """The plaque of a recognised alliance, for its lead unit and the departments above it."""
    try:
        alliance = selectors.alliance_get(pk=pk)
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    if alliance.status != Alliance.Status.RECOGNISED or not selectors.may_download_plaque(
        request.user, alliance
    ):
        return error_page(request, 404, _("未找到"), _("该联盟没有可下载的标牌，或您无权下载。"))
    url = request.build_absolute_uri(reverse("alliances:registry_detail", args=[alliance.pk]))
    response = HttpResponse(plaque_pdf(alliance, verify_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plaque-{alliance.pk}.pdf"'
    return response


# -- decisions (the deciding department) ------------------------------------------------------


def _stage_rows(request: HttpRequest, proposals: list[Proposal]) -> list[dict[str, Any]]:
    rounds = {
        entry.proposal_id: entry.round
        for entry in RoundProposal.objects.filter(proposal__in=proposals)
        .select_related("round")
        .order_by("round__created_at", "round_id")
    }
    rows = []
    for proposal in proposals:
        profile = get_profile(proposal.profile)
        outcome = profile.outcome.value if profile.outcome else None
        try:
            suggested = alliance_name(profile, proposal.name)
        except DomainError:
            suggested = proposal.name
        rows.append(
            {
                "proposal": proposal,
                "profile_name": profile.name.value,
                "state": profile.lifecycle.state_label(proposal.status)
                if profile.lifecycle
                else proposal.status,
                "outcome": outcome,
                "outcome_label": dict(Decision.Kind.choices).get(outcome, ""),
                "categories": [
                    {
                        "number": c.value.number,
                        "name": c.value.name,
                        "label": category_label(c.value.number),
                    }
                    for c in profile.categories
                ],
                "name": suggested,
                "named": profile.alliance_name is not None,
                "round": rounds.get(proposal.pk),
            }
        )
    return rows


@permission("alliances.decide")
def decisions(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.decidable_proposals(viewer=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "rows": _stage_rows(request, list(page.object_list)),
        "staged": list(selectors.staged_decisions(viewer=request.user)[:200]),
        "published": list(selectors.published_decisions(viewer=request.user)[:20]),
    }
    return render(request, "alliances/decisions.html", context)


@permission("alliances.decide")
@require_POST
def decision_stage(request: HttpRequest) -> HttpResponse:
    try:
        proposal_id = int(request.POST.get("proposal", ""))
    except ValueError:
        proposal_id = 0
    try:
        services.decision_stage(
            actor=request.user,
            proposal_id=proposal_id,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            category=request.POST.get("category") or None,
            name=request.POST.get("name") or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("决定已暂存，可与其他决定一并发布。"))
    return redirect("alliances:decisions")


@permission("alliances.decide")
@require_POST
def decision_unstage(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.decision_unstage(actor=request.user, decision_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销暂存的决定。"))
    return redirect("alliances:decisions")


@permission("alliances.decide")
@require_POST
def decisions_publish(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("decisions") if v.isdigit()]
    try:
        published = services.decisions_publish(actor=request.user, ids=ids)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已发布 %(n)s 项决定，申报单位将收到站内消息和电子邮件。") % {"n": len(published)},
        )
    return redirect("alliances:decisions")
