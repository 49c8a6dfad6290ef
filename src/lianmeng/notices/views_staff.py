"""The department's pages: its announcements with the open objections, a draft's form and
attachments, publishing, withdrawing, the objections of one announcement, handling one, and
"决定生效" (disabled, with the reason, while the 公示 blocks it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.core.access import permission
from lianmeng.core.errors import DomainError, NotFound, PermissionDenied
from lianmeng.ui.confirm import confirmation_page, confirmed
from lianmeng.ui.errors import error_page

from . import selectors, services
from .models import Announcement, Objection

PER_PAGE = 20
PERM = "notices.manage"


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return error_page(request, 404, _("未找到"), _(exc.message))
    if isinstance(exc, PermissionDenied):
        return error_page(request, 403, _("无权操作"), _(exc.message))
    return error_page(request, exc.status, _("无法完成"), _(exc.message))


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _posted(request: HttpRequest) -> dict[str, Any]:
    return {
        "kind": request.POST.get("kind", ""),
        "title": request.POST.get("title", ""),
        "body": request.POST.get("body", ""),
        "notice_starts_on": request.POST.get("notice_starts_on", ""),
        "notice_ends_on": request.POST.get("notice_ends_on", ""),
    }


def _dates(form: dict[str, Any]) -> tuple[date | None, date | None, dict[str, str]]:
    problems = {}
    starts, ends = _date(form["notice_starts_on"]), _date(form["notice_ends_on"])
    if form["notice_starts_on"].strip() and starts is None:
        problems["notice"] = _("公示开始日期的格式应为 2026-01-31。")
    if form["notice_ends_on"].strip() and ends is None:
        problems["notice"] = _("公示截止日期的格式应为 2026-01-31。")
    return starts, ends, problems


@permission(PERM)
def staff_list(request: HttpRequest) -> HttpResponse:
    statuses = list(Announcement.Status.choices)
    status = request.GET.get("status", "")
    if status not in {s for s, _label in statuses}:
        status = ""
    kinds = list(Announcement.Kind.choices)
    kind = request.GET.get("kind", "")
    if kind not in {k for k, _label in kinds}:
        kind = ""
    qs = selectors.staff_list(request.user, status=status, kind=kind)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    on = selectors.today()
    rows = [
        {
            "row": r,
            "state_label": selectors.STATE_LABELS[selectors.notice_state(r, on)],
            "state": selectors.notice_state(r, on),
        }
        for r in page.object_list
    ]
    context = {
        "rows": rows,
        "statuses": statuses,
        "status": status,
        "kinds": kinds,
        "kind": kind,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "may_manage": selectors.may_manage(request.user),
    }
    return render(request, "notices/staff_list.html", context)


@permission(PERM)
def staff_new(request: HttpRequest) -> HttpResponse:
    if not selectors.may_manage(request.user):
        return error_page(request, 403, _("无权操作"), _("您的账号没有所属辖区，不能发布公告。"))
    form = {"kind": "call", "title": "", "body": "", "notice_starts_on": "", "notice_ends_on": ""}
    problems: dict[str, str] = {}
    error, status = "", 200
    if request.method == "POST":
        form = _posted(request)
        starts, ends, problems = _dates(form)
        if problems:
            error, status = " ".join(problems.values()), 422
        else:
            try:
                row = services.announcement_create(
                    actor=request.user,
                    kind=form["kind"],
                    title=form["title"],
                    body=form["body"],
                    notice_starts_on=starts,
                    notice_ends_on=ends,
                )
            except DomainError as exc:
                error, status = exc.message, exc.status
                problems = dict((exc.details or {}).get("fields") or {})
            else:
                messages.success(request, _("公告草稿已保存，可添加附件后发布。"))
                return redirect("notices:staff_detail", pk=row.pk)
    context = {
        "form": form,
        "problems": problems,
        "error": error,
        "kinds": Announcement.Kind.choices,
        "row": None,
    }
    return render(request, "notices/staff_form.html", context, status=status)


@permission(PERM)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One announcement: the draft's form (POST saves it), attachments and the actions."""
    try:
        row = selectors.staff_get(request.user, pk)
    except DomainError as exc:
        return _refused(request, exc)
    form = {
        "kind": row.kind,
        "title": row.title,
        "body": row.body,
        "notice_starts_on": row.notice_starts_on.isoformat() if row.notice_starts_on else "",
        "notice_ends_on": row.notice_ends_on.isoformat() if row.notice_ends_on else "",
    }
    problems: dict[str, str] = {}
    error, status = "", 200
    if request.method == "POST":
        form = _posted(request)
        starts, ends, problems = _dates(form)
        if problems:
            error, status = " ".join(problems.values()), 422
        else:
            try:
                services.announcement_update(
                    actor=request.user,
                    announcement_id=row.pk,
                    kind=form["kind"],
                    title=form["title"],
                    body=form["body"],
                    notice_starts_on=starts,
                    notice_ends_on=ends,
                )
            except (NotFound, PermissionDenied) as exc:
                return _refused(request, exc)
            except DomainError as exc:
                error, status = exc.message, exc.status
                problems = dict((exc.details or {}).get("fields") or {})
            else:
                messages.success(request, _("已保存。"))
                return redirect("notices:staff_detail", pk=row.pk)
    open_count = row.objections.filter(status=Objection.Status.OPEN).count()
    total = row.objections.count()
    state = selectors.notice_state(row)
    blocker = services.effect_blocker(row, open_objections=open_count) if row.has_period else ""
    context = {
        "row": row,
        "form": form,
        "problems": problems,
        "error": error,
        "kinds": Announcement.Kind.choices,
        "files": list(row.files.all()),
        "subjects": list(row.subjects.all()[:200]),
        "open_count": open_count,
        "objection_total": total,
        "state": state,
        "state_label": selectors.STATE_LABELS[state],
        "blocker": blocker,
        "draft": row.status == Announcement.Status.DRAFT,
        "published": row.status == Announcement.Status.PUBLISHED,
    }
    return render(request, "notices/staff_detail.html", context, status=status)


