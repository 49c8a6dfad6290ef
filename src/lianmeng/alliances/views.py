"""Pages of the public registry and the deciding department's decisions."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianmeng.core.access import login_only, permission, public
from lianmeng.core.errors import DomainError, NotFound, PermissionDenied
from lianmeng.core.reauth import recent_auth
from lianmeng.core.selectors import viewer_scope
from lianmeng.core.site import absolute_url
from lianmeng.core.validity import lapse_for, lapse_status
from lianmeng.experts.models import RoundProposal
from lianmeng.policy.loader import get_profile, load_profiles
from lianmeng.proposals.materials import ACCEPT
from lianmeng.proposals.models import Proposal
from lianmeng.ui.confirm import confirmation_page, confirmed
from lianmeng.ui.errors import error_page
from lianmeng.workflow.engine import basis_lapse

from . import lifecycle, selectors, services
from .links import page_links, panels, workspace_link
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
    from .views_documents import registry_filters

    names = _profile_names()
    form, filters = registry_filters(request)  # the XLSX export uses the same
    context = {"form": form, **_page(request, selectors.alliance_list(filters=filters))}
    # the KPI early warning (B-5) as a flag column and a filter, for department staff
    context["show_kpi"] = viewer_scope(request.user) is not None
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
        "decisions": (decisions := list(selectors.alliance_decisions(alliance))),
        "documents": selectors.documents_for(request.user, decisions),
        "may_plaque": alliance.status == Alliance.Status.RECOGNISED
        and selectors.may_download_plaque(request.user, alliance),
        "history": selectors.alliance_history(alliance),
        "actions": _actions(request, alliance),
        "workspace_url": workspace_link(request.user, alliance),
        "page_links": page_links(request.user, alliance),
        "panels": panels(request.user, alliance),
        **_ended(request, alliance),
        "evidence_accept": ACCEPT,
    }
    return render(request, "alliances/registry_detail.html", context)


def _ended(request: HttpRequest, alliance: Alliance) -> dict[str, Any]:
    """撤销、解散: the notice PDF and the evidence, for the lead unit and the departments
    above the alliance (the public sees the state, the date and the ground only)."""
    from . import revocation

    if alliance.status not in (Alliance.Status.REVOKED, Alliance.Status.DISSOLVED):
        return {}
    if not revocation.may_see_files(request.user, alliance):
        return {"ended": True}
    return {
        "ended": True,
        "revocation_notice": revocation.notice_for(alliance),
        "evidence": list(revocation.evidence_for(alliance)),
    }


def _actions(request: HttpRequest, alliance: Alliance) -> list[dict[str, Any]]:
    """The transitions the viewer may fire on the alliance here, each with its confirmation."""
    if not request.user.is_authenticated:
        return []
    actions = []
    for step in lifecycle.allowed_transitions(actor=request.user, alliance=alliance):
        lapsed = basis_lapse(lifecycle.KIND, alliance.profile, step)
        label = _(step.label)
        actions.append(
            {
                "transition": step,
                "grounds": [{"id": g.id, "label": _(g.label)} for g in step.grounds],
                "evidence": step.kind == "revoke",
                "label": label,
                "reason_label": _(step.reason_label),
                "confirm_title": _("确认%(action)s？") % {"action": label},
                "confirm_consequence": _(
                    "联盟状态将变为“%(state)s”，此操作记入联盟的办理记录，主管部门可见。"
                )
                % {"state": _(lifecycle.state_label_of(alliance, step.to))},
                # under a policy not in force the step needs its 依据 (lianmeng.policy.validity)
                "lapse": lapse_status(lapsed) if lapsed is not None else "",
            }
        )
    return actions


@login_only  # the lifecycle engine checks who may act (role and office)
@require_POST
def registry_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """宣布解散 and the alliance's other transitions from its registry page (audited). Acts
    only on a POST carrying ``confirmed=1`` (the dialog's button, or the confirmation page
    answered to a POST without it: lianmeng.ui.confirm)."""
    reason = (request.POST.get("reason") or "").strip()
    if not confirmed(request):
        alliance = Alliance.objects.filter(pk=pk).first()
        allowed = (
            lifecycle.allowed_transitions(actor=request.user, alliance=alliance)
            if alliance is not None
            else []
        )
        wanted = next((t for t in allowed if t.id == name), None)
        ground = (request.POST.get("ground") or "").strip()
        grounded = not wanted or not wanted.grounds or wanted.ground(ground) is not None
        if wanted is not None and (reason or not wanted.reason_required) and grounded:
            label = _(wanted.label)
            chosen = wanted.ground(ground) if wanted.grounds else None
            return confirmation_page(
                request,
                title=_("确认%(action)s？") % {"action": label},
                consequence=_("联盟状态将变为“%(state)s”，此操作记入联盟的办理记录，主管部门可见。")
                % {"state": _(lifecycle.state_label_of(alliance, wanted.to))},
                confirm_label=label,
                back_url=reverse("alliances:registry_detail", args=[pk]),
                details=[
                    _("联盟：%(name)s") % {"name": alliance.name},
                    *([_("事由：%(ground)s") % {"ground": _(chosen.label)}] if chosen else []),
                    _("%(field)s：%(reason)s")
                    % {"field": _(wanted.reason_label), "reason": reason or "—"},
                    *(
                        [_("所选证明材料须在本页的弹窗中确认时才能一并提交，此页确认不含附件。")]
                        if request.FILES
                        else []
                    ),
                ],
            )
    try:
        basis = (request.POST.get("basis") or "").strip()
        data = {"basis": basis} if basis else {}
        if request.POST.get("ground"):
            data["ground"] = request.POST["ground"].strip()[:40]
        lifecycle.alliance_transition(
            actor=request.user,
            pk=pk,
            transition=name,
            reason=reason,
            data=data or None,
            evidence=request.FILES.getlist("evidence"),
        )
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    except PermissionDenied as exc:
        return error_page(request, 403, _("不能办理"), exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已办理。"))
    return redirect("alliances:registry_detail", pk=pk)


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
    url = absolute_url(reverse("alliances:registry_detail", args=[alliance.pk]))
    response = HttpResponse(plaque_pdf(alliance, verify_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plaque-{alliance.pk}.pdf"'
    return response


@login_only
def revocation_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """取消备案通知/撤销通知 (PDF), for the lead unit and the departments above the alliance."""
    from . import revocation

    try:
        notice = revocation.notice_get(viewer=request.user, alliance_id=pk)
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), exc.message)
    response = HttpResponse(revocation.notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = (
        f"inline; filename=\"revocation-{pk}.pdf\"; filename*=UTF-8''"
        f"{quote(revocation.filename(notice))}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_only
def revocation_evidence(request: HttpRequest, pk: int, did: int) -> HttpResponse:
    """A file the department attached to the revocation (never public)."""
    from django.http import FileResponse

    from . import revocation

    try:
        evidence = revocation.evidence_get(viewer=request.user, alliance_id=pk, pk=did)
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), exc.message)
    response = FileResponse(
        revocation.evidence_open(evidence),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
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
    kept = request.session.pop("decision_kept", {})
    # the category the 推荐公函 asked for, preselected on the 备案 form (one query)
    from lianmeng.reviews.selectors import recommended_categories

    asked = recommended_categories(proposals)
    for proposal in proposals:
        profile = get_profile(proposal.profile)
        outcome = profile.outcome.value if profile.outcome else None
        lapsed = lapse_for(profile)
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
                "asked": asked.get(proposal.pk),
                "asked_label": _asked_label(profile, asked.get(proposal.pk)),
                # 政策已失效: the decision needs its 依据 (lianmeng.core.validity)
                "policy_lapse": lapse_status(lapsed) if lapsed else "",
                "kept": kept if kept.get("proposal") == proposal.pk else {},
            }
        )
    return rows


def _asked_label(profile: Any, number: int | None) -> str:
    """二类（产业创新联盟）: the category the 推荐公函 asked for, in the profile's words."""
    names = {c.value.number: c.value.name for c in profile.categories}
    if number not in names:
        return ""
    return f"{category_label(number)}（{names[number]}）"


