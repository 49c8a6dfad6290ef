"""Reads for recommending and accepting departments, always within what the viewer may see.

Every list is one query whatever its length: the related rows are joined, the counts and
dates come from subqueries, the interchange document is deferred.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Exists,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from lianmeng.core.models import Jurisdiction, User
from lianmeng.policy.lifecycle import Lifecycle
from lianmeng.policy.loader import load_profiles
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.selectors import proposal_visibility
from lianmeng.workflow import selectors as workflow_selectors
from lianmeng.workflow.models import StateChange
from lianmeng.workflow.routing import effective_level, level_q, route_q

from .models import PaperReceipt, ZoneFiling

KIND = "proposal"
#: before anyone recommended: the lead unit's own states
FILING_SIDE = ("draft", "submitted", "returned", "withdrawn")


def _lifecycles() -> list[tuple[str, Any, Lifecycle]]:
    return [
        (pid, profile, profile.lifecycle)
        for pid, profile in load_profiles().items()
        if profile.lifecycle is not None
    ]


def actionable_q(viewer: User, *, kinds: tuple[str, ...] | None = None, by_state: bool = True) -> Q:
    """Proposals on which ``viewer`` may fire a transition (of ``kinds``) — the query form of
    ``engine.allowed_transitions``. ``by_state=False`` ignores the current state (the
    proposals the viewer's department is responsible for at that step, whatever became of
    them)."""
    if not viewer.is_authenticated:
        return Q(pk__in=[])
    roles = viewer.role_set()
    q = Q(pk__in=[])
    for profile_id, profile, lifecycle in _lifecycles():
        for transition in lifecycle.transitions:
            if transition.external or transition.role not in roles:
                continue
            if kinds is not None and transition.kind not in kinds:
                continue
            by_level: dict[str, list[str]] = {}
            for route in transition.routes:
                by_level.setdefault(effective_level(transition, route, lifecycle), []).append(route)
            for level, routes in by_level.items():
                part = (
                    Q(profile=profile_id)
                    & _routes_q(routes, lifecycle, profile)
                    & level_q(viewer, level)
                )
                if by_state:
                    part &= Q(status__in=transition.from_)
                q |= part
    return q


def _routes_q(routes: list[str], lifecycle: Lifecycle, profile: Any) -> Q:
    """Proposals on any of ``routes``; the JSON test of the recommender is left out when the
    area and department routes are both in (it is the costly part on long lists)."""
    chosen = set(routes)
    if chosen >= {"area", "zone", "department"}:
        return Q()
    if chosen >= {"area", "department"}:
        if lifecycle.zone_delegation is None:
            return Q()
        zone_ids = Jurisdiction.objects.filter(kind__in=lifecycle.zone_delegation.kinds)
        return Q(zone__isnull=True) | ~Q(zone_id__in=zone_ids.values("id"))
    q = Q(pk__in=[])
    for route in routes:
        q |= route_q(route, lifecycle, profile)
    return q


def _with_list_columns(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    last_change = StateChange.objects.filter(subject_kind=KIND, subject_id=OuterRef("pk")).order_by(
        "-at", "-id"
    )
    return (
        qs.select_related("lead_unit", "region", "zone")
        .defer("document", "form_state", "writeups", "explanations")
        .annotate(
            last_change_at=Subquery(last_change.values("at")[:1]),
            last_change_label=Subquery(last_change.values("label")[:1]),
        )
    )


def _filter(
    qs: QuerySet[Proposal],
    *,
    status: str | None,
    profile: str | None,
    year: int | None,
    search: str | None,
) -> QuerySet[Proposal]:
    if status:
        qs = qs.filter(status=status)
    if profile:
        qs = qs.filter(profile=profile)
    if year:
        qs = qs.filter(call_year=year)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(lead_unit__name__icontains=search))
    return qs


def done_q(viewer: User) -> Q:
    """Proposals the viewer's department has acted on."""
    if not viewer.is_authenticated or not viewer.jurisdiction_id:
        return Q(pk__in=[])
    acted = StateChange.objects.filter(
        subject_kind=KIND,
        subject_id=OuterRef("pk"),
        actor_jurisdiction_id=viewer.jurisdiction_id,
    )
    if viewer.unit_id:
        acted = acted.filter(actor_office=viewer.unit.name)
    return Q(Exists(acted))


