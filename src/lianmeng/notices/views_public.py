"""The public pages: the list of announcements, one announcement with its attachments and its
公示, the objection form (captcha, rate limited per client address) and its receipt.

Every write goes through :mod:`lianmeng.notices.services`, every read through
:mod:`lianmeng.notices.selectors`.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.decorators import ratelimit

from lianmeng.core.access import public
from lianmeng.core.errors import DomainError, NotFound
from lianmeng.ui.errors import error_page

from . import captcha, selectors, services
from .models import Announcement, AnnouncementFile

PER_PAGE = 20
#: objections per client address: enough for a few honest ones, not for flooding a department
OBJECTION_RATE = "5/h"

CAPTCHA_MESSAGES = {
    captcha.MISSING: gettext_lazy("请输入图中的 5 个字符（字母或数字，不区分大小写）。"),
    captcha.WRONG: gettext_lazy("验证码不正确，请看新图片重新输入（不区分大小写）。"),
    captcha.EXPIRED: gettext_lazy("验证码已过期或已使用，请看新图片重新输入。"),
}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@public
def announcements(request: HttpRequest) -> HttpResponse:
    kinds = list(Announcement.Kind.choices)
    kind = request.GET.get("kind", "")
    if kind not in {k for k, _label in kinds}:
        kind = ""
    areas = selectors.public_areas()
    area = _int(request.GET.get("area"))
    if area not in {a.pk for a in areas}:
        area = None
    years = selectors.public_years()
    year = _int(request.GET.get("year"))
    if year not in years:
        year = None
    running = request.GET.get("running") == "1"
    qs = selectors.public_list(kind=kind, area=area, year=year, running=running)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    on = selectors.today()
    rows = [
        {
            "row": r,
            "state": selectors.notice_state(r, on),
            "state_label": selectors.STATE_LABELS[selectors.notice_state(r, on)],
        }
        for r in page.object_list
    ]
    context = {
        "rows": rows,
        "kinds": kinds,
        "kind": kind,
        "areas": areas,
        "area": area,
        "years": years,
        "year": year,
        "running": running,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }
    return render(request, "notices/list.html", context)


def _detail_context(row: Announcement, **extra: Any) -> dict[str, Any]:
    state = selectors.notice_state(row)
    return {
        "row": row,
        "files": list(row.files.all()),
        "state": state,
        "state_label": selectors.STATE_LABELS[state],
        "running": state == selectors.RUNNING and row.status == Announcement.Status.PUBLISHED,
        "withdrawn": row.status == Announcement.Status.WITHDRAWN,
        "form": {"name": "", "contact": "", "text": ""},
        "problems": {},
        "error": "",
        "captcha_length": captcha.LENGTH,
        **extra,
    }


@public
def announcement(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.public_get(pk)
    except DomainError as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    return render(request, "notices/detail.html", _detail_context(row))


@public
def captcha_image(request: HttpRequest) -> HttpResponse:
    """A new captcha image for this browser's session (the previous one is replaced)."""
    response = HttpResponse(captcha.render(request.session), content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response


@public
@ratelimit(key="ip", rate=OBJECTION_RATE, method="POST", block=False)
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = selectors.public_get(pk)
    except DomainError as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    if request.method != "POST":
        return redirect("notices:detail", pk=row.pk)
    if getattr(request, "limited", False):
        return error_page(
            request,
            429,
            _("提交过于频繁"),
            _("本地址一小时内提交的异议过多，请一小时后再试，或直接联系发布公告的部门。"),
        )
    form = {k: request.POST.get(k, "") for k in ("name", "contact", "text")}
    checked = captcha.verify(request.session, request.POST.get("captcha", ""))
    if checked != captcha.OK:
        message = str(CAPTCHA_MESSAGES[checked])
        context = _detail_context(row, form=form, error=message, problems={"captcha": message})
        return render(request, "notices/detail.html", context, status=422)
    try:
        objection = services.objection_file(
            announcement_id=row.pk,
            name=form["name"],
            contact=form["contact"],
            text=form["text"],
            client_address=request.META.get("REMOTE_ADDR", ""),
        )
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    except DomainError as exc:
        problems = dict((exc.details or {}).get("fields") or {})
        context = _detail_context(row, form=form, error=exc.message, problems=problems)
        return render(request, "notices/detail.html", context, status=exc.status)
    return render(request, "notices/objection_done.html", {"row": row, "objection": objection})


@public
def announcement_file(request: HttpRequest, fid: int) -> HttpResponse:
    """An attachment: of a published (or withdrawn) announcement for anyone, of a draft for
    the issuing department's staff."""
    attached = AnnouncementFile.objects.select_related("announcement").filter(pk=fid).first()
    if attached is None:
        return error_page(request, 404, _("未找到"), _("未找到该附件。"))
    row = attached.announcement
    visible = row.published_at is not None or selectors.is_staff_of(
        request.user, row.jurisdiction_id
    )
    if not visible:
        return error_page(request, 404, _("未找到"), _("未找到该附件。"))
    try:
        handle = default_storage.open(attached.file.name, "rb")
    except FileNotFoundError:
        return error_page(request, 404, _("未找到"), _("未找到该附件。"))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attached.original_name,
        content_type=attached.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
