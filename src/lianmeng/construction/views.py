"""筹建与验收 pages: ``/construction/…``.

The lead unit's applicants complete the checklist and apply for 验收; the departments of the
alliance's area read progress and the deadline; the competent department of the profile
assigns experts, closes the round and decides; the assigned experts read the evidence and
score. Anyone else gets 404. Views only call selectors and services.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.alliances.models import Alliance
from lianmeng.core.access import permission
from lianmeng.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.names import cite_text
from lianmeng.proposals.materials import ACCEPT, ALLOWED_TEXT, human_size, upload_limit
from lianmeng.ui.confirm import confirmation_page, confirmed
from lianmeng.ui.errors import error_page

from . import certificate as certificate_doc
from . import selectors, services

PER_PAGE = 25


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return error_page(request, 404, _("未找到"), _(exc.message))
    if isinstance(exc, PermissionDenied):
        return error_page(request, 403, _("无权操作"), _(exc.message))
    return error_page(request, exc.status, _("无法完成"), _(exc.message))


def _back(pk: int, anchor: str = "") -> str:
    return reverse("construction:detail", args=[pk]) + (f"#{anchor}" if anchor else "")


def _act(
    request: HttpRequest, pk: int, action: Any, success: str, anchor: str = ""
) -> HttpResponse:
    try:
        action()
    except NotFound as exc:
        return _refused(request, exc)
    except DomainError as exc:
        messages.error(request, _(exc.message))
        return redirect(_back(pk, anchor))
    messages.success(request, success)
    return redirect(_back(pk, anchor))


def _gate(request: HttpRequest, pk: int, *, organiser: bool) -> HttpResponse | None:
    """Refuse (404 / 403) before anything is asked or done: the lead unit applies, the
    competent department of the profile organises and decides."""
    try:
        acc = selectors.access(viewer=request.user, alliance_id=pk)
        if organiser and not acc.organiser:
            raise PermissionDenied(
                _("验收评审由政策档案规定的主管部门组织，您所在的部门只能查看。")
            )
        if not organiser and not acc.is_lead:
            raise PermissionDenied(_("只有牵头单位可以申请验收。"))
    except DomainError as exc:
        return _refused(request, exc)
    return None


# -- the department's list -----------------------------------------------------------------------


@permission("construction.department")
def department_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in {"", "building", "awaiting_acceptance", "recognised"}:
        status = ""
    overdue = request.GET.get("overdue") == "1"
    q = (request.GET.get("q") or "").strip()[:60]
    qs = selectors.department_list(viewer=request.user, status=status, overdue=overdue, q=q)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    totals = {}
    for alliance in rows:
        if alliance.profile not in totals:
            totals[alliance.profile] = selectors.checklist_total(alliance.profile)
        alliance.item_total = totals[alliance.profile]
        alliance.due_day = selectors.construction_due(alliance)
    return render(
        request,
        "construction/list.html",
        {
            "rows": rows,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "status": status,
            "overdue": overdue,
            "q": q,
            "statuses": [
                ("building", Alliance.Status.BUILDING.label),
                ("awaiting_acceptance", Alliance.Status.AWAITING_ACCEPTANCE.label),
                ("recognised", Alliance.Status.RECOGNISED.label),
            ],
        },
    )


@permission("construction.score")
def expert_inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.expert_tasks(viewer=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "construction/expert_inbox.html",
        {
            "page_obj": page,
            "tasks": list(page.object_list),
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        },
    )


# -- one alliance ---------------------------------------------------------------------------------


def _citation(citation: Any, profile: str) -> str:
    return cite_text(citation, profile)


@permission("construction.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        acc = selectors.access(viewer=request.user, alliance_id=pk)
    except DomainError as exc:
        return _refused(request, exc)
    alliance = acc.alliance
    items = selectors.checklist(alliance, acc.construction)
    for view in items:
        view.cite = _citation(view.item.citation, alliance.profile)
    progress = selectors.progress(alliance, acc.construction)
    round = selectors.current_round(alliance)
    result = selectors.round_result(round) if round is not None else None
    show_candidates = round is not None and round.is_open and acc.organiser
    task = None
    if acc.is_expert:
        task = selectors.task_get(viewer=request.user, alliance_id=pk)
    config = acc.construction.acceptance
    context = {
        "acc": acc,
        "alliance": alliance,
        "items": items,
        "progress": progress,
        "due": selectors.construction_due(alliance),
        "editable": acc.is_lead and selectors.editable(alliance),
        "round": round,
        "result": result,
        "candidates": selectors.candidates(viewer=request.user, round=round)
        if show_candidates
        else [],
        "task": task,
        "own_scores": selectors.own_scores(task) if task else {},
        "criteria": [
            {**c, "cite": _citation(c.get("citation"), alliance.profile)}
            for c in (round.criteria if round else [])
        ]
        or [
            {**c.model_dump(mode="json"), "cite": _citation(c.citation, alliance.profile)}
            for c in (config.criteria if config else [])
        ],
        "outcome": acc.construction.outcome,
        "outcome_cite": _citation(acc.construction.outcome.citation, alliance.profile)
        if acc.construction.outcome
        else "",
        "certificate": selectors.certificate_of(alliance),
        "may_certificate": selectors.may_download_certificate(request.user, alliance),
        "history_rounds": selectors.rounds(alliance),
        "accept": ACCEPT,
        "allowed_text": ALLOWED_TEXT,
        "upload_limit": human_size(upload_limit()),
    }
    return render(request, "construction/detail.html", context)


@permission("construction.edit_checklist")
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item_id = (request.POST.get("item") or request.GET.get("item") or "").strip()
    try:
        acc = selectors.access(viewer=request.user, alliance_id=pk)
        if not acc.is_lead:
            raise PermissionDenied(_("只有牵头单位可以填写筹建清单。"))
        config = acc.construction.item(item_id) if item_id else acc.construction.checklist[0]
        if config is None:
            raise NotFound(_("筹建清单中没有该事项。"))
    except DomainError as exc:
        return _refused(request, exc)
    view = next(v for v in selectors.checklist(acc.alliance, acc.construction) if v.item == config)
    error = ""
    if request.method == "POST":
        try:
            services.checklist_save(
                actor=request.user,
                alliance_id=pk,
                item=config.id,
                text=request.POST.get("text") if "text" in config.evidence else None,
                files=request.FILES.getlist("files"),
                remove_files=request.POST.getlist("remove"),
                revision=request.POST.get("revision"),
            )
        except NotFound as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error = _(exc.message)
        else:
            messages.success(request, _("已保存“%(item)s”。") % {"item": config.label})
            return redirect(_back(pk, f"item-{config.id}"))
    return render(
        request,
        "construction/item.html",
        {
            "acc": acc,
            "alliance": acc.alliance,
            "view": view,
            "cite": _citation(config.citation, acc.alliance.profile),
            "editable": selectors.editable(acc.alliance),
            "error": error,
            "text": request.POST.get("text", view.entry.text if view.entry else ""),
            "accept": ACCEPT,
            "allowed_text": ALLOWED_TEXT,
            "upload_limit": human_size(upload_limit()),
        },
        status=422 if error else 200,
    )


@permission("construction.view")
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        acc = selectors.access(viewer=request.user, alliance_id=pk)
        row = selectors.file_get(acc, request.GET.get("id"))
        handle = services.file_open(row)
    except DomainError as exc:
        return _refused(request, exc)
    except FileNotFoundError:
        return error_page(request, 404, _("未找到"), _("未找到该附件。"))
    response = FileResponse(
        handle, as_attachment=True, filename=row.original_name, content_type=row.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@permission("construction.edit_checklist")
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _gate(request, pk, organiser=False)) is not None:
        return refused
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("申请验收"),
            consequence=_("申请验收后，筹建清单不能再修改，由主管部门组织专家验收。确定申请吗？"),
            confirm_label=_("申请验收"),
            back_url=_back(pk),
            danger=False,
        )
    return _act(
        request,
        pk,
        lambda: services.apply(
            actor=request.user, alliance_id=pk, note=request.POST.get("note", "")
        ),
        _("已申请验收，等待主管部门组织专家验收。"),
        "acceptance",
    )


@permission("construction.organise")
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    def run() -> None:
        created = services.assign(
            actor=request.user,
            alliance_id=pk,
            expert_ids=request.POST.getlist("expert"),
            reason=request.POST.get("reason", ""),
        )
        if not created:
            raise ValidationFailed(_("所选专家已在本次验收评审中。"))

    return _act(request, pk, run, _("已分配验收评审专家。"), "acceptance")


@permission("construction.organise")
@require_POST
def assign_auto(request: HttpRequest, pk: int) -> HttpResponse:
    def run() -> None:
        try:
            count = int(request.POST.get("count") or 3)
        except ValueError as exc:
            raise ValidationFailed(_("请填写专家人数（数字）。")) from exc
        added = services.assign_automatically(actor=request.user, alliance_id=pk, count=count)
        if not added:
            raise ValidationFailed(
                _("没有可自动分配的专家：专家库中无回避情形的专家都已分配，或人数已够。")
            )

    return _act(request, pk, run, _("已自动分配验收评审专家。"), "acceptance")


@permission("construction.organise")
@require_POST
def unassign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda: services.unassign(
            actor=request.user, alliance_id=pk, assignment_id=request.POST.get("assignment")
        ),
        _("已撤回该专家的验收评审任务。"),
        "acceptance",
    )


@permission("construction.organise")
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _gate(request, pk, organiser=True)) is not None:
        return refused
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("结束验收评审"),
            consequence=_("结束后专家不能再评分，专家姓名和评分明细将对本部门公开。确定结束吗？"),
            confirm_label=_("结束评审"),
            back_url=_back(pk, "acceptance"),
        )
    return _act(
        request,
        pk,
        lambda: services.round_close(actor=request.user, alliance_id=pk),
        _("验收评审已结束，可以查看评分并作出验收结论。"),
        "acceptance",
    )


def _deadline(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(_("新的筹建期限格式不对，请按“年-月-日”填写。")) from exc


@permission("construction.organise")
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    if (refused := _gate(request, pk, organiser=True)) is not None:
        return refused
    passed = request.POST.get("result") == "pass"
    if not confirmed(request):
        if passed:
            title, consequence = (
                _("验收通过"),
                _("验收通过后联盟即被正式认定，并生成认定证书。此操作不能撤销。确定吗？"),
            )
        else:
            title, consequence = (
                _("验收不通过"),
                _("验收不通过，联盟退回筹建中，并按新的筹建期限继续筹建。确定吗？"),
            )
        return confirmation_page(
            request,
            title=title,
            consequence=consequence,
            confirm_label=title,
            back_url=_back(pk, "acceptance"),
            danger=not passed,
        )
    return _act(
        request,
        pk,
        lambda: services.decide(
            actor=request.user,
            alliance_id=pk,
            passed=passed,
            reason=request.POST.get("reason", ""),
            new_deadline=_deadline(request.POST.get("new_deadline", "")),
        ),
        _("验收通过，联盟已正式认定，认定证书已生成。")
        if passed
        else _("已作出验收不通过的结论，联盟退回筹建中。"),
        "acceptance",
    )


@permission("construction.score")
def score(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = selectors.task_get(viewer=request.user, alliance_id=pk)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method != "POST":
        return redirect(_back(pk, "score"))
    final = request.POST.get("action") == "submit"
    keys = [c["key"] for c in task.round.criteria]
    scores = {k: request.POST.get(f"score_{k}", "") for k in keys}
    comments = {k: request.POST.get(f"comment_{k}", "") for k in keys}
    if final and not confirmed(request):
        return confirmation_page(
            request,
            title=_("提交评分"),
            consequence=_("提交后评分不能再修改。确定提交吗？"),
            confirm_label=_("提交评分"),
            back_url=_back(pk, "score"),
            danger=False,
        )
    return _act(
        request,
        pk,
        lambda: services.score_submit(
            actor=request.user, alliance_id=pk, scores=scores, comments=comments, final=final
        ),
        _("评分已提交。") if final else _("评分草稿已保存。"),
        "score",
    )


@permission("construction.view")
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        acc = selectors.access(viewer=request.user, alliance_id=pk)
    except DomainError as exc:
        return _refused(request, exc)
    found = selectors.certificate_of(acc.alliance)
    if found is None or not selectors.may_download_certificate(request.user, acc.alliance):
        return error_page(request, 404, _("未找到"), _("该联盟尚无认定证书。"))
    pdf = certificate_doc.certificate_pdf(found)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + _quote(
        certificate_doc.filename(found)
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