@permission(PERM)
@require_POST
def staff_upload(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        selectors.staff_get(request.user, pk)
    except DomainError as exc:
        return _refused(request, exc)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
        return redirect("notices:staff_detail", pk=pk)
    try:
        services.announcement_file_add(
            actor=request.user,
            announcement_id=pk,
            file=upload,
            title=request.POST.get("title", ""),
        )
    except NotFound as exc:
        return _refused(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("附件已上传。"))
    return redirect("notices:staff_detail", pk=pk)


@permission(PERM)
@require_POST
def staff_file_delete(request: HttpRequest, fid: int) -> HttpResponse:
    from .models import AnnouncementFile

    owner = AnnouncementFile.objects.filter(pk=fid).values_list("announcement_id", flat=True)
    try:
        services.announcement_file_delete(actor=request.user, file_id=fid)
    except NotFound as exc:
        return _refused(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("附件已删除。"))
    pk = owner.first()
    return redirect("notices:staff_detail", pk=pk) if pk else redirect("notices:staff_list")


@permission(PERM)
@require_POST
def staff_publish(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.staff_get(request.user, pk)
    except DomainError as exc:
        return _refused(request, exc)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认发布公告？"),
            consequence=_("发布后公告在公开网站上显示，不能再修改；公示期内任何人都可以提出异议。"),
            confirm_label=_("确认发布"),
            back_url=reverse("notices:staff_detail", args=[row.pk]),
            details=[row.title],
            danger=False,
        )
    try:
        services.announcement_publish(actor=request.user, announcement_id=row.pk)
    except NotFound as exc:
        return _refused(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("公告已发布。"))
    return redirect("notices:staff_detail", pk=row.pk)


@permission(PERM)
@require_POST
def staff_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.staff_get(request.user, pk)
    except DomainError as exc:
        return _refused(request, exc)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认撤回公告？"),
            consequence=_("撤回后公告在公开网站上标为“已撤回”并显示撤回理由，不再受理异议。"),
            confirm_label=_("确认撤回"),
            back_url=reverse("notices:staff_detail", args=[row.pk]),
            details=[row.title],
        )
    try:
        services.announcement_withdraw(
            actor=request.user, announcement_id=row.pk, reason=request.POST.get("reason", "")
        )
    except NotFound as exc:
        return _refused(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("公告已撤回。"))
    return redirect("notices:staff_detail", pk=row.pk)


@permission(PERM)
@require_POST
def staff_take_effect(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.staff_get(request.user, pk)
    except DomainError as exc:
        return _refused(request, exc)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认决定生效？"),
            consequence=_("公示期已满、异议均已处理。确认后记录决定生效的时间，不能撤销。"),
            confirm_label=_("确认生效"),
            back_url=reverse("notices:staff_detail", args=[row.pk]),
            details=[row.title],
            danger=False,
        )
    try:
        services.announcement_take_effect(actor=request.user, announcement_id=row.pk)
    except NotFound as exc:
        return _refused(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("决定已生效。"))
    return redirect("notices:staff_detail", pk=row.pk)


@permission(PERM)
def staff_objections(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.staff_get(request.user, pk)
    except DomainError as exc:
        return _refused(request, exc)
    statuses = list(Objection.Status.choices)
    status = request.GET.get("status", "")
    if status not in {s for s, _label in statuses}:
        status = ""
    qs = selectors.objections(request.user, row, status=status)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "row": row,
        "statuses": statuses,
        "status": status,
        "objections": list(page.object_list),
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }
    return render(request, "notices/staff_objections.html", context)


@permission(PERM)
def staff_objection(request: HttpRequest, oid: int) -> HttpResponse:
    objection = (
        Objection.objects.select_related("announcement", "handled_by").filter(pk=oid).first()
    )
    if objection is None or not selectors.is_staff_of(
        request.user, objection.announcement.jurisdiction_id
    ):
        return error_page(request, 404, _("未找到"), _("未找到该异议。"))
    error, status = "", 200
    response_text = ""
    if request.method == "POST":
        response_text = request.POST.get("response", "")
        try:
            services.objection_handle(
                actor=request.user,
                objection_id=objection.pk,
                upheld=request.POST.get("result") == "upheld",
                response=response_text,
            )
        except NotFound as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("处理意见已记录。"))
            return redirect("notices:staff_objections", pk=objection.announcement_id)
    context = {
        "objection": objection,
        "row": objection.announcement,
        "error": error,
        "response_text": response_text,
        "result": request.POST.get("result", "dismissed"),
    }
    return render(request, "notices/staff_objection.html", context, status=status)
