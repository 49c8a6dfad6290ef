"""The lead unit's pages of the key-project solicitations: the open solicitations that address
one of its alliances and its proposals; a new proposal, editing, submitting (confirmed) and
withdrawing one. One proposal's page is shared with the issuing department (its score form and
return form) and prints as a PDF with the verification code once submitted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.alliances.models import Alliance
from lianmeng.core.access import permission
from lianmeng.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from lianmeng.running.models import Member, Workspace
from lianmeng.ui.confirm import confirmation_page, confirmed

from . import exports, selectors, services
from .models import ProjectProposal, Solicitation
from .views_staff import PER_PAGE, refused

P = ProjectProposal.Status
FIELDS = (
    "title",
    "goals",
    "summary",
    "starts_on",
    "ends_on",
    "budget_total",
    "funds_requested",
    "self_raised",
)


def _current_members(alliance: Alliance) -> list[Member]:
    """The alliance's current member rows (its workspace opened from the decided roster when
    it was never opened)."""
    workspace = Workspace.objects.filter(alliance=alliance).first()
    if workspace is None:
        from lianmeng.running.services import workspace_ensure

        workspace = workspace_ensure(alliance=alliance)
    return list(workspace.members.filter(left_on__isnull=True).order_by("role", "id")[:500])


# -- the lead unit's home -----------------------------------------------------------------------


@permission("projects.file")
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    offers = selectors.open_for_lead(user)
    status = request.GET.get("status", "")
    status = status if status in P.values else ""
    qs = selectors.lead_proposals(user).select_related("alliance", "solicitation")
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-created_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "offers": offers,
        "page_obj": page,
        "proposals": list(page.object_list),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "filters": {"status": status},
        "statuses": list(P.choices),
    }
    return render(request, "projects/home.html", context)


# -- the form -----------------------------------------------------------------------------------


def _posted(request: HttpRequest) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    post = request.POST
    data = {name: post.get(name, "") for name in FIELDS}
    chosen = [
        {"member": value, "task": post.get(f"task_{value}", "")} for value in post.getlist("member")
    ]
    return data, chosen


def _form_of(proposal: ProjectProposal) -> tuple[dict[str, Any], dict[str, str]]:
    data = {name: getattr(proposal, name) for name in FIELDS}
    for name in ("starts_on", "ends_on"):
        data[name] = data[name].isoformat() if data[name] else ""
    tasks = {str(m.member_id): m.task for m in proposal.members.all() if m.member_id}
    return data, tasks


def _member_rows(alliance: Alliance, tasks: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "id": m.pk,
            "name": m.name,
            "uscc": m.uscc,
            "role": m.get_role_display(),
            "checked": str(m.pk) in tasks,
            "task": tasks.get(str(m.pk), ""),
        }
        for m in _current_members(alliance)
    ]


def _editor(
    request: HttpRequest,
    *,
    solicitation: Solicitation,
    alliance: Alliance,
    data: dict[str, Any],
    tasks: dict[str, str],
    proposal: ProjectProposal | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "solicitation": solicitation,
        "alliance": alliance,
        "form": data,
        "members": _member_rows(alliance, tasks),
        "proposal": proposal,
        "error": error,
    }
    return render(request, "projects/proposal_form.html", context, status=status)


@permission("projects.file")
def proposal_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    offers = {o.solicitation.pk: o for o in selectors.open_for_lead(user)}
    offer = offers.get(pk)
    if offer is None:
        return refused(
            request,
            NotFound(_("该征集未在征集中，或不面向本单位牵头的联盟。")),
        )
    wanted = request.POST.get("alliance") or request.GET.get("alliance") or ""
    alliance = next((a for a in offer.alliances if str(a.pk) == wanted), None)
    if alliance is None:
        if len(offer.alliances) == 1:
            alliance = offer.alliances[0]
        else:
            return render(request, "projects/choose_alliance.html", {"offer": offer})
    if request.method == "POST":
        data, chosen = _posted(request)
        try:
            row = services.proposal_create(
                actor=user,
                solicitation_id=pk,
                alliance_id=alliance.pk,
                data=data,
                members=chosen,
            )
        except (NotFound, PermissionDenied) as exc:
            return refused(request, exc)
        except DomainError as exc:
            tasks = {c["member"]: c["task"] for c in chosen}
            return _editor(
                request,
                solicitation=offer.solicitation,
                alliance=alliance,
                data=data,
                tasks=tasks,
                error=exc.message,
                status=exc.status,
            )
        messages.success(request, _("已保存项目申报书（草稿）。核对后请提交。"))
        return redirect("projects:proposal", pk=row.pk)
    return _editor(
        request,
        solicitation=offer.solicitation,
        alliance=alliance,
        data={name: "" for name in FIELDS},
        tasks={},
    )


# -- one proposal -------------------------------------------------------------------------------


def proposal_page(
    request: HttpRequest,
    proposal: ProjectProposal,
    relation: str,
    *,
    form: dict[str, Any] | None = None,
    tasks: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    proposal.refresh_from_db()
    lead = relation == selectors.LEAD
    open_now = selectors.is_open(proposal.solicitation)
    editable = lead and proposal.status in services.EDITABLE and open_now
    members = list(proposal.members.all())
    context: dict[str, Any] = {
        "proposal": proposal,
        "solicitation": proposal.solicitation,
        "alliance": proposal.alliance,
        "members": members,
        "lead": lead,
        "department": relation == selectors.DEPARTMENT,
        "editable": editable,
        "withdrawable": lead
        and proposal.status != P.WITHDRAWN
        and proposal.solicitation.status != Solicitation.Status.CLOSED,
        "error": error,
        "domain_label": selectors.domain_label(proposal.domain),
    }
    if editable:
        stored, stored_tasks = _form_of(proposal)
        context["form"] = form if form is not None else stored
        context["member_rows"] = _member_rows(
            proposal.alliance, tasks if tasks is not None else stored_tasks
        )
    if relation == selectors.DEPARTMENT:
        summary = selectors.score_summary(proposal, request.user)
        context["scores"] = summary
        context["score_rows"] = list(proposal.scores.select_related("scorer").order_by("id"))
        context["returnable"] = (
            proposal.status == P.SUBMITTED
            and proposal.solicitation.status == Solicitation.Status.OPEN
        )
    return render(request, "projects/proposal.html", context, status=status)


@permission("projects.view")
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row, relation = selectors.proposal_for(request.user, pk)
    except DomainError as exc:
        return refused(request, exc)
    return proposal_page(request, row, relation)


@permission("projects.file")
@require_POST
def proposal_save(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row, relation = selectors.proposal_for(request.user, pk)
    except DomainError as exc:
        return refused(request, exc)
    data, chosen = _posted(request)
    try:
        services.proposal_update(
            actor=request.user,
            proposal_id=pk,
            data=data,
            members=chosen,
            revision=request.POST.get("revision"),
        )
    except (NotFound, PermissionDenied) as exc:
        return refused(request, exc)
    except DomainError as exc:
        tasks = {c["member"]: c["task"] for c in chosen}
        return proposal_page(
            request, row, relation, form=data, tasks=tasks, error=exc.message, status=exc.status
        )
    messages.success(request, _("已保存。"))
    return redirect("projects:proposal", pk=pk)


@permission("projects.file")
@require_POST
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row, relation = selectors.proposal_for(request.user, pk)
    except DomainError as exc:
        return refused(request, exc)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认提交项目申报书？"),
            consequence=_("提交后不能再修改，主管部门将评审；需要修改时主管部门会退回。"),
            confirm_label=_("提交"),
            back_url=reverse("projects:proposal", args=[pk]),
            danger=False,
        )
    data, chosen = _posted(request)
    revision = request.POST.get("revision")
    try:
        if request.POST.get("with_form") == "1":
            saved = services.proposal_update(
                actor=request.user, proposal_id=pk, data=data, members=chosen, revision=revision
            )
            revision = saved.revision
        services.proposal_submit(actor=request.user, proposal_id=pk, revision=revision)
    except (NotFound, PermissionDenied) as exc:
        return refused(request, exc)
    except Conflict as exc:
        row.refresh_from_db()
        if row.status == P.SUBMITTED:  # a second click: the first one went through
            messages.info(request, _(exc.message))
            return redirect("projects:proposal", pk=pk)
        return proposal_page(request, row, relation, error=exc.message, status=exc.status)
    except (ValidationFailed, DomainError) as exc:
        tasks = {c["member"]: c["task"] for c in chosen}
        form = data if request.POST.get("with_form") == "1" else None
        return proposal_page(
            request,
            row,
            relation,
            form=form,
            tasks=tasks if form is not None else None,
            error=exc.message,
            status=exc.status,
        )
    messages.success(request, _("项目申报书已提交，主管部门将进行评审。"))
    return redirect("projects:proposal", pk=pk)


@permission("projects.file")
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row, relation = selectors.proposal_for(request.user, pk)
    except DomainError as exc:
        return refused(request, exc)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认撤回项目申报书？"),
            consequence=_(
                "撤回后该申报书终止，不能恢复；如需申报须重新填写（计入限报数量的名额将释放）。"
            ),
            confirm_label=_("撤回"),
            back_url=reverse("projects:proposal", args=[pk]),
        )
    try:
        services.proposal_withdraw(
            actor=request.user, proposal_id=pk, revision=request.POST.get("revision")
        )
    except (NotFound, PermissionDenied) as exc:
        return refused(request, exc)
    except DomainError as exc:
        return proposal_page(request, row, relation, error=exc.message, status=exc.status)
    messages.success(request, _("项目申报书已撤回。"))
    return redirect("projects:proposal", pk=pk)


@permission("projects.view")
def proposal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from django.http import HttpResponse as Response

    try:
        row, _relation = selectors.proposal_for(request.user, pk)
    except DomainError as exc:
        return refused(request, exc)
    if row.status != P.SUBMITTED or not row.verification_code:
        return refused(request, NotFound(_("只有已提交的项目申报书可以打印。")))
    content = exports.proposal_pdf(row)
    response = Response(content, content_type="application/pdf")
    from urllib.parse import quote

    name = f"{row.title}-项目申报书.pdf"
    response["Content-Disposition"] = (
        f"inline; filename=\"proposal-{row.pk}.pdf\"; filename*=UTF-8''{quote(name)}"
    )
    return response
