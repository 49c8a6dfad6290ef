"""Reads on announcements, always from what the viewer may see.

The public sees published (and withdrawn, marked so) announcements; the department staff of
the issuing jurisdiction see their drafts and the objections too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lianmeng.core import clock
from lianmeng.core.models import Jurisdiction, User
from lianmeng.core.roles import Role

from .models import Announcement, Objection

#: who acts for the issuing jurisdiction: its competent and recommending departments
STAFF_ROLES = frozenset({Role.COMPETENT, Role.RECOMMENDER, Role.COORDINATION})
NOT_FOUND = _("未找到该公告。")

#: the 公示 states
NO_PERIOD, UPCOMING, RUNNING, ENDED = "none", "upcoming", "running", "ended"
STATE_LABELS = {
    NO_PERIOD: _("无公示期"),
    UPCOMING: _("未开始"),
    RUNNING: _("公示中"),
    ENDED: _("已结束"),
}


def today() -> date:
    return clock.beijing_now().date()


def notice_state(row: Announcement, on: date | None = None) -> str:
    if not row.has_period:
        return NO_PERIOD
    on = on or today()
    if on < row.notice_starts_on:
        return UPCOMING
    if on > row.notice_ends_on:
        return ENDED
    return RUNNING


def is_staff_of(viewer: User, jurisdiction_id: int | None) -> bool:
    """Department staff (competent, recommending) of exactly that jurisdiction."""
    return bool(
        viewer is not None
        and viewer.is_authenticated
        and viewer.jurisdiction_id
        and viewer.jurisdiction_id == jurisdiction_id
        and viewer.role_set() & STAFF_ROLES
    )


def may_manage(viewer: User) -> bool:
    return bool(
        viewer.is_authenticated and viewer.jurisdiction_id and viewer.role_set() & STAFF_ROLES
    )


# -- the public --------------------------------------------------------------------------------


def public_list(
    *,
    kind: str = "",
    area: int | None = None,
    year: int | None = None,
    running: bool = False,
) -> QuerySet[Announcement]:
    qs = Announcement.objects.filter(status=Announcement.Status.PUBLISHED)
    if kind:
        qs = qs.filter(kind=kind)
    if area:
        qs = qs.filter(jurisdiction_id=area)
    if year:
        start = datetime(year, 1, 1, tzinfo=clock.BEIJING)
        qs = qs.filter(published_at__gte=start, published_at__lt=start.replace(year=year + 1))
    if running:
        on = today()
        qs = qs.filter(notice_ends_on__gte=on, notice_starts_on__lte=on)
    return qs.select_related("jurisdiction").order_by("-published_at", "-id")


def public_areas() -> list[Jurisdiction]:
    """The areas that have published announcements (the filter's choices)."""
    ids = (
        Announcement.objects.filter(status=Announcement.Status.PUBLISHED)
        .order_by()
        .values_list("jurisdiction_id", flat=True)
        .distinct()
    )
    return list(Jurisdiction.objects.filter(pk__in=list(ids)).order_by("code"))


def public_years() -> list[int]:
    days = (
        Announcement.objects.filter(status=Announcement.Status.PUBLISHED)
        .order_by()
        .values_list("published_at__year", flat=True)
        .distinct()
    )
    return sorted({y for y in days if y}, reverse=True)


def public_get(pk: Any) -> Announcement:
    """A published announcement (a withdrawn one too, marked so); NotFound otherwise."""
    from lianmeng.core.errors import NotFound

    try:
        return (
            Announcement.objects.select_related("jurisdiction")
            .exclude(status=Announcement.Status.DRAFT)
            .exclude(status=Announcement.Status.WITHDRAWN, published_at__isnull=True)
            .get(pk=int(pk))
        )
    except (Announcement.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(str(NOT_FOUND)) from exc


# -- the department ----------------------------------------------------------------------------


def staff_list(viewer: User, *, status: str = "", kind: str = "") -> QuerySet[Announcement]:
    """The announcements of the viewer's own jurisdiction, with their open objections."""
    if not may_manage(viewer):
        return Announcement.objects.none()
    qs = Announcement.objects.filter(jurisdiction_id=viewer.jurisdiction_id)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(
        open_objections=Count("objections", filter=Q(objections__status=Objection.Status.OPEN)),
        all_objections=Count("objections"),
    ).order_by("-created_at", "-id")


def staff_get(viewer: User, pk: Any) -> Announcement:
    from lianmeng.core.errors import NotFound

    if not may_manage(viewer):
        raise NotFound(str(NOT_FOUND))
    try:
        return Announcement.objects.select_related("jurisdiction").get(
            pk=int(pk), jurisdiction_id=viewer.jurisdiction_id
        )
    except (Announcement.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(str(NOT_FOUND)) from exc


def objections(
    viewer: User, announcement: Announcement, *, status: str = ""
) -> QuerySet[Objection]:
    if not is_staff_of(viewer, announcement.jurisdiction_id):
        return Objection.objects.none()
    qs = announcement.objections.select_related("handled_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("filed_at", "id")


def open_objection_count(viewer: User) -> int:
    """Objections waiting for the viewer's department (the home page)."""
    if not may_manage(viewer):
        return 0
    return Objection.objects.filter(
        status=Objection.Status.OPEN, announcement__jurisdiction_id=viewer.jurisdiction_id
    ).count()


# -- what a 公示 still blocks ------------------------------------------------------------------


def blocking_notices(subject_kind: str, ids: Iterable[int]) -> QuerySet[Announcement]:
    """The 公示 covering those subjects that still block them: a draft (not yet public), or
    published and not yet effective, whose period has not ended or with objections open.
    Annotated with ``open_objections``; withdrawn ones block nothing."""
    ids = sorted({int(i) for i in ids})
    on = today()
    return (
        Announcement.objects.filter(
            subjects__subject_kind=subject_kind,
            subjects__subject_id__in=ids,
            status__in=(Announcement.Status.DRAFT, Announcement.Status.PUBLISHED),
            effective_at__isnull=True,
        )
        .annotate(
            open_objections=Count(
                "objections", filter=Q(objections__status=Objection.Status.OPEN), distinct=True
            )
        )
        .filter(
            Q(status=Announcement.Status.DRAFT)
            | Q(notice_ends_on__isnull=True)
            | Q(notice_ends_on__gte=on)
            | Q(open_objections__gt=0)
        )
        .distinct()
        .order_by("id")
    )


def covering_notices(subject_kind: str, ids: Iterable[int]) -> dict[int, list[Announcement]]:
    """Every 公示 (not withdrawn) of each subject, by subject id: one query."""
    from .models import NoticeSubject

    ids = sorted({int(i) for i in ids})
    rows = (
        NoticeSubject.objects.filter(subject_kind=subject_kind, subject_id__in=ids)
        .exclude(announcement__status=Announcement.Status.WITHDRAWN)
        .select_related("announcement")
        .annotate(
            open_objections=Count(
                "announcement__objections",
                filter=Q(announcement__objections__status=Objection.Status.OPEN),
            )
        )
        .order_by("id")
    )
    found: dict[int, list[Announcement]] = {}
    for row in rows:
        row.announcement.open_objections = row.open_objections
        found.setdefault(row.subject_id, []).append(row.announcement)
    return found
