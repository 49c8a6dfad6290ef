"""联盟工作台 pages: ``/alliances/<pk>/``.

The lead unit's staff edit; member units and the departments of the alliance's area read the
same page (members see phones and e-mails masked). Anyone else gets 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianmeng.construction.registrations import workspace_links
from lianmeng.core import clock
from lianmeng.core.access import permission
from lianmeng.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from lianmeng.proposals.materials import ACCEPT, ALLOWED_TEXT, human_size, upload_limit
from lianmeng.reporting.views import workspace_panel as reports_panel
from lianmeng.ui.errors import error_page

from . import change_selectors, selectors, services
from .models import BODY_KINDS, KEY_PEOPLE, Meeting

MEETINGS_PER_PAGE = 10
#: what the engine's deadline kinds are called on the page
DEADLINE_LABELS = {
    "construction_period": gettext_lazy("筹建期结束"),
    "acceptance": gettext_lazy("验收"),
    "agreement_renewal": gettext_lazy("联盟协议重新签订"),
    "agreement_term": gettext_lazy("联盟协议到期，须重新签订"),
}


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return error_page(request, 404, _("未找到"), _(exc.message))
    if isinstance(exc, PermissionDenied):
        return error_page(request, 403, _("无权操作"), _(exc.message))
    return error_page(request, exc.status, _("无法完成"), _(exc.message))


def _access(request: HttpRequest, pk: int, *, write: bool = False) -> selectors.Access:
    return selectors.workspace_access(viewer=request.user, alliance_id=pk, write=write)


@permission("running.view_workspace")
def workspace(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        access = _access(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    page = Paginator(selectors.meetings(access.workspace), MEETINGS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    meetings = list(page.object_list)
    files = selectors.files_by_meeting([m.pk for m in meetings])
    for meeting in meetings:
        meeting.file_list = files.get(meeting.pk, [])
    members = selectors.members(access.workspace)
    now = clock.now()
    deadlines = [
        {"row": d, "label": DEADLINE_LABELS.get(d.kind, d.kind), "overdue": d.due_at < now}
        for d in selectors.due_next(access.alliance)
    ]
    changes = (
        change_selectors.workspace_changes(access.workspace)
        if access.relation != selectors.MEMBER
        else []
    )
    # the renewal still waiting for signatures (among the latest filings: no extra query)
    renewal = next(
        (
            f
            for f in changes
            if f.kind == "agreement_renewal" and f.signatures_done < f.signatures_total
        ),
        None,
    )
    context = {
        "access": access,
        "alliance": access.alliance,
        "workspace": access.workspace,
        "members": members,
        "current_members": sum(1 for m in members if m.left_on is None),
        "bodies": selectors.bodies(access.workspace),
        "people": selectors.key_people(access),
        "agreement": selectors.agreement(access.workspace, access.alliance.profile),
        "documents": [d for d in selectors.documents(access.workspace) if d.meeting_id is None],
        "page_obj": page,
        "meetings": meetings,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "history": selectors.history(access.alliance),
        "deadlines": deadlines,
        "has_agreement_deadline": any(d["row"].kind == "agreement_term" for d in deadlines),
        "changes": changes,
        "open_renewal": renewal,
        "to_sign": [
            s
            for s in change_selectors.renewals_to_sign(request.user)
            if s.filing.alliance_id == access.alliance.pk
        ]
        if access.relation == selectors.MEMBER
        else [],
        "accept": ACCEPT,
        "allowed_text": ALLOWED_TEXT,
        "upload_limit": human_size(upload_limit()),
        "construction_links": workspace_links(
            access.alliance, reads=access.relation in (selectors.LEAD, selectors.DEPARTMENT)
        ),
        # the alliance's reports and KPI early warnings (lianmeng.reporting, a lower layer)
        "reports_panel": reports_panel(request, access.alliance),
    }
    return render(request, "running/workspace.html", context)


def _meeting_form(
    request: HttpRequest,
    access: selectors.Access,
    meeting: Meeting | None,
    values: dict[str, Any],
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "access": access,
        "alliance": access.alliance,
        "meeting": meeting,
        "values": values,
        "kinds": Meeting.Kind.choices,
        "error": error.message if error else "",
        "field_errors": (error.details.get("fields") or {}) if error else {},
        "revision": values.get("revision") or (meeting.revision if meeting else ""),
        "today": clock.beijing_now().date().isoformat(),
        "accept": ACCEPT,
        "allowed_text": ALLOWED_TEXT,
        "upload_limit": human_size(upload_limit()),
    }
    return render(request, "running/meeting_form.html", context, status=status)


def _meeting_values(meeting: Meeting) -> dict[str, Any]:
    return {
        "kind": meeting.kind,
        "title": meeting.title,
        "held_on": meeting.held_on.isoformat(),
        "place": meeting.place,
        "attendance_count": meeting.attendance_count or "",
        "attendance_units": meeting.attendance_units,
        "minutes": meeting.minutes,
        "revision": meeting.revision,
    }


def _posted(request: HttpRequest) -> dict[str, Any]:
    keys = ("kind", "title", "held_on", "place", "attendance_count", "attendance_units", "minutes")
    return {k: request.POST.get(k, "") for k in (*keys, "revision")}


def _save_meeting(
    request: HttpRequest, access: selectors.Access, meeting: Meeting | None
) -> HttpResponse:
    values = _posted(request)
    try:
        if meeting is None:
            meeting = services.meeting_create(
                actor=request.user, alliance_id=access.alliance.pk, data=values
            )
        else:
            meeting = services.meeting_update(
                actor=request.user,
                alliance_id=access.alliance.pk,
                mid=meeting.pk,
                revision=values["revision"],
                data=values,
            )
        upload = request.FILES.get("file")
        if upload is not None:
            services.document_upload(
                actor=request.user,
                alliance_id=access.alliance.pk,
                file=upload,
                title=request.POST.get("file_title", ""),
                meeting_id=meeting.pk,
            )
    except Conflict as exc:
        return _meeting_form(request, access, meeting, values, exc, status=409)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        if meeting is not None and meeting.pk and request.FILES.get("file") is not None:
            # the record was saved; only the file was refused
            messages.error(request, exc.message)
            return redirect("running:meeting_edit", pk=access.alliance.pk, mid=meeting.pk)
        return _meeting_form(request, access, meeting, values, exc, status=422)
    messages.success(request, _("会议记录已保存。"))
    return redirect(f"{_workspace_url(access)}#meetings")


def _workspace_url(access: selectors.Access) -> str:
    from django.urls import reverse

    return reverse("running:workspace", args=[access.alliance.pk])


@permission("running.edit_workspace")
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        access = _access(request, pk, write=True)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method == "POST":
        return _save_meeting(request, access, None)
    return _meeting_form(request, access, None, {"held_on": clock.beijing_now().date().isoformat()})


@permission("running.edit_workspace")
def meeting_edit(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    try:
        access = _access(request, pk, write=True)
        meeting = selectors.meeting_get(access, mid)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method == "POST":
        return _save_meeting(request, access, meeting)
    return _meeting_form(request, access, meeting, _meeting_values(meeting))


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@permission("running.edit_workspace")
def particulars_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        access = _access(request, pk, write=True)
    except DomainError as exc:
        return _refused(request, exc)
    ws = access.workspace
    error: DomainError | None = None
    status = 200
    if request.method == "POST":
        post = request.POST
        term = post.get("agreement_term_years", "").strip()
        try:
            services.workspace_update(
                actor=request.user,
                alliance_id=access.alliance.pk,
                revision=post.get("revision"),
                office_address=post.get("office_address", ""),
                agreement_signed_on=_date_or_none(post.get("agreement_signed_on", "")),
                agreement_term_years=int(term) if term.isdigit() else None,
                key_people={
                    k: {f: post.get(f"{k}_{f}", "") for f in ("name", "phone", "email")}
                    for k in KEY_PEOPLE
                },
                bodies={
                    k: {
                        "set_up": post.get(f"{k}_set_up") == "on",
                        "name": post.get(f"{k}_name", ""),
                        "note": post.get(f"{k}_note", ""),
                    }
                    for k in BODY_KINDS
                },
            )
        except (NotFound, PermissionDenied) as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc, exc.status
        else:
            messages.success(request, _("联盟基本情况已保存。"))
            return redirect(_workspace_url(access))
    people = ws.key_people or {}
    context = {
        "access": access,
        "alliance": access.alliance,
        "workspace": ws,
        "people": [
            {"key": k, "label": label, **(people.get(k) or {})} for k, label in KEY_PEOPLE.items()
        ],
        "bodies": selectors.bodies(ws),
        "agreement_range": selectors.agreement_range(access.alliance.profile),
        "error": error.message if error else "",
    }
    return render(request, "running/particulars_form.html", context, status=status)


@permission("running.edit_workspace")
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        _access(request, pk, write=True)
    except DomainError as exc:
        return _refused(request, exc)
    try:
        services.document_upload(
            actor=request.user,
            alliance_id=pk,
            file=request.FILES.get("file") or _no_file(),
            title=request.POST.get("title", ""),
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("文件已上传。"))
    return redirect(f"{_url(pk)}#documents")


def _url(pk: int) -> str:
    from django.urls import reverse

    return reverse("running:workspace", args=[pk])


def _no_file() -> Any:
    from lianmeng.core.errors import ValidationFailed

    raise ValidationFailed(_("请选择要上传的文件。"))


@permission("running.view_workspace")
def document_file(request: HttpRequest, pk: int, did: int) -> HttpResponse:
    try:
        access = _access(request, pk)
        document = selectors.document_get(access, did)
        handle = services.document_open(document)
    except DomainError as exc:
        return _refused(request, exc)
    except FileNotFoundError:
        return error_page(request, 404, _("未找到"), _("未找到该文件。"))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
