"""The deadlines a viewer may see, named and linked, for the calendar page and the feed.

A deadline is on a viewer's calendar when its subject is visible to the viewer (each registered
kind's ``visible(viewer)``) and the viewer answers for it (``SubjectLinks.scope``: the lead unit
its own proposals and alliances, a department those of its jurisdiction — not every alliance of
the public registry). The query is one, however
many kinds are registered; naming the subjects costs one query per kind on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from lianmeng.core import clock
from lianmeng.core.models import User
from lianmeng.workflow.kinds import get_kind, registered_kinds
from lianmeng.workflow.models import Deadline

from .subjects import links_for, open_ids

#: names of the deadline kinds (the profile's ``[deadlines]`` fields without their unit)
DEADLINE_NAMES: dict[str, str] = {
    "construction_period": "筹建期满",
    "acceptance": "验收",
    "annual_report": "年度报告",
    "agreement_term": "协议到期",
    "rectification": "整改期限",
}


def deadline_name(kind: str) -> str:
    name = DEADLINE_NAMES.get(kind)
    return gettext(name) if name else kind


@dataclass
class Entry:
    deadline: Deadline
    subject: Any
    title: str
    url: str | None
    subject_label: str
    name: str
    due_date: date
    open: bool
    overdue: bool

    @property
    def pk(self) -> int:
        return self.deadline.pk


def visible_deadlines(viewer: User) -> QuerySet[Deadline]:
    """Every deadline of a subject ``viewer`` may see and answers for (the kind's
    ``visible``, narrowed by the registered ``scope``), soonest first."""
    if not viewer.is_authenticated:
        return Deadline.objects.none()
    q = Q(pk__in=[])
    for kind in registered_kinds():
        subjects = kind.model._default_manager.filter(kind.visible(viewer))
        links = links_for(kind.name)
        if links.scope is not None:
            subjects = subjects.filter(links.scope(viewer))
        # only the subjects that have a deadline are checked (a few of the many the viewer
        # may see): the visibility and scope joins then run for those rows alone
        with_deadline = Deadline.objects.filter(subject_kind=kind.name).values("subject_id")
        subjects = subjects.filter(pk__in=with_deadline)
        mine = Q(subject_kind=kind.name, subject_id__in=subjects.values("pk"))
        if links.handed_over is not None:
            mine &= ~links.handed_over()
        q |= mine
    return Deadline.objects.filter(q).select_related("state_change").order_by("due_at", "id")


def due_date(deadline: Deadline) -> date:
    """The day a deadline falls due, in Beijing (due at 00:00 counts for the day before)."""
    local = deadline.due_at.astimezone(clock.BEIJING)
    if local.time() == time(0, 0):
        return local.date() - timedelta(days=1)
    return local.date()


def entries(deadlines: list[Deadline], *, now: datetime | None = None) -> list[Entry]:
    """Name, link and flag ``deadlines``: one query per subject kind among them (plus what a
    kind's open rule needs)."""
    moment = now or clock.now()
    ids: dict[str, set[int]] = {}
    for deadline in deadlines:
        ids.setdefault(deadline.subject_kind, set()).add(deadline.subject_id)
    subjects: dict[tuple[str, int], Any] = {}
    for kind_name, pks in ids.items():
        try:
            model = get_kind(kind_name).model
        except LookupError:
            continue
        for pk, subject in model._base_manager.in_bulk(pks).items():
            subjects[(kind_name, pk)] = subject
    pairs = [
        (d, subjects[(d.subject_kind, d.subject_id)])
        for d in deadlines
        if (d.subject_kind, d.subject_id) in subjects
    ]
    still_open = open_ids(pairs)
    found = []
    for deadline, subject in pairs:
        links = links_for(deadline.subject_kind)
        is_open = deadline.pk in still_open
        found.append(
            Entry(
                deadline=deadline,
                subject=subject,
                title=links.title(subject),
                url=links.url(subject),
                subject_label=gettext(links.label) if links.label else deadline.subject_kind,
                name=deadline_name(deadline.kind),
                due_date=due_date(deadline),
                open=is_open,
                overdue=is_open and deadline.due_at <= moment,
            )
        )
    return found


@dataclass(frozen=True)
class CalendarFilters:
    kind: str = ""
    #: ``upcoming`` (from the start of this month), ``past`` or ``all``
    period: str = "upcoming"
    overdue: bool = False


def calendar_entries(viewer: User, filters: CalendarFilters) -> list[Entry] | QuerySet[Deadline]:
    """The viewer's deadlines for the calendar: a queryset to paginate, or (overdue only) the
    list of open past-due entries."""
    now = clock.now()
    qs = visible_deadlines(viewer)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.overdue:
        return [e for e in entries(list(qs.filter(due_at__lte=now)), now=now) if e.overdue]
    month_start = clock.beijing_now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if filters.period == "upcoming":
        qs = qs.filter(due_at__gt=month_start)
    elif filters.period == "past":
        qs = qs.filter(due_at__lte=month_start).order_by("-due_at", "-id")
    return qs


def deadline_kinds(viewer: User) -> list[tuple[str, str]]:
    kinds = visible_deadlines(viewer).order_by().values_list("kind", flat=True).distinct()
    return sorted((k, deadline_name(k)) for k in kinds)
