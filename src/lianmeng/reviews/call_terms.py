"""The call a proposal answers, as acceptance needs it: the online window, the paper days and
hours, the number of paper copies (seed 001 三(一)、三(三)、四), all in Beijing time.

The stored call (``Proposal.call``, else the published call of the proposal's profile and
year) wins; a proposal imported without one falls back to the profile's call of its year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from lianmeng.core.clock import BEIJING, as_beijing

#: seed 001 三(三): 申报材料（一式两份）
DEFAULT_PAPER_COPIES = 2


@dataclass(frozen=True)
class PaperDay:
    day: date
    hours: tuple[tuple[time, time], ...] = ()


@dataclass(frozen=True)
class CallTerms:
    title: str
    online_opens_at: datetime
    online_closes_at: datetime
    paper_days: tuple[PaperDay, ...] = field(default=())
    paper_copies: int = DEFAULT_PAPER_COPIES
    place: str = ""

    def paper_open_at(self, moment: datetime) -> bool:
        """Whether ``moment`` falls on a paper day within its office hours (all day if the
        call names no hours). True when the call names no paper days at all."""
        if not self.paper_days:
            return True
        local = moment.astimezone(BEIJING)
        for paper_day in self.paper_days:
            if paper_day.day != local.date():
                continue
            if not paper_day.hours:
                return True
            clock = local.time().replace(tzinfo=None)
            if any(start <= clock <= end for start, end in paper_day.hours):
                return True
        return False

    def paper_window_text(self) -> str:
        """``2020年9月21日、9月22日 08:00—12:00、15:00—18:00`` in Chinese; in English
        ``21 September 2020, 22 September 2020 08:00–12:00, 15:00–18:00``."""
        from lianmeng.core.dates import is_chinese, show_day

        if not self.paper_days:
            return ""
        if not is_chinese():
            days = ", ".join(show_day(d.day) for d in self.paper_days)
            hours = self.paper_days[0].hours
            spans = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in hours)
            return f"{days} {spans}" if spans else days
        days = "、".join(
            (
                f"{d.day.year}年{d.day.month}月{d.day.day}日"
                if n == 0
                else f"{d.day.month}月{d.day.day}日"
            )
            for n, d in enumerate(self.paper_days)
        )
        hours = self.paper_days[0].hours
        if not hours:
            return days
        spans = "、".join(f"{a:%H:%M}—{b:%H:%M}" for a, b in hours)
        return f"{days} {spans}"


def _stored_call(proposal: Any) -> Any:
    from lianmeng.calls.models import Call

    if proposal.call_id:
        return proposal.call
    if not proposal.call_year:
        return None
    return (
        Call.objects.filter(
            profile=proposal.profile, year=proposal.call_year, status=Call.Status.PUBLISHED
        )
        .order_by("-online_opens_at", "-id")
        .first()
    )


def _hours(values: Any) -> tuple[tuple[time, time], ...]:
    spans = []
    for pair in values or []:
        try:
            start, end = pair
            spans.append((time.fromisoformat(str(start)), time.fromisoformat(str(end))))
        except (TypeError, ValueError):
            continue
    return tuple(spans)


def _from_stored(call: Any) -> CallTerms:
    days = []
    for item in call.paper_days or []:
        try:
            day = date.fromisoformat(str(item.get("date")))
        except (TypeError, ValueError, AttributeError):
            continue
        days.append(PaperDay(day=day, hours=_hours(item.get("hours"))))
    return CallTerms(
        title=call.title,
        online_opens_at=as_beijing(call.online_opens_at),
        online_closes_at=as_beijing(call.online_closes_at),
        paper_days=tuple(sorted(days, key=lambda d: d.day)),
        paper_copies=call.paper_copies or DEFAULT_PAPER_COPIES,
        place=call.paper_place or "",
    )


def _start(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return as_beijing(value)
    return datetime.combine(value, time.min, tzinfo=BEIJING)


def _end(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return as_beijing(value)
    return datetime.combine(value, time.max, tzinfo=BEIJING)


def _from_profile(proposal: Any) -> CallTerms | None:
    from lianmeng.workflow.routing import profile_of

    profile = profile_of(proposal)
    if profile is None or not proposal.call_year:
        return None
    call = profile.call_for(proposal.call_year)
    if call is None:
        return None
    days: list[PaperDay] = []
    if call.paper_window is not None:
        window = call.paper_window.value
        hours = tuple((h.start, h.end) for h in window.hours)
        day = window.first_day
        while day <= window.last_day:
            days.append(PaperDay(day=day, hours=hours))
            day = date.fromordinal(day.toordinal() + 1)
    return CallTerms(
        title=call.title.value,
        online_opens_at=_start(call.online_opens.value),
        online_closes_at=_end(call.online_closes.value),
        paper_days=tuple(days),
        place=call.place.value if call.place else "",
    )


def call_terms_for(proposal: Any) -> CallTerms | None:
    """The terms of the call ``proposal`` answers, or None when it answers none."""
    stored = _stored_call(proposal)
    if stored is not None:
        return _from_stored(stored)
    return _from_profile(proposal)
