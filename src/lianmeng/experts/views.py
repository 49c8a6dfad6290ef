"""Pages of expert review: rounds for the organising department, the expert's inbox and
scoring form, the expert pool. Views read through selectors and write through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from lianmeng.core import clock
from lianmeng.core.access import permission
from lianmeng.core.errors import DomainError, NotFound
from lianmeng.core.models import User
from lianmeng.core.validity import policy_lapse_context
from lianmeng.policy.loader import load_profiles
from lianmeng.ui.confirm import confirmation_page, confirmed
from lianmeng.ui.errors import error_page

from . import selectors, services
from .export import score_sheet_xlsx
from .forms import (
    AutoAssignForm,
    ExpertProfileForm,
    ManualAssignForm,
    RoundCreateForm,
    split_list,
)
from .models import ExpertProfile
from .results import q2, round_results

PER_PAGE = 20


def _page(request: HttpRequest, queryset: Any, per_page: int = PER_PAGE) -> dict[str, Any]:
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }


def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return error_page(request, 404, _("未找到"), _(exc.message))


def _organised_profiles(user: User) -> list[str]:
    """Profiles whose reviews the user's department organises (own jurisdiction)."""
    code = user.jurisdiction.code if user.jurisdiction_id else ""
    profiles = load_profiles()
    own = [pid for pid, p in profiles.items() if p.jurisdiction.value == code and p.review]
    if own:
        return sorted(own)
    # a zone committee organises for the profile that delegates to it
    path = user.jurisdiction.path if user.jurisdiction_id else ""
    return sorted(
        pid
        for pid, p in profiles.items()
        if p.review
        and p.lifecycle
        and p.lifecycle.zone_delegation
        and f"/{p.jurisdiction.value}/" in f"/{path}"
    )


# -- rounds (organising department) ----------------------------------------------------------


@permission("experts.manage_rounds")
def round_list(request: HttpRequest) -> HttpResponse:
    form = RoundCreateForm(profiles=_organised_profiles(request.user))
    context = {"form": form, **_page(request, selectors.round_list(viewer=request.user))}
    return render(request, "experts/round_list.html", context)


@permission("experts.manage_rounds")
@require_POST
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundCreateForm(request.POST, profiles=_organised_profiles(request.user))
    if form.is_valid():
        try:
            round = services.round_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已创建评审轮次，请加入待评审的申报。"))
            return redirect("experts:round_detail", pk=round.pk)
    context = {"form": form, **_page(request, selectors.round_list(viewer=request.user))}
    return render(request, "experts/round_list.html", context, status=422)


def _expert_label(expert: ExpertProfile) -> str:
    unit = expert.user.unit.name if expert.user.unit_id else ""
    fields = "、".join(expert.fields[:3])
    return " · ".join(part for part in (str(expert.user), unit, fields) if part)


def _round_context(request: HttpRequest, round: Any, **extra: Any) -> dict[str, Any]:
    entries = list(selectors.round_entries(round))
    pool = list(selectors.expert_pool(viewer=request.user))
    available = [(e.pk, _expert_label(e)) for e in pool if e.available]
    context = {
        "round": round,
        "close_confirm": close_confirmation(),
        "entries": entries,
        "candidates": list(selectors.round_candidates(viewer=request.user, round=round)[:200]),
        "auto_form": AutoAssignForm(
            experts=available, initial={"experts": [str(pk) for pk, _l in available]}
        ),
        "manual_form": ManualAssignForm(
            proposals=[(p.pk, p.name) for p in entries],
            experts=[(e.pk, _expert_label(e)) for e in pool],
        ),
        "pool_size": len(pool),
        "available_count": len(available),
    }
    context.update(extra)
    return context


@permission("experts.manage_rounds")
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        round = selectors.round_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    context = {**_round_context(request, round), **policy_lapse_context(round.profile)}
    return render(request, "experts/round_detail.html", context)


def _round_action(request: HttpRequest, pk: int, action: Any, success: str) -> HttpResponse:
    try:
        selectors.round_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    try:
        outcome = action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success if not callable(success) else success(outcome))
    return redirect("experts:round_detail", pk=pk)


