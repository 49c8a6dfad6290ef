"""Reads on decisions and the registry.

The registry (联盟名录) is public: every alliance a published decision created, with its
level, field, lead unit, member count, status and dates. Declines are not listed publicly; the
applicant learns of them in the system. Staged decisions are seen by the deciding department.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.utils.translation import gettext_noop

from lianmeng.core.errors import NotFound
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import viewer_scope
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.selectors import proposal_list, proposal_visibility

from .models import Alliance, Decision

#: who decides: the competent department; Heilongjiang's coordination group picks pilots
DECIDER_ROLES = frozenset({Role.COMPETENT, Role.COORDINATION})


@dataclass(frozen=True)
class RegistryFilters:
    q: str = ""
    level: str = ""
    domain: str = ""
    profile: str = ""
    status: str = ""
    year: int | None = None
    #: only alliances whose construction period has passed without 验收 (still 筹建中)
    overdue: bool = False
    #: only alliances with a KPI early warning (B-5; ``Alliance.kpi_warning_count``)
    kpi_warning: bool = False


def with_construction(qs: QuerySet[Alliance]) -> QuerySet[Alliance]:
    """Annotate each alliance with the end of its construction period (``construction_due_at``:
    the alliance's latest deadline on the engine, a subquery — no query per row), when it
    reached its current state (``state_since``) and whether the period has passed while the
    alliance is still 筹建中 (``construction_overdue``). Without a deadline row its recorded
    筹建期限 counts."""
    from lianmeng.core import clock
    from lianmeng.workflow.models import Deadline, StateChange

    due = (
        Deadline.objects.filter(
            subject_kind="alliance", subject_id=OuterRef("pk"), kind="construction_period"
        )
        .order_by("-id")
        .values("due_at")[:1]
    )
    # when the alliance reached its current state (its latest history row)
    since = (
        StateChange.objects.filter(subject_kind="alliance", subject_id=OuterRef("pk"))
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    # 撤销、解散: the ground (保定 第十三条) or the declared reason of the latest change, shown
    # with the state in the registry (the reason is public as the history is)
    last = StateChange.objects.filter(
        subject_kind="alliance", subject_id=OuterRef("pk"), kind__in=("revoke", "dissolve")
    ).order_by("-at", "-id")
    now = clock.now()
    today = now.astimezone(clock.BEIJING).date()
    overdue = Q(status=Alliance.Status.BUILDING) & (
        Q(construction_due_at__lt=now)
        | Q(construction_due_at__isnull=True, construction_deadline__lt=today)
    )
    ended = Q(status__in=(Alliance.Status.REVOKED, Alliance.Status.DISSOLVED))
    return qs.annotate(
        construction_due_at=Subquery(due),
        state_since=Subquery(since),
        end_ground_label=Case(
            When(
                ended,
                then=Subquery(
                    last.annotate(ground_text=KT("data__ground_label")).values("ground_text")[:1]
                ),
            ),
            default=Value(None),
            output_field=CharField(),
        ),
        end_reason=Case(
            When(ended, then=Subquery(last.values("reason")[:1])),
            default=Value(None),
            output_field=CharField(),
        ),
    ).annotate(
        construction_overdue=Case(
            When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def alliance_list(*, filters: RegistryFilters | None = None) -> QuerySet[Alliance]:
    """The public registry, newest decision first; the same number of queries at any size."""
    f = filters or RegistryFilters()
    qs = with_construction(
        Alliance.objects.select_related("lead_unit", "jurisdiction").defer("lead_unit__created_at")
    )
    if f.overdue:
        qs = qs.filter(construction_overdue=True)
    if f.kpi_warning:
        qs = qs.filter(kpi_warning_count__gt=0)
    if f.q:
        qs = qs.filter(name_search(f.q))
    if f.level:
        qs = qs.filter(level=f.level)
    if f.domain:
        qs = qs.filter(domain=f.domain)
    if f.profile:
        qs = qs.filter(profile=f.profile)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.year:
        qs = qs.filter(decided_on__year=f.year)
    return qs.order_by("-decided_on", "-id")


def name_search(q: str) -> Q:
    """Alliances whose name or lead unit's name contains ``q`` (as ``icontains``). On
    PostgreSQL the alliance's own ``search_names`` (its name and its lead unit's, kept by
    triggers: migration 0009) answers: its GIN index narrows the alliances to those holding
    every pair of characters of ``q``, then the text itself is checked, so a search reads
    neither every alliance nor any unit."""
    from django.db import connection
    from django.db.models.expressions import RawSQL

    from lianmeng.core.textsearch import VECTOR_SQL, tsquery_for

    query = tsquery_for(q)
    if connection.vendor != "postgresql" or query is None:
        return Q(name__icontains=q) | Q(lead_unit__name__icontains=q)
    vector = VECTOR_SQL.format(column="search_names")
    # ARRAY(…): an init plan run once, through the index, before any other table is read (as
    # a plain IN the planner may read every alliance and compute the vector row by row)
    matched = RawSQL(  # noqa: S611 - the query is a parameter; names from the model  # nosec B611 (constant SQL; values are parameters)
        f"SELECT unnest(ARRAY(SELECT id FROM {Alliance._meta.db_table} "  # noqa: S608  # nosec B608 (constant SQL; values are parameters)
        f"WHERE {vector} @@ %s::tsquery AND strpos(upper(search_names), upper(%s)) > 0))",
        [query, q],
    )
    return Q(pk__in=matched)


def alliance_get(*, pk: int) -> Alliance:
    try:
        return with_construction(
            Alliance.objects.select_related("lead_unit", "jurisdiction", "proposal")
        ).get(pk=pk)
    except (Alliance.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(gettext_noop("名录中没有该联盟。")) from exc


def alliance_history(alliance: Alliance) -> QuerySet:
    """The alliance's state changes, oldest first (the registry is public: so is its
    history of states, as the public registry shows each state)."""
    from lianmeng.workflow.selectors import state_history

    return state_history(subject=alliance)


def alliance_decisions(alliance: Alliance) -> QuerySet[Decision]:
    """Published decisions on the alliance's proposal, oldest first (its public history)."""
    return (
        Decision.objects.filter(proposal_id=alliance.proposal_id, status=Decision.Status.PUBLISHED)
        .select_related("published_by")
        .order_by("published_at", "id")
    )