def review_inbox(
    *,
    viewer: User,
    box: str = "todo",
    status: str | None = None,
    profile: str | None = None,
    year: int | None = None,
    search: str | None = None,
) -> QuerySet[Proposal]:
    """``todo``: waiting for the viewer's department; ``done``: it acted on them; ``all``:
    every filed proposal the viewer may see."""
    qs = Proposal.objects.filter(proposal_visibility(viewer)).exclude(status="draft")
    if box == "todo":
        qs = qs.filter(actionable_q(viewer))
    elif box == "done":
        qs = qs.filter(done_q(viewer))
    qs = _filter(qs, status=status, profile=profile, year=year, search=search)
    return _with_list_columns(qs).order_by("-updated_at", "-id")


def state_history(*, proposal: Proposal) -> QuerySet[StateChange]:
    return workflow_selectors.state_history(subject=proposal)


# -- acceptance (M-21) -------------------------------------------------------------------------


def _before_acceptance(lifecycle: Lifecycle) -> set[str]:
    """States a proposal is in until it reaches the accepting department."""
    states = set(FILING_SIDE)
    for transition in lifecycle.transitions:
        if transition.kind in {"recommend", "screen", "return"}:
            states.update(transition.from_)
    for transition in lifecycle.of_kind("accept"):
        states.difference_update(transition.from_)
    return states