@permission("experts.manage_rounds")
@require_POST
def round_add(request: HttpRequest, pk: int) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("proposals") if v.isdigit()]
    return _round_action(
        request,
        pk,
        lambda: services.round_add_proposals(
            actor=request.user, round_id=pk, proposal_ids=ids, basis=request.POST.get("basis", "")
        ),
        lambda n: _("已将 %(n)s 份申报加入本轮评审。") % {"n": n},
    )


def _auto_message(result: services.AutoAssignResult) -> str:
    text = _("已自动分配 %(n)s 项评审任务。") % {"n": len(result.created)}
    if result.shortfalls:
        text += _("有 %(m)s 份申报因回避或专家不足未配齐专家，请人工指定。") % {
            "m": len(result.shortfalls)
        }
    for proposal_id, given in result.off_field.items():
        proposal = result.proposals.get(proposal_id)
        names = pgettext("list separator", "、").join(
            _("%(name)s（%(fields)s）")
            % {
                "name": expert,
                "fields": pgettext("list separator", "、").join(expert.fields)
                or _("未登记专业领域"),
            }
            for expert, _grade in given
        )
        near = all(grade == 1 for _expert, grade in given)
        message = (
            _("“%(proposal)s”：没有该领域的空闲专家，已分配相近领域专家：%(experts)s。")
            if near
            else _("“%(proposal)s”：没有该领域的空闲专家，已分配其他领域专家：%(experts)s。")
        )
        text += message % {"proposal": proposal.name if proposal else proposal_id, "experts": names}
    return text


