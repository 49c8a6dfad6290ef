"""The online window of a call, judged in Beijing time to the second (M-10, seed 001 三(一)).

A window is stored as two instants: the first and the last (inclusive). A closing date given
without an hour closes at 23:59:59.999999 Beijing time, so a filing at 23:59:59 on the last
day is on time and one at 00:00:00 the next day is late, whatever the server's time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Literal

from django.utils.translation import gettext as _

from lianmeng.core.clock import BEIJING, as_beijing

State = Literal["upcoming", "open", "closed"]


def window_start(value: date | datetime) -> datetime:
    """A date opens at 00:00:00 Beijing time; a datetime is taken as given."""
    if isinstance(value, datetime):
        return as_beijing(value)
    return datetime.combine(value, time.min, tzinfo=BEIJING)


def window_end(value: date | datetime) -> datetime:
    """A date closes at 23:59:59.999999 Beijing time; a datetime is taken as given."""
    if isinstance(value, datetime):
        return as_beijing(value)
    return datetime.combine(value, time.max, tzinfo=BEIJING)


def window_state(call: Any, moment: datetime) -> State:
    """Whether ``moment`` is before, within or after the call's online window."""
    moment = as_beijing(moment)
    if moment < as_beijing(call.online_opens_at):
        return "upcoming"
    if moment > as_beijing(call.online_closes_at):
        return "closed"
    return "open"


def display_moment(moment: datetime) -> str:
    """:func:`lianmeng.core.clock.format_moment` in the reader's language, for what is shown
    now (PDFs and stored labels keep ``format_moment``)."""
    from lianmeng.core.dates import show_moment

    return show_moment(moment, seconds=True)


def format_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def time_left(call: Any, moment: datetime) -> str:
    """``还剩 3 天 4 小时 5 分`` until the window closes, or an empty string when closed."""
    seconds = int((as_beijing(call.online_closes_at) - as_beijing(moment)).total_seconds())
    if seconds < 0:
        return ""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("还剩 %(days)s 天 %(hours)s 小时 %(minutes)s 分") % {
            "days": days,
            "hours": hours,
            "minutes": minutes,
        }
    if hours:
        return _("还剩 %(hours)s 小时 %(minutes)s 分") % {"hours": hours, "minutes": minutes}
    return _("还剩 %(minutes)s 分 %(seconds)s 秒") % {"minutes": minutes, "seconds": secs}


def closed_message(call: Any) -> str:
    """Refusal of a late filing, in the reader's language (shown, never stored)."""
    return _("网上填报已于 %(closes)s 截止，逾期不予受理。") % {
        "closes": display_moment(call.online_closes_at)
    }


def not_open_message(call: Any) -> str:
    """Refusal of an early filing, in the reader's language (shown, never stored)."""
    return _("网上填报将于 %(opens)s 开始，请届时再提交。") % {
        "opens": display_moment(call.online_opens_at)
    }