def acceptance_list(
    *,
    viewer: User,
    status: str | None = None,
    profile: str | None = None,
    year: int | None = None,
    search: str | None = None,
    paper: str | None = None,
) -> QuerySet[Proposal]:
    """Recommended proposals the viewer's department accepts (and those it already handled),
    with the paper copies registered and the time of the recommendation."""
    # The department at the acceptance level sees every proposal it accepts (the levels lie
    # within the viewer's area), so the visibility filter adds nothing here but a join.
    responsible = actionable_q(viewer, kinds=("accept",), by_state=False)
    later = Q(pk__in=[])
    for profile_id, _profile, lifecycle in _lifecycles():
        later |= Q(profile=profile_id) & ~Q(status__in=_before_acceptance(lifecycle))
    qs = Proposal.objects.filter(responsible & later)
    qs = _filter(qs, status=status, profile=profile, year=year, search=search)
    copies = (
        PaperReceipt.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(n=Sum("copies"))
        .values("n")
    )
    recommended = (
        StateChange.objects.filter(subject_kind=KIND, subject_id=OuterRef("pk"), kind="recommend")
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    qs = _with_list_columns(qs).annotate(
        paper_copies=Coalesce(Subquery(copies, output_field=IntegerField()), Value(0)),
        recommended_at=Subquery(recommended),
    )
    if paper == "missing":
        qs = qs.filter(paper_copies__lt=2)
    elif paper == "received":
        qs = qs.filter(paper_copies__gte=2)
    return qs.order_by("-id")


# -- the 推荐表 (seed 001 附件3) ------------------------------------------------------------------

DOMAIN_LABELS = {"industry": "工业", "agriculture": "农业", "social_development": "社会发展"}
#: 高校 counts universities and vocational colleges (高等职业学校 are 高等学校 too)
ACADEMIC_KINDS = {"university", "vocational_college"}


@dataclass(frozen=True)
class RecommendationRow:
    number: int
    name: str
    lead_unit: str
    domain: str
    department: str
    members: int
    enterprises: int
    universities: int
    institutes: int
    note: str
    proposal_id: int
    recommended_at: Any
    opinion: str


def _member_kinds(document: Any) -> list[Any]:
    """The ``kind`` of each member of the proposal (one entry per member)."""
    members = (document or {}).get("members") if isinstance(document, dict) else None
    return [m.get("kind") for m in members or [] if isinstance(m, dict)]


#: PostgreSQL: the members' kinds read in the database (a short list, not the whole document)
_MEMBER_KINDS_PG = """
SELECT COALESCE(jsonb_agg(COALESCE(m ->> 'kind', '')), '[]'::jsonb)
FROM jsonb_array_elements(
    CASE WHEN jsonb_typeof("proposals_proposal"."document" -> 'members') = 'array'
    THEN "proposals_proposal"."document" -> 'members' ELSE '[]'::jsonb END
) AS m
WHERE jsonb_typeof(m) = 'object'
"""


def _with_member_kinds(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """``member_kinds`` on each proposal: read in the database on PostgreSQL, else from the
    document."""
    from django.db import connection

    if connection.vendor == "postgresql":
        kinds = RawSQL(  # noqa: S611  # nosec B611 (constant SQL, no values)
            _MEMBER_KINDS_PG, (), output_field=JSONField()
        )
        return qs.annotate(member_kinds=kinds)
    return qs.only(*_ROW_FIELDS, "document")


#: what the 推荐表 reads of a proposal
_ROW_FIELDS = ("id", "name", "profile", "domain", "lead_unit__name")


def _counts(kinds: list[Any]) -> tuple[int, int, int, int]:
    return (
        len(kinds),
        kinds.count("enterprise"),
        sum(1 for k in kinds if k in ACADEMIC_KINDS),
        kinds.count("research_institute"),
    )


def recommended_by(*, viewer: User, year: int) -> list[StateChange]:
    """The latest recommendation the viewer's department made of each proposal of ``year``
    whose recommendation still stands (not since returned or withdrawn)."""
    if not viewer.is_authenticated or not viewer.jurisdiction_id:
        return []
    standing = (
        Proposal.objects.filter(proposal_visibility(viewer), call_year=year)
        .exclude(status__in=FILING_SIDE)
        .values("id")
    )
    changes = StateChange.objects.filter(
        subject_kind=KIND,
        kind="recommend",
        actor_jurisdiction_id=viewer.jurisdiction_id,
        subject_id__in=standing,
    ).order_by("subject_id", "-at", "-id")
    if viewer.unit_id:
        changes = changes.filter(actor_office=viewer.unit.name)
    latest: dict[int, StateChange] = {}
    for change in changes:
        latest.setdefault(change.subject_id, change)
    # the columns of the table only (the documents are large: the members' kinds suffice)
    proposals = _with_member_kinds(
        Proposal.objects.select_related("lead_unit").only(*_ROW_FIELDS)
    ).in_bulk(list(latest))
    for subject_id, change in latest.items():
        proposal = proposals[subject_id]
        if not hasattr(proposal, "member_kinds"):
            proposal.member_kinds = _member_kinds(proposal.document)
        change.__dict__["subject"] = proposal
    return sorted(latest.values(), key=lambda c: (c.at, c.pk))


def recommendation_rows(
    *, viewer: User, year: int, changes: list[StateChange] | None = None
) -> list[RecommendationRow]:
    """The rows of the 推荐表; ``changes``: :func:`recommended_by` of the same viewer and year,
    when the caller has it."""
    if changes is None:
        changes = recommended_by(viewer=viewer, year=year)
    rows = []
    for number, change in enumerate(changes, start=1):
        proposal = change.subject
        members, enterprises, universities, institutes = _counts(proposal.member_kinds)
        rows.append(
            RecommendationRow(
                number=number,
                name=proposal.name,
                lead_unit=proposal.lead_unit.name,
                domain=DOMAIN_LABELS.get(proposal.domain, proposal.domain),
                department=change.actor_office,
                members=members,
                enterprises=enterprises,
                universities=universities,
                institutes=institutes,
                note="",
                proposal_id=proposal.pk,
                recommended_at=change.at,
                opinion=change.reason,
            )
        )
    return rows


def recommendation_years(*, viewer: User) -> list[int]:
    """Call years in which the viewer's department (its office) made a recommendation that
    still stands — the years whose 推荐表 has rows — newest first."""
    if not viewer.is_authenticated or not viewer.jurisdiction_id:
        return []
    recommended = StateChange.objects.filter(
        subject_kind=KIND, kind="recommend", actor_jurisdiction_id=viewer.jurisdiction_id
    )
    if viewer.unit_id:
        recommended = recommended.filter(actor_office=viewer.unit.name)
    years = (
        Proposal.objects.filter(
            proposal_visibility(viewer),
            pk__in=recommended.values("subject_id"),
            call_year__isnull=False,
        )
        .exclude(status__in=FILING_SIDE)
        .order_by()
        .values_list("call_year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def recommendation_default_year(*, viewer: User, years: list[int] | None = None) -> int:
    """The year the 推荐表 page opens at: the latest year in which the department
    recommended something; before its first recommendation, the latest call year of the
    proposals it sees; else the current year."""
    from lianmeng.core import clock

    years = recommendation_years(viewer=viewer) if years is None else years
    if years:
        return years[0]
    latest = (
        Proposal.objects.filter(proposal_visibility(viewer), call_year__isnull=False)
        .exclude(status="draft")
        .order_by("-call_year")
        .values_list("call_year", flat=True)
        .first()
    )
    return latest or clock.beijing_now().year


# -- zone filings (M-03) -----------------------------------------------------------------------


def zone_approved(*, viewer: User, year: int | None = None) -> QuerySet[Proposal]:
    """Alliances the viewer's zone approved and has not filed with the province yet."""
    area = viewer.jurisdiction if viewer.is_authenticated and viewer.jurisdiction_id else None
    if area is None or not area.is_zone:
        return Proposal.objects.none()
    approved = Q(pk__in=[])
    for profile_id, _profile, lifecycle in _lifecycles():
        delegation = lifecycle.zone_delegation
        if delegation is None or not delegation.files_with or area.kind not in delegation.kinds:
            continue
        states = [t.to for t in lifecycle.of_kind("approve")]
        approved |= Q(profile=profile_id, status__in=states)
    qs = Proposal.objects.filter(zone=area).filter(approved)
    if year:
        qs = qs.filter(call_year=year)
    filed = ZoneFiling.objects.filter(proposals=OuterRef("pk"))
    return (
        qs.exclude(Exists(filed))
        .select_related("lead_unit", "zone")
        .defer("form_state", "writeups", "explanations")
        .order_by("call_year", "id")
    )


def zone_filing_list(*, viewer: User) -> QuerySet[ZoneFiling]:
    """Filings the viewer's zone made, or those filed with the viewer's department."""
    area = viewer.jurisdiction if viewer.is_authenticated and viewer.jurisdiction_id else None
    if area is None:
        return ZoneFiling.objects.none()
    if area.is_zone:
        qs = ZoneFiling.objects.filter(zone=area)
    else:
        qs = ZoneFiling.objects.filter(filed_with=area)
    return qs.select_related("zone", "filed_with", "submitted_by").order_by("-submitted_at", "-id")


# -- the category the 推荐公函 asked for (Baoding 备案) ------------------------------------------


def recommended_categories(proposals: list[Proposal]) -> dict[int, int]:
    """The 备案类别 each proposal's recommendation (the 推荐公函) asked for, by proposal id:
    the category the recommending department chose with its recommendation
    (``StateChange.data["category"]``), else the one the applicant chose in the proposal
    (what the letter prints). One query for the whole list."""
    asked: dict[int, int] = {}
    ids = [p.pk for p in proposals]
    if not ids:
        return asked
    chosen = Proposal.objects.filter(pk__in=ids).values_list("pk", "document__category")
    for pk, value in chosen:
        try:
            asked[pk] = int(value)
        except (TypeError, ValueError):
            continue
    changes = (
        StateChange.objects.filter(subject_kind=KIND, subject_id__in=ids, kind="recommend")
        .order_by("subject_id", "at", "id")
        .values_list("subject_id", "data")
    )
    for subject_id, data in changes:  # the latest recommendation wins
        value = (data or {}).get("category")
        try:
            asked[subject_id] = int(value)
        except (TypeError, ValueError):
            continue
    return asked