@permission("experts.manage_rounds")
@require_POST
def round_auto(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        per = int(request.POST.get("per_proposal") or 2)
    except ValueError:
        per = 0
    chosen = [int(v) for v in request.POST.getlist("experts") if v.isdigit()]
    if request.POST.get("experts_listed") and not chosen:
        messages.error(request, _("请至少选择一位参加本轮的专家。"))
        return redirect("experts:round_detail", pk=pk)
    return _round_action(
        request,
        pk,
        lambda: services.assign_automatically(
            actor=request.user, round_id=pk, per_proposal=per, expert_ids=chosen or None
        ),
        _auto_message,
    )


@permission("experts.manage_rounds")
@require_POST
def round_manual(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        round = selectors.round_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    entries = list(selectors.round_entries(round))
    pool = list(selectors.expert_pool(viewer=request.user))
    form = ManualAssignForm(
        request.POST,
        proposals=[(p.pk, p.name) for p in entries],
        experts=[(e.pk, _expert_label(e)) for e in pool],
    )
    if form.is_valid():
        try:
            services.assign_manually(
                actor=request.user,
                round_id=pk,
                proposal_id=form.cleaned_data["proposal"],
                expert_id=form.cleaned_data["expert"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已人工指定专家，理由已记录。"))
            return redirect("experts:round_detail", pk=pk)
    context = _round_context(request, round, manual_form=form)
    return render(request, "experts/round_detail.html", context, status=422)


@permission("experts.manage_rounds")
@require_POST
def assignment_remove(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _round_action(
        request,
        pk,
        lambda: services.assignment_remove(
            actor=request.user, assignment_id=assignment_id, reason=reason
        ),
        _("已撤销该评审任务。"),
    )


@permission("experts.manage_rounds")
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    if not confirmed(request):
        try:
            round = selectors.round_get(viewer=request.user, pk=pk)
        except NotFound as exc:
            return _not_found(request, exc)
        text = close_confirmation()
        return confirmation_page(
            request,
            title=text["title"],
            consequence=text["consequence"],
            confirm_label=text["label"],
            back_url=reverse("experts:round_detail", args=[pk]),
            details=[round.title],
        )
    return _round_action(
        request,
        pk,
        lambda: services.round_close(actor=request.user, round_id=pk),
        _("评审轮次已结束，专家评分已定稿，可以作出决定。"),
    )


def close_confirmation() -> dict[str, str]:
    """What 结束评审 does, said before it is done."""
    return {
        "title": _("确认结束评审？"),
        "consequence": _(
            "结束后专家不能再提交或修改评分，尚未提交的评分不计入结果；"
            "评审结果按已提交的评分计算，之后即可作出决定。评审结束后不能重新开启。"
        ),
        "label": _("确认结束评审"),
    }


def submit_confirmation() -> dict[str, str]:
    """What 提交评分 does, said before it is done."""
    return {
        "title": _("确认提交评分？"),
        "consequence": _(
            "提交后评分和评语即成定稿，不能再修改；如确需更正，只能联系主管部门。"
            "尚未打完分可以先“保存草稿”。"
        ),
        "label": _("确认提交评分"),
    }


@permission("experts.manage_rounds")
def round_results_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        round = selectors.round_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    results = round_results(round)
    if round.is_open:
        # before the round closes: progress only (no scores, no names, no ranking)
        rows = [{"result": r} for r in results]
        return render(
            request,
            "experts/round_results.html",
            {
                "round": round,
                "rows": rows,
                "scored": sum(r.submitted for r in results),
                "assigned": sum(r.assigned for r in results),
                "after_close": _(selectors.SCORES_AFTER_CLOSE),
            },
        )
    rows = [
        {
            "result": r,
            "means": [q2(r.criterion_means.get(c["key"])) for c in round.criteria],
            "mean": q2(r.mean),
            "trimmed": q2(r.trimmed),
            "sheets": [
                {
                    "sheet": s,
                    "scores": [s.scores.get(c["key"]) for c in round.criteria],
                    "total": q2(s.total),
                }
                for s in r.sheets
            ],
        }
        for r in results
    ]
    return render(request, "experts/round_results.html", {"round": round, "rows": rows})


@permission("experts.manage_rounds")
def round_results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        round = selectors.round_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    if round.is_open:
        messages.error(request, _(selectors.SCORES_AFTER_CLOSE))
        return redirect("experts:round_results", pk=pk)
    content = score_sheet_xlsx(round, round_results(round))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="review-round-{round.pk}.xlsx"'
    return response


# -- the expert pool (organising department) -------------------------------------------------


@permission("experts.manage_rounds")
def pool(request: HttpRequest) -> HttpResponse:
    users = selectors.pool_users(viewer=request.user)
    context = _page(request, users, 50)
    paths = selectors.contact_paths(request.user)
    for user in context["page_obj"].object_list:
        user.show_contact = selectors.contact_visible(request.user, user, paths)
        # a list of many people: contacts masked even for the own pool (full on the edit page)
        user.contact_masked = selectors.masked_contact(user) if user.show_contact else ""
    return render(request, "experts/pool.html", context)


def _profile_form_initial(profile: ExpertProfile | None, user: User) -> dict[str, Any]:
    if profile is None:
        return {"available": True, "email": user.email}
    return {
        "fields_text": "、".join(profile.fields),
        "title": profile.title,
        "phone": profile.phone,
        "email": profile.email,
        "region_code": profile.region.code if profile.region_id else "",
        "available": profile.available,
        "conflicts_text": "\n".join(profile.declared_conflicts),
    }


def _profile_edit(
    request: HttpRequest, user: User, template: str, back: str, *, show_contact: bool = True
) -> HttpResponse:
    profile = ExpertProfile.objects.select_related("region").filter(user=user).first()
    if request.method == "POST":
        form = ExpertProfileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.expert_profile_save(
                    actor=request.user,
                    user_id=user.pk,
                    fields=split_list(data["fields_text"]),
                    region_code=data["region_code"] or None,
                    title=data["title"],
                    phone=data["phone"] if show_contact else None,
                    email=data["email"] if show_contact else None,
                    available=data["available"],
                    declared_conflicts=split_list(data["conflicts_text"]),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("专家信息已保存。"))
                return redirect(back)
        status = 422
    else:
        initial = _profile_form_initial(profile, user)
        if not show_contact:
            initial.pop("phone", None)
            initial.pop("email", None)
        form = ExpertProfileForm(initial=initial)
        status = 200
    if not show_contact:
        # a department the expert is only shared with: no contact details, not even to edit
        form.fields.pop("phone", None)
        form.fields.pop("email", None)
    context = {"form": form, "expert_user": user, "show_contact": show_contact}
    return render(request, template, context, status=status)


@permission("experts.manage_rounds")
def pool_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        expert = selectors.pool_user_get(viewer=request.user, user_id=user_id)
    except NotFound:
        return error_page(request, 404, _("未找到"), _("未找到该专家账号。"))
    return _profile_edit(
        request,
        expert,
        "experts/pool_edit.html",
        "experts:pool",
        show_contact=selectors.contact_visible(request.user, expert),
    )


# -- the expert -------------------------------------------------------------------------------


@permission("experts.review")
def my_profile(request: HttpRequest) -> HttpResponse:
    return _profile_edit(request, request.user, "experts/my_profile.html", "experts:my_profile")


@permission("experts.review")
def inbox(request: HttpRequest) -> HttpResponse:
    context = _page(request, selectors.assignment_inbox(viewer=request.user))
    return render(request, "experts/inbox.html", context)


def _score_rows(assignment: Any, posted: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    own = selectors.own_scores(assignment)
    rows = []
    for criterion in assignment.round.criteria:
        key = criterion["key"]
        saved = own.get(key)
        rows.append(
            {
                "criterion": criterion,
                "key": key,
                "score": (posted or {}).get(f"score_{key}")
                if posted is not None
                else (saved.score if saved and saved.score is not None else ""),
                "comment": (posted or {}).get(f"comment_{key}", "")
                if posted is not None
                else (saved.comment if saved else ""),
            }
        )
    return rows


def _peer_rows(assignment: Any, viewer: User) -> list[dict[str, Any]] | None:
    peers = selectors.peer_scores(viewer=viewer, assignment=assignment)
    if peers is None:
        return None
    rows = []
    for peer in peers:
        scores = peer["scores"]
        cells = []
        for criterion in assignment.round.criteria:
            score = scores.get(criterion["key"])
            cells.append(
                {
                    "title": criterion["title"],
                    "score": score.score if score else None,
                    "comment": score.comment if score else "",
                }
            )
        rows.append({"label": peer["label"], "cells": cells})
    return rows


class _DryRun(Exception):
    pass


def _score_dry_run(actor: Any, assignment_id: int, scores: Any, comments: Any) -> None:
    """Run the final submission's checks and roll everything back (DomainError if refused)."""
    from django.db import transaction

    try:
        with transaction.atomic():
            services.score_submit(
                actor=actor,
                assignment_id=assignment_id,
                scores=scores,
                comments=comments,
                final=True,
            )
            raise _DryRun
    except _DryRun:
        return


@permission("experts.review")
def score_form(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        assignment = selectors.assignment_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    posted = None
    error = ""
    status = 200
    if request.method == "POST":
        final = request.POST.get("action") == "submit"
        keys = [c["key"] for c in assignment.round.criteria]
        scores = {k: request.POST.get(f"score_{k}", "") for k in keys}
        comments = {k: request.POST.get(f"comment_{k}", "") for k in keys}
        try:
            if final and not confirmed(request):
                # check what would be submitted, keep nothing, and ask first
                _score_dry_run(request.user, assignment.pk, scores, comments)
                text = submit_confirmation()
                return confirmation_page(
                    request,
                    title=text["title"],
                    consequence=text["consequence"],
                    confirm_label=text["label"],
                    back_url=reverse("experts:score_form", args=[assignment.pk]),
                    details=[assignment.proposal.name],
                    danger=False,
                )
            services.score_submit(
                actor=request.user,
                assignment_id=assignment.pk,
                scores=scores,
                comments=comments,
                final=final,
            )
        except DomainError as exc:
            error = exc.message
            posted = request.POST
            status = 422
        else:
            messages.success(
                request, _("评分已提交，谢谢！") if final else _("草稿已保存，可稍后继续。")
            )
            if final:
                return redirect("experts:inbox")
            return redirect("experts:score_form", pk=assignment.pk)
    context = {
        "assignment": assignment,
        "proposal": assignment.proposal,
        "rows": _score_rows(assignment, posted),
        "error": error,
        "editable": assignment.round.is_open
        and assignment.submitted_at is None
        and not (assignment.round.closes_at and clock.now() > assignment.round.closes_at),
        "peers": _peer_rows(assignment, request.user),
        "submit_confirm": submit_confirmation(),
    }
    return render(request, "experts/score_form.html", context, status=status)


@permission("experts.review")
@require_POST
def declare_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.expert_declare_conflict(
            actor=request.user, assignment_id=pk, reason=request.POST.get("reason", "")
        )
    except NotFound as exc:
        return _not_found(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("experts:score_form", pk=pk)
    messages.success(request, _("已声明回避，该任务将由主管部门另行安排。"))
    return redirect("experts:inbox")
