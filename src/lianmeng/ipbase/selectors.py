"""Reads of the patent and standard base (M-61).

The base is public: anyone reads every patent and standard, searches and exports them. Who
reports for an alliance is its lead unit's applicants (as lianmeng.reporting and
lianmeng.running decide who acts for an alliance: ``lead_unit_filter``); holders and drafters
are chosen from the alliance's current members (lianmeng.running.Member, plus the lead unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from lianmeng.alliances.models import Alliance
from lianmeng.core.errors import NotFound
from lianmeng.core.models import User
from lianmeng.core.selectors import lead_unit_filter
from lianmeng.proposals.models import Proposal
from lianmeng.reporting.models import Report

from . import search
from .models import Patent, PatentReport, Standard, StandardReport

#: alliances that no longer run report nothing new
CLOSED_STATES = ("revoked", "dissolved")
NOT_FOUND_PATENT = gettext_noop("未找到该专利。")
NOT_FOUND_STANDARD = gettext_noop("未找到该标准。")
NOT_FOUND_ALLIANCE = gettext_noop("名录中没有该联盟。")
#: the most rows an export writes
EXPORT_CAP = 10_000


@dataclass(frozen=True)
class Filters:
    q: str = ""
    field: str = ""
    alliance: int | None = None
    year: int | None = None
    status: str = ""
    #: a patent's kind or a standard's level
    kind: str = ""

    @property
    def any(self) -> bool:
        return bool(
            self.q
            or self.field
            or self.alliance is not None
            or self.year is not None
            or self.status
            or self.kind
        )


def _int(value: Any, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def filters_from(get: Any, *, kinds: list[str], statuses: list[str]) -> Filters:
    """The filters of a query string; unknown values are dropped (the list shows everything)."""
    field = get.get("field", "")
    status = get.get("status", "")
    kind = get.get("kind", "") or get.get("level", "")
    return Filters(
        q=(get.get("q") or "").strip()[:60],
        field=field if field in Proposal.Domain.values else "",
        alliance=_int(get.get("alliance"), 1, 2**63 - 1),
        year=_int(get.get("year"), 1900, 2100),
        status=status if status in statuses else "",
        kind=kind if kind in kinds else "",
    )


def _filtered(qs: QuerySet, f: Filters, *, kind_field: str) -> QuerySet:
    if f.field:
        qs = qs.filter(field=f.field)
    if f.alliance is not None:
        qs = qs.filter(alliance_id=f.alliance)
    if f.year is not None:
        qs = qs.filter(year=f.year)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(**{kind_field: f.kind})
    return search.search(qs, f.q).order_by("-year", "-id")


def patent_list(f: Filters) -> QuerySet[Patent]:
    """The public base's patents matching the filters, newest year first."""
    return _filtered(Patent.objects.select_related("alliance"), f, kind_field="kind")


def standard_list(f: Filters) -> QuerySet[Standard]:
    return _filtered(Standard.objects.select_related("alliance"), f, kind_field="level")


def patent_get(pk: Any) -> Patent:
    try:
        return Patent.objects.select_related("alliance", "region").get(pk=pk)
    except (Patent.DoesNotExist, ValueError, TypeError):
        raise NotFound(NOT_FOUND_PATENT) from None


def standard_get(pk: Any) -> Standard:
    try:
        return Standard.objects.select_related("alliance", "region").get(pk=pk)
    except (Standard.DoesNotExist, ValueError, TypeError):
        raise NotFound(NOT_FOUND_STANDARD) from None


def patent_reports(patent: Patent) -> QuerySet[PatentReport]:
    return PatentReport.objects.filter(patent=patent).select_related("alliance", "report")


def standard_reports(standard: Standard) -> QuerySet[StandardReport]:
    return StandardReport.objects.filter(standard=standard).select_related("alliance", "report")


def alliance_get(pk: Any) -> Alliance:
    try:
        return Alliance.objects.select_related("lead_unit", "proposal__region").get(pk=pk)
    except (Alliance.DoesNotExist, ValueError, TypeError):
        raise NotFound(NOT_FOUND_ALLIANCE) from None


def alliance_patents(alliance: Alliance) -> QuerySet[Patent]:
    """The patents the alliance reported (also those another alliance reported first)."""
    ids = PatentReport.objects.filter(alliance=alliance).values("patent_id")
    return Patent.objects.filter(pk__in=ids).select_related("alliance").order_by("-year", "-id")


def alliance_standards(alliance: Alliance) -> QuerySet[Standard]:
    ids = StandardReport.objects.filter(alliance=alliance).values("standard_id")
    return Standard.objects.filter(pk__in=ids).select_related("alliance").order_by("-year", "-id")


def lead_alliances(viewer: User) -> QuerySet[Alliance]:
    """The alliances the viewer reports for: those his unit leads, as their applicant."""
    return (
        Alliance.objects.filter(lead_unit_filter(viewer))
        .exclude(status__in=CLOSED_STATES)
        .order_by("name")
    )


def may_report(viewer: User, alliance: Alliance) -> bool:
    return (
        getattr(viewer, "is_authenticated", False)
        and alliance.status not in CLOSED_STATES
        and lead_alliances(viewer).filter(pk=alliance.pk).exists()
    )


def members_of(alliance: Alliance) -> list[dict[str, str]]:
    """The alliance's current members as {"name", "uscc"} (the lead unit first), the choices
    of holders and drafters; a workspace not opened yet starts from the decided roster."""
    from lianmeng.running.models import Member
    from lianmeng.running.services import workspace_ensure

    workspace = workspace_ensure(alliance=alliance)
    rows = list(
        Member.objects.filter(workspace=workspace, left_on__isnull=True)
        .order_by("role", "id")
        .values("name", "uscc")
    )
    lead = alliance.lead_unit
    found = [{"name": r["name"], "uscc": r["uscc"] or ""} for r in rows]
    if not any(m["uscc"] and m["uscc"] == lead.uscc for m in found):
        found.insert(0, {"name": lead.name, "uscc": lead.uscc or ""})
    return found


def reports_of_year(alliance: Alliance, year: int | None) -> QuerySet[Report]:
    """The alliance's annual reports of the year (to attach a patent or standard to)."""
    if year is None:
        return Report.objects.none()
    return Report.objects.filter(alliance=alliance, year=year).order_by("kind", "id")
