"""The calendar page (deadlines the viewer may see, grouped by month), the feed's secret
address (created, regenerated, revoked on that page) and the feed itself."""

from __future__ import annotations

from itertools import groupby
from typing import Any
from urllib.parse import urlsplit

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lianmeng.core.access import permission, public
from lianmeng.core.site import absolute_url, site_url

from . import feed as feeds
from .models import FeedToken
from .selectors import (
    CalendarFilters,
    calendar_entries,
    deadline_kinds,
    entries,
    visible_deadlines,
)

PER_PAGE = 50
PERIODS = ("upcoming", "past", "all")


def _filters(request: HttpRequest) -> CalendarFilters:
    period = request.GET.get("period", "upcoming")
    return CalendarFilters(
        kind=request.GET.get("kind", "")[:40],
        period=period if period in PERIODS else "upcoming",
        overdue=request.GET.get("overdue") == "1",
    )


def _context(request: HttpRequest, *, token: str | None = None) -> dict[str, Any]:
    filters = _filters(request)
    items = calendar_entries(request.user, filters)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    named = rows if filters.overdue else entries(rows)
    months = [
        {"month": month, "entries": list(group)}
        for month, group in groupby(named, key=lambda e: e.due_date.replace(day=1))
    ]
    return {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "months": months,
        "filters": filters,
        "kinds": deadline_kinds(request.user),
        "periods": [
            ("upcoming", _("本月起")),
            ("past", _("以往")),
            ("all", _("全部")),
        ],
        "feed": FeedToken.objects.filter(user=request.user).first(),
        "feed_url": absolute_url(reverse("schedule:feed", args=[token])) if token else None,
    }


@permission("schedule.view_calendar")
def calendar(request: HttpRequest) -> HttpResponse:
    return render(request, "schedule/calendar.html", _context(request))


@permission("schedule.view_calendar")
def feed_manage(request: HttpRequest) -> HttpResponse:
    """Create or regenerate (``action=create``) or revoke (``action=revoke``) the feed. A new
    address is shown once, on the page this answers with (nowhere stored in clear); opening
    this address again (a language switch, a bookmark) leads back to the calendar."""
    if request.method != "POST":
        return redirect("schedule:calendar")
    if request.POST.get("action") == "revoke":
        feeds.feed_token_revoke(actor=request.user)
        return redirect("schedule:calendar")
    token = feeds.feed_token_create(actor=request.user)
    return render(request, "schedule/calendar.html", _context(request, token=token))


@public
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's deadlines as iCalendar; no session needed, the token is the secret."""
    owner = feeds.feed_owner(token)
    if owner is None:
        raise Http404(_("日历订阅地址无效或已停用，请在“期限日历”页面重新生成。"))
    rows = list(visible_deadlines(owner)[:2000])
    host = urlsplit(site_url()).hostname or "lianmeng"
    body = feeds.render_calendar(entries(rows), name=_("联盟管理平台期限"), host=host)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lianmeng.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
