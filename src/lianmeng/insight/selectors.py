"""Reads of the department dashboard (M-60): what lies in a jurisdiction and the live lists
behind each bar.

An alliance lies in an area by where it is (its proposal's region; an alliance of the legacy
registry: its lead unit's region, else the deciding jurisdiction); a development zone (开发区)
sees the alliances whose proposal names it. The snapshot (lianmeng.insight.dashboard) and the
drill-down lists below use the same :func:`alliance_area_q`, so a bar's figure and the length
of its list agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    When,
)

from lianmeng.alliances.models import Alliance
from lianmeng.core.models import Jurisdiction, User
from lianmeng.core.selectors import viewer_scope
from lianmeng.proposals.models import Proposal

#: states an alliance has left the registry by (it no longer counts towards a target)
ENDED = ("revoked", "dissolved")
#: the lifecycle kinds that end an alliance (its history rows, lianmeng.alliances.lifecycle)
END_KINDS = ("revoke", "dissolve")


def scope_of(viewer: User) -> Jurisdiction | None:
    """The jurisdiction whose dashboard the viewer sees (department staff), else None."""
    return viewer_scope(viewer)


def _path_q(path: str, *, exact: bool = False) -> Q:
    """Alliances whose area lies under ``path`` (is ``path`` with ``exact``), as id subqueries
    that read the indexes of the proposals', units' and jurisdictions' region columns (no join
    of the big tables per row)."""
    from lianmeng.core.models import Unit

    op = "" if exact else "__startswith"
    areas = Jurisdiction.objects.filter(**{f"path{op}": path}).values("pk")
    return (
        Q(proposal_id__in=Proposal.objects.filter(region_id__in=areas).values("pk"))
        | Q(
            proposal__isnull=True,
            lead_unit_id__in=Unit.objects.filter(region_id__in=areas).values("pk"),
        )
        | Q(
            proposal__isnull=True,
            lead_unit_id__in=Unit.objects.filter(region__isnull=True).values("pk"),
            jurisdiction_id__in=areas,
        )
    )


def alliance_area_q(scope: Jurisdiction) -> Q:
    """Alliances that lie in ``scope`` and the areas below it."""
    if scope.is_zone:
        return Q(proposal__zone=scope)
    return _path_q(scope.path)


def proposal_area_q(scope: Jurisdiction) -> Q:
    """Filed proposals of ``scope`` and below (as the department's own lists show them)."""
    if scope.is_zone:
        return Q(zone=scope) & ~Q(status=Proposal.Status.DRAFT)
    return Q(region__path__startswith=scope.path) & ~Q(status=Proposal.Status.DRAFT)


def area_path(proposal_path: str | None, unit_path: str | None, decided_path: str | None) -> str:
    """Where an alliance lies (the path of its area), as :func:`alliance_area_q` reads it."""
    return proposal_path or unit_path or decided_path or ""


def child_code(scope: Jurisdiction, path: str) -> str:
    """The code of the area right below ``scope`` that ``path`` lies in (``scope``'s own code
    for a path of the scope itself)."""
    if scope.is_zone or not path.startswith(scope.path):
        return scope.code
    rest = path[len(scope.path) :].strip("/")
    return rest.split("/", 1)[0] if rest else scope.code


@dataclass(frozen=True)
class DrillFilters:
    """What a bar of the dashboard stands for (the query string of its drill-down link)."""

    level: str = ""
    #: several levels at once (a target counts 省级以上: provincial and national)
    levels: tuple[str, ...] = ()
    domain: str = ""
    status: str = ""
    #: the code of an area right below the viewer's (its own code: the area itself)
    region: str = ""
    year_from: int | None = None
    year_to: int | None = None
    #: alliances decided by the end of the year and not revoked or dissolved by then
    alive_in: int | None = None
    grade: str = ""
    grade_year: int | None = None
    extra: dict = field(default_factory=dict)


def _year(value: str | None) -> int | None:
    try:
        year = int(value or "")
    except ValueError:
        return None
    return year if 1900 <= year <= 2200 else None


def drill_filters(params) -> DrillFilters:  # noqa: ANN001  (a QueryDict)
    levels = tuple(v for v in (params.get("levels") or "").split(",") if v)
    return DrillFilters(
        level=(params.get("level") or "")[:20],
        levels=levels[:5],
        domain=(params.get("domain") or "")[:20],
        status=(params.get("status") or "")[:20],
        region=(params.get("region") or "")[:12],
        year_from=_year(params.get("year_from")),
        year_to=_year(params.get("year_to")),
        alive_in=_year(params.get("alive_in")),
        grade=(params.get("grade") or "")[:40],
        grade_year=_year(params.get("grade_year")),
    )


def area_of() -> Case:
    """Where an alliance lies, as one column of its row (the id of its area): its proposal's
    region, else its lead unit's, else the deciding jurisdiction — :func:`_path_q` and
    ``Alliance.region`` read the same. The lists filter on it so that a page reads only its
    own rows through the joins (no hash of every unit and proposal of the area first)."""
    return Case(
        When(proposal__isnull=False, then=F("proposal__region")),
        When(lead_unit__region__isnull=False, then=F("lead_unit__region")),
        default=F("jurisdiction"),
        output_field=IntegerField(),
    )


class _StoredAreaIn(Expression):
    """PostgreSQL: ``area_id IN (<ids of the areas>)`` on the alliance's own row —
    the column that alliances migration 0011 adds and its triggers keep equal to
    :func:`area_of` (not a Django field), read through its index."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, areas: QuerySet) -> None:
        super().__init__()
        self.areas = Subquery(areas)

    def get_source_expressions(self) -> list[Any]:
        return [self.areas]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.areas,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        areas_sql, params = compiler.compile(self.areas)
        return f"({alias}.area_id IN {areas_sql})", list(params)


def _in_area(qs: QuerySet[Alliance], path: str, *, exact: bool = False) -> QuerySet[Alliance]:
    """The alliances of ``qs`` whose area lies under ``path`` (is ``path`` with ``exact``):
    the same rows as ``qs.filter(_path_q(path, exact=exact))``. PostgreSQL reads the stored
    area (an index); elsewhere the area is worked out per row (:func:`area_of`)."""
    from django.db import connection

    op = "" if exact else "__startswith"
    areas = Jurisdiction.objects.filter(**{f"path{op}": path}).order_by().values("pk")
    if connection.vendor == "postgresql":
        return qs.filter(_StoredAreaIn(areas))
    return qs.alias(lm_area=area_of()).filter(lm_area__in=areas)


def _region_q(scope: Jurisdiction, code: str) -> Q:
    if scope.is_zone:
        return Q() if code == scope.code else Q(pk__in=[])
    if code == scope.code:
        return _path_q(scope.path, exact=True)
    child = Jurisdiction.objects.filter(code=code, path__startswith=scope.path).first()
    if child is None:
        return Q(pk__in=[])
    return _path_q(child.path)


def _region_filter(qs: QuerySet[Alliance], scope: Jurisdiction, code: str) -> QuerySet[Alliance]:
    """``qs.filter(alliance_area_q(scope), _region_q(scope, code))`` outside a zone (the
    whole area for a blank ``code``), as one filter through :func:`area_of`."""
    if not code:
        return _in_area(qs, scope.path)
    if code == scope.code:
        return _in_area(qs, scope.path, exact=True)
    child = Jurisdiction.objects.filter(code=code, path__startswith=scope.path).first()
    if child is None:
        return qs.none()
    return _in_area(qs, child.path)


def ended_by(year: int) -> QuerySet:
    """Ids of alliances revoked or dissolved by the end of ``year`` (their history rows)."""
    from datetime import datetime

    from lianmeng.core import clock
    from lianmeng.workflow.models import StateChange

    end = datetime(year + 1, 1, 1, tzinfo=clock.BEIJING)
    return StateChange.objects.filter(
        subject_kind="alliance", kind__in=END_KINDS, at__lt=end
    ).values("subject_id")


def alliance_drill(*, viewer: User, filters: DrillFilters) -> QuerySet[Alliance]:
    """The alliances behind one bar, for the viewer's area only (none for anyone else)."""
    scope = scope_of(viewer)
    if scope is None:
        return Alliance.objects.none()
    f = filters
    if scope.is_zone:
        qs = Alliance.objects.filter(alliance_area_q(scope))
        if f.region:
            qs = qs.filter(_region_q(scope, f.region))
    else:
        # one filter on the area: the region's (a part of the scope's) or the scope's
        qs = _region_filter(Alliance.objects.all(), scope, f.region or "")
    if f.level:
        qs = qs.filter(level=f.level)
    if f.levels:
        qs = qs.filter(level__in=f.levels)
    if f.domain:
        # "none" (dashboard.BLANK) is the bar of alliances whose field was not given
        qs = qs.filter(domain="" if f.domain == "none" else f.domain)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.year_from:
        qs = qs.filter(decided_on__gte=date(f.year_from, 1, 1))
    if f.year_to:
        qs = qs.filter(decided_on__lte=date(f.year_to, 12, 31))
    if f.alive_in:
        qs = qs.filter(decided_on__lte=date(f.alive_in, 12, 31)).exclude(
            pk__in=ended_by(f.alive_in)
        )
    if f.grade and f.grade_year:
        qs = qs.filter(pk__in=_graded(scope, f.grade, f.grade_year).values("alliance_id"))
    return (
        qs.select_related("lead_unit", "jurisdiction")
        .only(
            "pk",
            "name",
            "level",
            "domain",
            "status",
            "decided_on",
            "member_count",
            "lead_unit__name",
            "jurisdiction__name",
        )
        .order_by("-decided_on", "-id")
    )


def _graded(scope: Jurisdiction, grade: str, year: int) -> QuerySet:
    from lianmeng.evaluation.models import Campaign, Evaluation

    return Evaluation.objects.filter(
        evaluation_area_q(scope),
        grade=grade,
        campaign__year=year,
        campaign__stage=Campaign.Stage.PUBLISHED,
    )


def evaluation_area_q(scope: Jurisdiction) -> Q:
    """Evaluations of alliances in the area (by the alliance, as the dashboard counts them)."""
    if scope.is_zone:
        return Q(alliance__proposal__zone=scope)
    return (
        Q(alliance__proposal__region__path__startswith=scope.path)
        | Q(
            alliance__proposal__isnull=True,
            alliance__lead_unit__region__path__startswith=scope.path,
        )
        | Q(
            alliance__proposal__isnull=True,
            alliance__lead_unit__region__isnull=True,
            alliance__jurisdiction__path__startswith=scope.path,
        )
    )


def proposal_drill(*, viewer: User, stage: str, profile: str = "") -> QuerySet[Proposal]:
    """The proposals of the viewer's area in one stage of the pipeline."""
    scope = scope_of(viewer)
    if scope is None or not stage:
        return Proposal.objects.none()
    qs = Proposal.objects.filter(proposal_area_q(scope), status=stage, alliance__isnull=True)
    if profile:
        qs = qs.filter(profile=profile)
    return (
        qs.select_related("lead_unit", "region")
        .only(
            "pk",
            "name",
            "profile",
            "status",
            "domain",
            "submitted_at",
            "call_year",
            "lead_unit__name",
            "region__name",
        )
        .order_by("-submitted_at", "-id")
    )