@permission("alliances.decide")
def decisions(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.decidable_proposals(viewer=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "rows": _stage_rows(request, list(page.object_list)),
        "staged": _with_notices(list(selectors.staged_decisions(viewer=request.user)[:200])),
        "published": list(selectors.published_decisions(viewer=request.user)[:20]),
        **_publish_form(request),
    }
    return render(request, "alliances/decisions.html", context)


def _with_notices(staged: list[Any]) -> list[Any]:
    """Each staged decision with the 公示 it is in (lianmeng.notices; one query)."""
    from lianmeng.notices.selectors import STATE_LABELS, covering_notices, notice_state

    found = covering_notices(services.DECISION_SUBJECT, [d.pk for d in staged])
    for decision in staged:
        decision.public_notices = [
            {"row": a, "state": notice_state(a), "label": STATE_LABELS[notice_state(a)]}
            for a in found.get(decision.pk, [])
        ]
    return staged


@permission("alliances.decide")
@require_POST
def decisions_notice(request: HttpRequest) -> HttpResponse:
    """拟认定名单公示: the selected staged decisions into a draft 公示 (lianmeng.notices)."""
    from datetime import date

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(request.POST.get(name, "").strip())
        except ValueError:
            return None

    ids = [int(v) for v in request.POST.getlist("decisions") if v.isdigit()]
    try:
        row = services.decisions_notice(
            actor=request.user,
            ids=ids,
            starts=day("notice_starts_on"),
            ends=day("notice_ends_on"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("alliances:decisions")
    messages.success(
        request,
        _("已生成公示草稿，请核对正文、添加附件后发布；公示期满且异议处理完毕后再发布决定。"),
    )
    return redirect("notices:staff_detail", pk=row.pk)


def _publish_form(request: HttpRequest) -> dict[str, Any]:
    """The batch's 文号 (kept as typed after a refusal, else the next free number) and the
    form's one-time key (a double click publishes once)."""
    from uuid import uuid4

    from lianmeng.core import clock

    from .numbering import department_prefix, next_reference

    area = request.user.jurisdiction if request.user.jurisdiction_id else None
    year = clock.beijing_now().year
    kept = request.session.pop("decisions_reference", "")
    prefix = department_prefix(area) if area else ""
    return {
        "reference": kept or next_reference(area, year, prefix),
        "reference_prefix": prefix,
        "reference_year": year,
        "publish_token": uuid4().hex,
    }


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
            basis=request.POST.get("basis", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        # nothing typed is lost: the reason and the basis come back in their boxes
        request.session["decision_kept"] = {
            "proposal": proposal_id,
            "reason": request.POST.get("reason", ""),
            "basis": request.POST.get("basis", ""),
        }
    else:
        messages.success(request, _("决定已暂存，可与其他决定一并发布。"))
    return redirect("alliances:decisions")


@permission("alliances.decide")
@require_POST
def decision_unstage(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.decision_unstage(actor=request.user, decision_id=pk)
    except NotFound as exc:  # another department's, or gone: the same 404 as reading it
        return error_page(request, 404, _("未找到"), _(exc.message))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销暂存的决定。"))
    return redirect("alliances:decisions")


@permission("alliances.decide")
@recent_auth  # 发布决定前须近期验证过密码 (issue 12)
@require_POST
def decisions_publish(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("decisions") if v.isdigit()]
    # the form always sends its 文号 box (blank is refused); a client without the box gets
    # the department's next free number
    reference = request.POST.get("reference")
    if ids and not confirmed(request):
        chosen = selectors.staged_decisions(viewer=request.user).filter(pk__in=ids)
        return confirmation_page(
            request,
            title=_("确认发布所选决定？"),
            consequence=_(
                "发布后决定立即生效，不能撤回：申报单位收到站内消息和电子邮件；"
                "批准、认定或备案的联盟进入公开名录，未获通过的申报办理结束。"
            ),
            confirm_label=_("确认发布"),
            back_url=reverse("alliances:decisions"),
            details=[
                f"{d.get_kind_display()} · {d.proposal.name}"
                + (f"（{reference}）" if reference else "")
                for d in chosen
            ],
        )
    try:
        published = services.decisions_publish(
            actor=request.user,
            ids=ids,
            reference=reference,
            token=request.POST.get("token") or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        request.session["decisions_reference"] = (reference or "")[:60]  # kept as typed
    else:
        messages.success(
            request,
            _("已发布 %(n)s 项决定（文号：%(reference)s），申报单位将收到站内消息和电子邮件。")
            % {
                "reference": published[0].reference if published else reference,
                "n": len(published),
            },
        )
    return redirect("alliances:decisions")
