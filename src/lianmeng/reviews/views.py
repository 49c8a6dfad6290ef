"""Pages of recommending and accepting departments (M-20, M-21, M-03) and the notification
inbox (M-23). Views read through selectors and act through the engine and services only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianmeng.core import clock
from lianmeng.core.access import login_only, permission
from lianmeng.core.errors import DomainError, NotFound
from lianmeng.core.models import Jurisdiction
from lianmeng.core.validity import lapse_for, policy_lapse_context, return_refusal
from lianmeng.policy.loader import UnknownProfileError, get_profile, load_profiles
from lianmeng.proposals.lifecycle import (
    allowed_transitions,
    can_reopen,
    next_steps,
    proposal_reopen,
    proposal_transition,
)
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.selectors import proposal_get
from lianmeng.ui.confirm import confirmation_page, confirmed
from lianmeng.ui.errors import error_page
from lianmeng.workflow.guards import SITUATIONAL, GuardContext, refusals
from lianmeng.workflow.models import Deadline, StateChange
from lianmeng.workflow.routing import actor_office, lifecycle_of, profile_of, state_label

from . import exports, notifications, selectors
from .bulk import bulk_actions, steps_by_proposal
from .call_terms import call_terms_for
from .forms import (
    AcceptanceFilterForm,
    BulkForm,
    InboxFilterForm,
    NotificationTextForm,
    PaperForm,
    TransitionForm,
    ZoneFilingForm,
)
from .guards import paper_copies_counted
from .models import PaperReceipt
from .services import paper_copies_record, proposals_step_bulk, zone_filing_submit

PER_PAGE = 20
BOXES = {
    "todo": gettext_lazy("待办理"),
    "done": gettext_lazy("已办理"),
    "all": gettext_lazy("全部"),
}


def _paginate(request: HttpRequest, items: QuerySet[Any] | list[Any]) -> dict[str, Any]:
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }


def _profile_names() -> dict[str, str]:
    return {pid: p.name.value for pid, p in load_profiles().items()}


def _filters(form: InboxFilterForm) -> dict[str, Any]:
    if not form.is_bound:
        return {}
    form.is_valid()  # invalid fields are left out; the valid ones still filter
    data = form.cleaned_data
    return {
        "status": data.get("status") or None,
        "profile": data.get("profile") or None,
        "year": data.get("year") or None,
        "search": (data.get("q") or "").strip() or None,
    }


def _label_rows(rows: Any) -> None:
    names = _profile_names()
    for proposal in rows:
        proposal.state_name = state_label(proposal.profile, proposal.status)
        proposal.profile_name = names.get(proposal.profile, proposal.profile)


def _bulk_choices(viewer: Any) -> list[tuple[str, str]]:
    """Bulk transitions the viewer's roles allow in the profiles covering the viewer's area,
    by id (the engine checks each proposal)."""
    roles = viewer.role_set()
    area = viewer.jurisdiction if viewer.jurisdiction_id else None
    if area is None:
        return []
    profiles = [p for p in load_profiles().values() if p.lifecycle is not None]
    paths = dict(
        Jurisdiction.objects.filter(code__in={p.jurisdiction.value for p in profiles}).values_list(
            "code", "path"
        )
    )
    labels: dict[str, list[str]] = {}
    for profile in profiles:
        if not area.path.startswith(paths.get(profile.jurisdiction.value, "-")):
            continue
        for transition in profile.lifecycle.transitions:
            if transition.bulk and transition.role in roles and not transition.external:
                names = labels.setdefault(transition.id, [])
                if transition.label not in names:
                    names.append(transition.label)
    return [(tid, " / ".join(names)) for tid, names in labels.items()]


def _bulk_keys(viewer: Any) -> list[tuple[str, str]]:
    """What the bulk form accepts: a kind of step (the menu's entries) or, as before, a
    transition id; the service then takes, on each proposal, the step that fits it."""
    keys: dict[str, str] = {}
    for tid, name in _bulk_choices(viewer):
        keys[tid] = name
    for profile in load_profiles().values():
        if profile.lifecycle is None:
            continue
        for transition in profile.lifecycle.transitions:
            if transition.id in keys:
                keys.setdefault(transition.kind, transition.label)
    return list(keys.items())


# -- inbox and one proposal ---------------------------------------------------------------------


@permission("reviews.review_proposals")
def inbox(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box") if request.GET.get("box") in BOXES else "todo"
    form = InboxFilterForm(request.GET or None, viewer=request.user)
    queryset = selectors.review_inbox(viewer=request.user, box=box, **_filters(form))
    context: dict[str, Any] = {
        "form": form,
        "box": box,
        "boxes": BOXES,
        **_paginate(request, queryset),
    }
    rows = context["page_obj"].object_list
    _label_rows(rows)
    if box == "todo":
        steps = steps_by_proposal(viewer=request.user, proposals=rows)
        for row in rows:
            row.bulk_steps = steps.get(row.pk, [])
        context["bulk_actions"] = bulk_actions(viewer=request.user, proposals=rows, steps=steps)
    return render(request, "reviews/inbox.html", context)


def _proposal_or_404(request: HttpRequest, pk: int) -> Proposal | HttpResponse:
    try:
        return proposal_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))


#: transitions another page carries out: decisions are staged and published together on the
#: decisions page (which also enters the registry); review starts when the proposal joins a
#: review round on the expert review page
ELSEWHERE = {"approve": "decide", "decline": "decide", "review": "review"}


def _elsewhere(request: HttpRequest, proposal: Proposal) -> dict[str, list[str]]:
    """Labels of the actor's transitions done on another page, by page (``decide``,
    ``review``)."""
    pages: dict[str, list[str]] = {}
    for transition in allowed_transitions(actor=request.user, proposal=proposal):
        page = ELSEWHERE.get(transition.kind)
        if page and transition.label not in pages.setdefault(page, []):
            pages[page].append(transition.label)
    return pages


def _actions(request: HttpRequest, proposal: Proposal) -> list[dict[str, Any]]:
    profile = profile_of(proposal)
    lapsed = lapse_for(proposal.profile)
    actions = []
    for transition in allowed_transitions(actor=request.user, proposal=proposal):
        if transition.kind in ELSEWHERE:
            continue
        refused = refusals(
            GuardContext(
                subject=proposal,
                transition=transition,
                actor=request.user,
                at=clock.now(),
                profile=profile,
                data={},
            )
        )
        if any(name in SITUATIONAL for name, _message in refused):
            continue
        hints = [message for _name, message in refused]
        if lapsed is not None and transition.kind == "return":
            hints.append(return_refusal(lapsed))
        actions.append(
            {
                "transition": transition,
                "hints": hints,
                "needs_category": "category_chosen" in transition.guards,
                "negative": transition.kind in {"return", "refuse", "decline"},
                "confirm": confirmation_text(transition),
            }
        )
    # the positive step first, the return and the refusals after it, on every step
    actions.sort(key=lambda action: action["negative"])
    return actions


#: steps that cannot be undone by the department (or, for a return, only until the applicant
#: changes anything): confirmed with their consequence before they are taken
CONFIRMED_KINDS = frozenset({"return", "refuse", "decline"})


def confirmation_text(transition: Any) -> dict[str, str] | None:
    """Title, consequence and button of the confirmation of ``transition`` (None: none)."""
    if transition.kind not in CONFIRMED_KINDS:
        return None
    action = _(transition.label)
    if transition.kind == "return":
        consequence = _(
            "退回后申报单位可以修改申报材料并重新提交；退回原因将通过站内消息和电子邮件告知申报单位。"
            "在申报单位修改之前，您可以在本页“撤销退回”；申报单位修改后就不能撤销了。"
        )
    else:
        consequence = _(
            "“%(action)s”后本申报的办理即告结束：申报单位不能再修改或重新提交本申报，"
            "理由将通过站内消息和电子邮件告知申报单位。此操作不能撤销。"
        ) % {"action": action}
    return {
        "title": _("确认%(action)s？") % {"action": action},
        "consequence": consequence,
        "label": _("确认%(action)s") % {"action": action},
    }


NUMERALS = {1: "一类", 2: "二类", 3: "三类"}


def category_label(proposal: Proposal) -> str:
    """The category the proposal applies for, as the 推荐公函 writes it: 一类（产业技术创新战略联盟）."""
    number = (proposal.document or {}).get("category")
    names = dict(_category_choices(proposal))
    if number not in names:
        return str(number or "")
    return f"{NUMERALS.get(number, number)}（{names[number]}）"


def _category_choices(proposal: Proposal) -> list[tuple[int, str]]:
    profile = profile_of(proposal)
    categories = [(c.value.number, c.value.name) for c in profile.categories] if profile else []
    return categories or [(1, _("一类")), (2, _("二类")), (3, _("三类"))]


def _kept(request: HttpRequest, actions: list[dict[str, Any]]) -> dict[str, str]:
    """The opinion typed before a refusal, back in its box (or the first one if that action
    is no longer offered)."""
    kept = request.session.pop("reviews_kept", {})
    if not (kept.get("reason") or kept.get("basis")) or not actions:
        return {}
    ids = [a["transition"].id for a in actions]
    return {
        "transition": kept["transition"] if kept.get("transition") in ids else ids[0],
        "reason": kept.get("reason", ""),
        "basis": kept.get("basis", ""),
    }


@permission("reviews.review_proposals")
def review(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    if isinstance(proposal, HttpResponse):
        return proposal
    actions = _actions(request, proposal)
    paper_step = any("paper_copies_received" in a["transition"].guards for a in actions)
    terms = call_terms_for(proposal)
    context = {
        "proposal": proposal,
        "profile_name": _profile_names().get(proposal.profile, proposal.profile),
        "state_name": state_label(proposal.profile, proposal.status),
        "actions": actions,
        "elsewhere": _elsewhere(request, proposal),
        "steps": next_steps(proposal),
        "history": selectors.state_history(proposal=proposal),
        "deadlines": Deadline.objects.of(proposal),
        "receipts": PaperReceipt.objects.filter(proposal=proposal).select_related("recorded_by"),
        "paper_received": paper_copies_counted(proposal),
        "paper_required": terms.paper_copies if terms else 2,
        "paper_window": terms.paper_window_text() if terms else "",
        "paper_place": terms.place if terms else "",
        "paper_form": PaperForm(initial={"received_by": str(request.user)}) if paper_step else None,
        "category_choices": _category_choices(proposal),
        "proposal_category": (proposal.document or {}).get("category"),
        "proposal_category_label": category_label(proposal),
        "letter": _letter_change(proposal),
        "office": actor_office(request.user),
        "kept": _kept(request, actions),
        "can_reopen": can_reopen(actor=request.user, proposal=proposal),
        **policy_lapse_context(proposal.profile),
    }
    return render(request, "reviews/review.html", context)


@permission("reviews.review_proposals")
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    form = TransitionForm(request.POST)
    back = reverse("reviews:review", args=[pk])
    if not form.is_valid():
        messages.error(request, _("提交的内容无效，请重新填写。"))
        return redirect(back)
    proposal = _proposal_or_404(request, pk)
    if isinstance(proposal, HttpResponse):
        return proposal
    lifecycle = lifecycle_of(proposal)
    wanted = lifecycle.transition(form.cleaned_data["transition"]) if lifecycle else None
    if wanted is not None and wanted.kind in ELSEWHERE:
        page = _("决定") if ELSEWHERE[wanted.kind] == "decide" else _("专家评审")
        messages.error(
            request,
            _("“%(action)s”请在“%(page)s”页面办理。") % {"action": wanted.label, "page": page},
        )
        return redirect(back)
    confirm = confirmation_text(wanted) if wanted is not None else None
    reason = (form.cleaned_data.get("reason") or "").strip()
    if (
        confirm is not None
        and not confirmed(request)
        and (reason or not wanted.reason_required)
        and wanted in allowed_transitions(actor=request.user, proposal=proposal)
    ):
        return confirmation_page(
            request,
            title=confirm["title"],
            consequence=confirm["consequence"],
            confirm_label=confirm["label"],
            back_url=back,
            details=[
                _("申报：%(name)s") % {"name": proposal.name},
                _("%(field)s：%(reason)s")
                % {"field": _(wanted.reason_label or "意见"), "reason": reason or "—"},
            ],
        )
    data: dict[str, Any] = {}
    if form.cleaned_data.get("category"):
        data["category"] = form.cleaned_data["category"]
    if request.POST.get("basis", "").strip():  # 依据: under a policy not in force (core.validity)
        data["basis"] = request.POST["basis"].strip()
    try:
        proposal = proposal_transition(
            actor=request.user,
            pk=pk,
            transition=form.cleaned_data["transition"],
            reason=form.cleaned_data.get("reason") or "",
            data=data,
        )
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    except DomainError as exc:
        messages.error(request, exc.message)
        # nothing typed is lost: the opinion comes back in its box
        request.session["reviews_kept"] = {
            "transition": form.cleaned_data["transition"],
            "reason": form.cleaned_data.get("reason") or "",
            "basis": request.POST.get("basis", ""),
        }
        return redirect(back)
    change = StateChange.objects.of(proposal).order_by("-at", "-id").first()
    messages.success(
        request,
        _("已办理“%(action)s”，当前状态：%(state)s。")
        % {
            "action": change.label if change else "",
            "state": state_label(proposal.profile, proposal.status),
        },
    )
    return redirect(back)


@permission("reviews.review_proposals")
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """撤销退回: the department that returned the proposal by mistake takes the return back
    while the lead unit has changed nothing."""
    back = reverse("reviews:review", args=[pk])
    reason = (request.POST.get("reason") or "").strip()
    try:
        proposal = proposal_reopen(actor=request.user, pk=pk, reason=reason)
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request,
        _("已撤销退回，当前状态：%(state)s。申报单位会收到通知。")
        % {"state": _(state_label(proposal.profile, proposal.status))},
    )
    return redirect(back)


@permission("reviews.review_proposals")
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    form = BulkForm(request.POST, ids=ids, transitions=_bulk_keys(request.user))
    back = reverse("reviews:inbox")
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        messages.error(request, first)
        return redirect(back)
    try:
        outcomes = proposals_step_bulk(
            actor=request.user,
            pks=form.cleaned_data["ids"],
            action=form.cleaned_data["transition"],
            reason=form.cleaned_data.get("reason") or "",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    done = [o for o in outcomes if o.done]
    if done:
        messages.success(request, _("已批量办理 %(n)s 项。") % {"n": len(done)})
    for outcome in outcomes:
        text = _("%(name)s：%(message)s") % {
            "name": outcome.name or outcome.pk,
            "message": outcome.message,
        }
        (messages.info if outcome.done else messages.warning)(request, text)
    return redirect(back)


@permission("reviews.accept_proposals")
@require_POST
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    form = PaperForm(request.POST)
    back = reverse("reviews:review", args=[pk])
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(back)
    try:
        receipt = paper_copies_record(
            actor=request.user,
            pk=pk,
            copies=form.cleaned_data["copies"],
            received_at=form.cleaned_data["received_at"],
            received_by=form.cleaned_data["received_by"],
            reason=form.cleaned_data.get("reason") or "",
        )
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("已登记纸质材料 %(n)s 份。") % {"n": receipt.copies})
    return redirect(back)


# -- acceptance ---------------------------------------------------------------------------------


@permission("reviews.accept_proposals")
def acceptance(request: HttpRequest) -> HttpResponse:
    form = AcceptanceFilterForm(request.GET or None, viewer=request.user)
    filters = _filters(form)
    paper_filter = form.cleaned_data.get("paper") if form.is_bound else None
    queryset = selectors.acceptance_list(viewer=request.user, paper=paper_filter or None, **filters)
    context = {"form": form, **_paginate(request, queryset)}
    _label_rows(context["page_obj"].object_list)
    return render(request, "reviews/acceptance.html", context)


# -- the 推荐表 and the 推荐公函 -------------------------------------------------------------------


def _profile_name_for(viewer: Any, year: int, rows: list[Any] | None = None) -> str:
    """The profile the department recommended for (its jurisdiction's province or city);
    ``rows``: ``selectors.recommended_by`` of the viewer and year, when the caller has it."""
    if rows is None:
        rows = selectors.recommended_by(viewer=viewer, year=year)
    names = _profile_names()
    if rows:
        return names.get(rows[0].subject.profile, "")
    return ""


@permission("reviews.recommendation_tables")
def recommendations(request: HttpRequest) -> HttpResponse:
    years = selectors.recommendation_years(viewer=request.user)
    default = selectors.recommendation_default_year(viewer=request.user, years=years)
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        year = default
    changes = selectors.recommended_by(viewer=request.user, year=year)
    rows = selectors.recommendation_rows(viewer=request.user, year=year, changes=changes)
    heading = exports.table_heading(
        profile_name=_profile_name_for(request.user, year, changes) or "",
        year=year,
        department=actor_office(request.user),
    )
    # the screen shows the table 20 rows a page (序号 runs on across pages); the Excel and the
    # PDF for the seal hold the whole year's table
    paged = _paginate(request, rows)
    return render(
        request,
        "reviews/recommendations.html",
        {
            "years": years,
            "year": year,
            "rows": paged["page_obj"].object_list,
            **paged,
            "heading": heading,
            "columns": exports.COLUMNS,
        },
    )


def _table(request: HttpRequest, year: int) -> tuple[Any, list[Any]]:
    changes = selectors.recommended_by(viewer=request.user, year=year)
    rows = selectors.recommendation_rows(viewer=request.user, year=year, changes=changes)
    heading = exports.table_heading(
        profile_name=_profile_name_for(request.user, year, changes) or "",
        year=year,
        department=actor_office(request.user),
    )
    return heading, rows


@permission("reviews.recommendation_tables")
def recommendations_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    heading, rows = _table(request, year)
    response = HttpResponse(
        exports.recommendation_table_xlsx(heading, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="recommendations-{year}.xlsx"'
    return response


@permission("reviews.recommendation_tables")
def recommendations_pdf(request: HttpRequest, year: int) -> HttpResponse:
    heading, rows = _table(request, year)
    response = HttpResponse(
        exports.recommendation_table_pdf(heading, rows, printed_at=clock.now()),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="recommendations-{year}.pdf"'
    return response


def _letter_change(proposal: Proposal) -> StateChange | None:
    """Baoding's recommendation (推荐公函 is one of its materials), if there is one."""
    profile = profile_of(proposal)
    if profile is None or not any(
        m.value.kind == "recommendation_letter" for m in profile.materials
    ):
        return None
    return StateChange.objects.of(proposal).filter(kind="recommend").order_by("-at", "-id").first()


def letter_pdf_bytes(proposal: Proposal, change: StateChange) -> bytes:
    profile = profile_of(proposal)
    category = (proposal.document or {}).get("category")
    names = {c.value.number: c.value.name for c in profile.categories} if profile else {}
    category_text = category_label(proposal) if category in names else ""
    policy = profile.documents[0] if profile else None
    return exports.recommendation_letter_pdf(
        proposal=proposal,
        department=change.actor_office,
        addressee=f"{profile.name.value}科学技术局" if profile else "",
        category=category_text,
        opinion=change.reason,
        recommended_at=change.at,
        policy_title=f"《{policy.title.value}》" if policy else "",
        policy_number=policy.number.value if policy and policy.number else "",
    )


@permission("proposals.view_proposal")
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    if isinstance(proposal, HttpResponse):
        return proposal
    change = _letter_change(proposal)
    if change is None:
        return error_page(
            request, 404, _("没有推荐公函"), _("该申报尚未由县（市、区）、开发区科技主管部门推荐。")
        )
    response = HttpResponse(letter_pdf_bytes(proposal, change), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="recommendation-letter-{proposal.pk}.pdf"'
    return response


# -- zone filings ---------------------------------------------------------------------------------


@permission("reviews.zone_filings")
def zone_filings(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    is_zone = bool(viewer.jurisdiction_id and viewer.jurisdiction.is_zone)
    form = ZoneFilingForm(request.POST or None, initial={"year": clock.beijing_now().year})
    if request.method == "POST":
        if not is_zone:
            return error_page(request, 403, _("无权访问"), _("只有片区管委会可以报备联盟名单。"))
        if form.is_valid():
            try:
                filing = zone_filing_submit(
                    actor=viewer, year=form.cleaned_data["year"], note=form.cleaned_data["note"]
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("已向%(to)s报备 %(n)s 家联盟。")
                    % {"to": filing.filed_with.name, "n": len(filing.items)},
                )
                return redirect("reviews:zone_filings")
    approved = list(selectors.zone_approved(viewer=viewer)) if is_zone else []
    _label_rows(approved)
    context = {
        "is_zone": is_zone,
        "form": form,
        "approved": approved,
        **_paginate(request, selectors.zone_filing_list(viewer=viewer)),
    }
    return render(request, "reviews/zone_filings.html", context)


# -- notifications --------------------------------------------------------------------------------


@login_only
def notification_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        raw = request.POST.get("id")
        try:
            notifications.notification_mark_read(
                actor=request.user, pk=int(raw) if raw and raw.isdigit() else None
            )
        except NotFound as exc:
            return error_page(request, 404, _("未找到"), _(exc.message))
        target = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("reviews:notification_list")  # never off the site
        return redirect(target)
    context = _paginate(request, notifications.notification_list(viewer=request.user))
    context["unread"] = notifications.unread_count(request.user)
    return render(request, "reviews/notification_list.html", context)


@permission("reviews.edit_notification_texts")
def notification_texts(request: HttpRequest) -> HttpResponse:
    profiles = notifications.editable_profiles(request.user)
    names = _profile_names()
    groups = [
        {
            "profile": pid,
            "name": names.get(pid, pid),
            "texts": notifications.notification_texts(pid),
        }
        for pid in profiles
    ]
    return render(
        request,
        "reviews/notification_texts.html",
        {"groups": groups, "placeholders": notifications.PLACEHOLDERS},
    )


def _sample_values(profile_id: str) -> dict[str, str]:
    try:
        name = get_profile(profile_id).name.value
    except UnknownProfileError:
        name = ""
    return {
        "联盟名称": f"{name}×××产业技术创新战略联盟",
        "牵头单位": "×××有限公司",
        "原因": "（办理意见）",
        "操作": "（操作名称）",
        "状态": "（办理后的状态）",
        "部门": "（办理部门）",
        "时间": "2020年9月21日 10:00",
        "截止日期": "2021年9月21日",
        "类别": "二类",
    }


@permission("reviews.edit_notification_texts")
def notification_text_edit(request: HttpRequest, profile: str, event: str) -> HttpResponse:
    if profile not in notifications.editable_profiles(request.user) or event not in (
        notifications.profile_events(profile)
    ):
        return error_page(request, 404, _("未找到"), _("没有这个通知文本，或您无权修改。"))
    current = notifications.notification_text(profile, event)
    form = NotificationTextForm(
        request.POST or None, initial={"subject": current.subject, "body": current.body}
    )
    if request.method == "POST":
        try:
            if request.POST.get("reset"):
                notifications.notification_template_reset(
                    actor=request.user, profile=profile, event=event
                )
                messages.success(request, _("已恢复默认文本。"))
                return redirect("reviews:notification_texts")
            if form.is_valid() and not request.POST.get("preview"):
                notifications.notification_template_save(
                    actor=request.user,
                    profile=profile,
                    event=event,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
                messages.success(request, _("通知文本已保存。"))
                return redirect("reviews:notification_texts")
        except DomainError as exc:
            messages.error(request, exc.message)
    values = _sample_values(profile)
    subject = form.data.get("subject", current.subject) if form.is_bound else current.subject
    body = form.data.get("body", current.body) if form.is_bound else current.body
    return render(
        request,
        "reviews/notification_text_edit.html",
        {
            "form": form,
            "profile": profile,
            "profile_name": _profile_names().get(profile, profile),
            "event": event,
            "current": current,
            "placeholders": notifications.PLACEHOLDERS,
            "preview_subject": notifications.render(subject, values),
            "preview_body": notifications.render(body, values),
        },
    )
