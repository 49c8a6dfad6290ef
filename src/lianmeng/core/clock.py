"""The one place services read the time from, so tests can pin it (DESIGN.md "Time"), and
how an instant reads in Beijing time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

BEIJING = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return timezone.now()


def beijing_now() -> datetime:
    return now().astimezone(BEIJING)


def as_beijing(moment: datetime) -> datetime:
    """The same instant in Beijing time; a naive datetime is read as Beijing time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING)


def format_moment(moment: datetime, *, seconds: bool = True) -> str:
    """``2020年9月20日 23:59:59`` in Beijing time (microseconds dropped, never rounded up);
    ``2020年9月20日 23:59`` with ``seconds=False``. For text that is stored (notifications,
    records); what is shown now goes through :func:`lianmeng.core.dates.show_moment`."""
    moment = as_beijing(moment)
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:{'%H:%M:%S' if seconds else '%H:%M'}}"


def session_now() -> datetime:
    """The time a session's idle and absolute timeouts are measured on
    (core.middleware.SessionTimeoutMiddleware). The same wall clock as :func:`now` in
    production; a separate function so that a test which moves the business calendar by days
    does not sign its user out, and a test of the timeouts pins this one."""
    return timezone.now()