def decision_years() -> list[int]:
    """The years in which alliances were decided, newest first (the registry's year filter,
    on every request of the public page). One query that skips through the ``decided_on``
    index a year at a time (the latest date, then the latest before its 1 January, …): one
    probe per year, not a read of every alliance or of every distinct date."""
    from django.db import connection

    table = connection.ops.quote_name(Alliance._meta.db_table)
    column = connection.ops.quote_name(Alliance._meta.get_field("decided_on").column)
    if connection.vendor == "postgresql":
        start_of_year = "CAST(date_trunc('year', years.d) AS date)"
    else:  # SQLite keeps dates as ISO text
        start_of_year = "date(years.d, 'start of year')"
    sql = (  # table and column names from the model
        f"WITH RECURSIVE years(d) AS (SELECT MAX({column}) FROM {table} "  # noqa: S608  # nosec B608 (constant SQL; values are parameters)
        f"UNION ALL SELECT (SELECT MAX({column}) FROM {table} WHERE {column} < {start_of_year}) "
        "FROM years WHERE years.d IS NOT NULL) SELECT d FROM years WHERE d IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        days = [row[0] for row in cursor.fetchall()]
    return [int(str(d)[:4]) for d in days]


def may_download_plaque(viewer: User, alliance: Alliance) -> bool:
    """The lead unit's staff and department staff whose area covers the alliance."""
    if not viewer.is_authenticated:
        return False
    if viewer.unit_id and viewer.unit_id == alliance.lead_unit_id:
        return True
    scope = viewer_scope(viewer)
    if scope is not None:
        if alliance.proposal_id is None:  # the legacy registry: by the lead unit's region
            return alliance.lead_unit.region_id is not None and scope.contains(
                alliance.lead_unit.region
            )
        return Proposal.objects.filter(
            proposal_visibility(viewer), pk=alliance.proposal_id
        ).exists()
    return False


# -- the deciding department -------------------------------------------------------------------


def may_decide(viewer: User) -> bool:
    return viewer.is_authenticated and bool(viewer.role_set() & DECIDER_ROLES)


def staged_decisions(*, viewer: User) -> QuerySet[Decision]:
    if not may_decide(viewer):
        return Decision.objects.none()
    return (
        Decision.objects.filter(
            status=Decision.Status.STAGED,
            proposal__in=Proposal.objects.filter(proposal_visibility(viewer)),
        )
        .select_related("proposal__lead_unit", "staged_by")
        .defer(
            "proposal__document",
            "proposal__form_state",
            "proposal__writeups",
            "proposal__explanations",
        )
        .order_by("staged_at", "id")
    )


def published_decisions(*, viewer: User) -> QuerySet[Decision]:
    if not may_decide(viewer):
        return Decision.objects.none()
    return (
        Decision.objects.filter(
            status=Decision.Status.PUBLISHED,
            proposal__in=Proposal.objects.filter(proposal_visibility(viewer)),
        )
        .select_related("proposal__lead_unit", "published_by", "alliance")
        .defer(
            "proposal__document",
            "proposal__form_state",
            "proposal__writeups",
            "proposal__explanations",
        )
        .order_by("-published_at", "-id")
    )


def decidable_proposals(*, viewer: User) -> QuerySet[Proposal]:
    """Proposals the viewer's department may decide on now (the engine's own rule as a
    query: state, role, level and route), not yet staged. One query whatever the size."""
    from lianmeng.reviews.selectors import actionable_q

    if not may_decide(viewer):
        return Proposal.objects.none()
    return (
        proposal_list(viewer=viewer)
        .filter(actionable_q(viewer, kinds=("approve", "decline")))
        .exclude(decisions__status=Decision.Status.STAGED)
        .order_by("profile", "id")
    )


# -- decision documents and the registry's overdue construction periods ------------------------


def decision_document_get(*, viewer: User, pk: int) -> Decision:
    """A published decision whose document (决定书/批复) the viewer may download: its lead
    unit's staff, and the deciding department (whose area covers the proposal). NotFound
    for anyone else, so nobody learns of another unit's decline."""
    if not viewer.is_authenticated:
        raise NotFound(gettext_noop("未找到该决定，或您无权查看。"))
    allowed = Q(proposal__lead_unit_id=viewer.unit_id) if viewer.unit_id else Q(pk__in=[])
    if may_decide(viewer):
        allowed |= Q(proposal__in=Proposal.objects.filter(proposal_visibility(viewer)))
    try:
        return (
            Decision.objects.filter(allowed, status=Decision.Status.PUBLISHED)
            .exclude(verification_code="")
            .select_related("proposal__lead_unit", "alliance", "notice")
            .get(pk=pk)
        )
    except (Decision.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(gettext_noop("未找到该决定，或您无权查看。")) from exc


def decision_by_code(code: str) -> Decision | None:
    """The published decision a verification code names (public: the code is on the paper)."""
    if not code:
        return None
    return (
        Decision.objects.filter(verification_code=code, status=Decision.Status.PUBLISHED)
        .select_related("proposal__lead_unit", "alliance", "notice")
        .first()
    )


def documents_for(viewer: User, decisions: list[Decision]) -> set[int]:
    """Which of ``decisions`` the viewer may download the document of (one query)."""
    ids = [d.pk for d in decisions if d.verification_code]
    if not ids or not viewer.is_authenticated:
        return set()
    allowed = Q(proposal__lead_unit_id=viewer.unit_id) if viewer.unit_id else Q(pk__in=[])
    if may_decide(viewer):
        allowed |= Q(proposal__in=Proposal.objects.filter(proposal_visibility(viewer)))
    return set(Decision.objects.filter(allowed, pk__in=ids).values_list("pk", flat=True))
