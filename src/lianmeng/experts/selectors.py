"""Reads on expert review, always starting from what the viewer may see.

Experts see only the proposals assigned to them, never one whose lead unit or member is their
employer or a unit they declared a conflict with, and never another expert's scores while the
round is open. Staff of the organising department see their rounds whole.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_noop

from lianmeng.core.errors import NotFound
from lianmeng.core.masking import mask_email, mask_phone
from lianmeng.core.models import Jurisdiction, User
from lianmeng.core.roles import Role
from lianmeng.policy.loader import get_profile, load_profiles
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.selectors import proposal_list

from .conflicts import roster_codes, unit_codes
from .models import Assignment, ExpertProfile, ReviewRound, Score

ORGANISER_ROLES = frozenset({Role.COMPETENT, Role.COORDINATION})

#: scores by expert name and the ranking are shown only once the round is closed
SCORES_AFTER_CLOSE = gettext_noop(
    "评审尚未结束：评分明细、专家姓名和排名在结束评审后才能查看和导出。目前可在本页查看评分进度。"
)


def expert_profile_of(user: User) -> ExpertProfile | None:
    if not user.is_authenticated or not user.has_role(Role.EXPERT):
        return None
    return ExpertProfile.objects.filter(user=user).first()


def expert_visible_proposals(viewer: User) -> Q:
    """Proposals an expert may open: assigned, not declared, no conflict with his employer.

    The roster is checked again here (not only at assignment), so a member added later, or a
    conflict declared later, hides the proposal at once. One query, only for experts.
    """
    if not viewer.is_authenticated or not viewer.has_role(Role.EXPERT):
        return Q(pk__in=[])
    rows = Assignment.objects.filter(expert__user=viewer, declared_conflict=False).values_list(
        "proposal_id",
        "proposal__lead_unit__uscc",
        "proposal__lead_unit__org_code",
        "proposal__document__members",
        "expert__declared_conflicts",
    )
    own = unit_codes(viewer.unit) if viewer.unit_id else set()
    visible = []
    for pk, lead_uscc, lead_org, members, declared in rows:
        roster = roster_codes(lead_unit=None, members=members) | {
            c.upper() for c in (lead_uscc, lead_org) if c
        }
        avoid = own | {str(c).strip().upper() for c in declared or []}
        if not roster & avoid:
            visible.append(pk)
    return Q(pk__in=visible)


# -- staff -------------------------------------------------------------------------------------


def may_organise(viewer: User, *, jurisdiction: Jurisdiction | None = None) -> bool:
    """The viewer's department organises expert review — for ``jurisdiction`` if given: only
    its own jurisdiction (a round organised elsewhere is not his)."""
    if not (
        viewer.is_authenticated
        and bool(viewer.role_set() & ORGANISER_ROLES)
        and viewer.jurisdiction_id is not None
    ):
        return False
    return jurisdiction is None or jurisdiction.pk == viewer.jurisdiction_id


# -- the pool's scope (docs/decisions/0013-expert-pool-scope.md) ---------------------------------


def pool_paths(area: Jurisdiction) -> tuple[list[str], list[str]]:
    """(own, shared) area paths of the experts a department organises.

    Own: experts based in its jurisdiction and below. Shared: a zone committee a profile
    delegates the province's review to (``lifecycle.zone_delegation``, seed 001 三(四)) uses the
    delegating jurisdiction's experts. No profile or agreement shares anything else.
    """
    own = [] if area.is_zone else [area.path]
    shared: list[str] = []
    if area.is_zone:
        codes = set()
        for profile in load_profiles().values():
            delegation = profile.lifecycle.zone_delegation if profile.lifecycle else None
            code = profile.jurisdiction.value
            if delegation and area.kind in delegation.kinds and f"/{code}/" in f"/{area.path}":
                codes.add(code)
        shared = list(
            Jurisdiction.objects.filter(code__in=codes)
            .order_by("path")
            .values_list("path", flat=True)
        )
    return own, shared


def _area_q(paths: list[str], *, profile: str, unit: str) -> Q:
    """Experts whose area (the pool entry's region, else the employer's) lies under a path."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{profile}region__path__startswith": path}) | Q(
            **{f"{profile}region__isnull": True, f"{unit}region__path__startswith": path}
        )
    return q


def pool_q(area: Jurisdiction | None, *, profile: str = "", unit: str = "user__unit__") -> Q:
    """Pool entries (or, with prefixes, expert accounts) a department of ``area`` organises."""
    if area is None:
        return Q(pk__in=[])
    own, shared = pool_paths(area)
    return _area_q(own + shared, profile=profile, unit=unit)


def contact_paths(viewer: User) -> list[str]:
    """Area paths whose experts' contact details the viewer may see: his own jurisdiction and
    below (not the areas only shared with him)."""
    if not may_organise(viewer):
        return []
    return pool_paths(viewer.jurisdiction)[0]


def expert_area(user: User) -> Jurisdiction | None:
    """Where an expert is based: the pool entry's region, else the employer's."""
    profile = getattr(user, "expert_profile", None) if _has_profile(user) else None
    if profile is not None and profile.region_id:
        return profile.region
    return user.unit.region if user.unit_id and user.unit.region_id else None


def _has_profile(user: User) -> bool:
    try:
        user.expert_profile  # noqa: B018
    except ExpertProfile.DoesNotExist:
        return False
    return True


def contact_visible(viewer: User, user: User, paths: list[str] | None = None) -> bool:
    """Phone and e-mail of the expert ``user``: for himself and for the departments whose own
    jurisdiction he is based in (``paths`` from :func:`contact_paths`, computed once per page)."""
    if viewer.pk == user.pk:
        return True
    area = expert_area(user)
    paths = contact_paths(viewer) if paths is None else paths
    return area is not None and any(area.path.startswith(p) for p in paths)


def masked_contact(user: User) -> str:
    """The expert's phone and e-mail masked (``139****0001 l***@example.com``), for lists of
    many people; the full values are on his edit page (docs/decisions/0015)."""
    profile = user.expert_profile if _has_profile(user) else None
    phone = mask_phone(profile.phone if profile else "")
    email = mask_email((profile.email if profile else "") or user.email)
    return " ".join(part for part in (phone, email) if part)


def pool_user_get(*, viewer: User, user_id: int) -> User:
    """One expert account of the viewer's pool; NotFound otherwise (also another
    jurisdiction's)."""
    try:
        return pool_users(viewer=viewer).get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound(gettext_noop("未找到该专家账号。")) from exc


def round_list(*, viewer: User) -> QuerySet[ReviewRound]:
    """Rounds organised by the viewer's department."""
    if not may_organise(viewer):
        return ReviewRound.objects.none()
    return (
        ReviewRound.objects.filter(jurisdiction_id=viewer.jurisdiction_id)
        .select_related("jurisdiction", "created_by")
        .order_by("-created_at", "-id")
        .annotate(
            proposal_count=Count("entries", distinct=True),
            assignment_count=Count(
                "assignments", filter=Q(assignments__declared_conflict=False), distinct=True
            ),
            submitted_count=Count(
                "assignments",
                filter=Q(
                    assignments__declared_conflict=False, assignments__submitted_at__isnull=False
                ),
                distinct=True,
            ),
        )
    )


def round_get(*, viewer: User, pk: int) -> ReviewRound:
    rounds = (
        ReviewRound.objects.filter(jurisdiction_id=viewer.jurisdiction_id)
        if may_organise(viewer)
        else ReviewRound.objects.none()
    )
    try:
        return rounds.select_related("jurisdiction", "created_by", "closed_by").get(pk=pk)
    except (ReviewRound.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(gettext_noop("未找到该评审轮次，或您无权查看。")) from exc


def round_entries(round: ReviewRound) -> QuerySet[Proposal]:
    """The round's proposals with their assignments (one query each, whatever the size)."""
    assignments = Assignment.objects.select_related("expert__user__unit").order_by("id")
    return (
        Proposal.objects.filter(round_entries__round=round)
        .select_related("lead_unit", "region")
        .defer("document", "form_state", "writeups", "explanations")
        .prefetch_related(
            Prefetch(
                "expert_assignments",
                queryset=assignments.filter(round=round),
                to_attr="round_assignments",
            )
        )
        .order_by("id")
    )


def reviewable_states(profile_id: str) -> tuple[set[str], set[str]]:
    """(states a round moves into review, states already in review) by the profile's table.

    Profiles without a review step (Baoding's 备案, Heilongjiang's 试点) may still ask experts:
    their proposals are reviewed where the decision is taken from.
    """
    lifecycle = get_profile(profile_id).lifecycle
    if lifecycle is None:
        return set(), set()
    review = lifecycle.of_kind("review")
    if review:
        return {s for t in review for s in t.from_}, {t.to for t in review}
    return set(), {s for t in lifecycle.of_kind("approve") for s in t.from_}


def round_candidates(*, viewer: User, round: ReviewRound) -> QuerySet[Proposal]:
    """Proposals the viewer may add to the round: his area's, same profile and year, at the
    state before the decision, not yet in the round."""
    from lianmeng.reviews.selectors import actionable_q

    start, inside = reviewable_states(round.profile)
    # the viewer's department is the one that sends them to review or decides on them
    acting = actionable_q(viewer, kinds=("review",)) | actionable_q(viewer, kinds=("approve",))
    return (
        proposal_list(viewer=viewer, profile=round.profile)
        .filter(acting, status__in=start | inside, call_year=round.call_year)
        .exclude(round_entries__round=round)
        .order_by("id")
    )


def expert_pool(*, viewer: User, available_only: bool = False) -> QuerySet[ExpertProfile]:
    """The expert pool, for organising staff (contact details are for them only)."""
    if not may_organise(viewer):
        return ExpertProfile.objects.none()
    qs = ExpertProfile.objects.filter(
        pool_q(viewer.jurisdiction), user__is_active=True, user__role_grants__role=Role.EXPERT
    )
    if available_only:
        qs = qs.filter(available=True)
    return qs.select_related("user__unit__region", "region").order_by("id")


# -- experts -----------------------------------------------------------------------------------


def assignment_inbox(*, viewer: User) -> QuerySet[Assignment]:
    """The expert's own tasks (declared conflicts last), newest round first."""
    visible = expert_visible_proposals(viewer)
    return (
        Assignment.objects.filter(expert__user=viewer)
        .filter(Q(declared_conflict=True) | Q(proposal__in=Proposal.objects.filter(visible)))
        .select_related("round", "proposal__lead_unit")
        .defer(
            "proposal__document",
            "proposal__form_state",
            "proposal__writeups",
            "proposal__explanations",
        )
        .order_by("declared_conflict", "-round__created_at", "proposal_id", "id")
    )


def assignment_get(*, viewer: User, pk: int) -> Assignment:
    """One of the expert's own tasks he may still see; NotFound otherwise."""
    try:
        assignment = (
            Assignment.objects.filter(expert__user=viewer, declared_conflict=False)
            .select_related("round", "proposal__lead_unit", "proposal__region", "expert__user")
            .get(pk=pk)
        )
    except (Assignment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(gettext_noop("未找到该评审任务，或您无权查看。")) from exc
    if not Proposal.objects.filter(expert_visible_proposals(viewer), pk=assignment.proposal_id):
        raise NotFound(gettext_noop("未找到该评审任务，或您无权查看。"))
    return assignment


def own_scores(assignment: Assignment) -> dict[str, Score]:
    return {s.criterion: s for s in assignment.scores.all()}


def peer_scores(*, viewer: User, assignment: Assignment) -> list[dict[str, object]] | None:
    """Other experts' submitted scores on the same proposal — only once the round is closed
    (``None`` before). Names are withheld: experts are shown as 专家 1, 2 …"""
    if assignment.round.is_open or assignment.expert.user_id != viewer.pk:
        return None
    others = (
        Assignment.objects.filter(
            round_id=assignment.round_id,
            proposal_id=assignment.proposal_id,
            declared_conflict=False,
            submitted_at__isnull=False,
        )
        .exclude(pk=assignment.pk)
        .prefetch_related("scores")
        .order_by("id")
    )
    return [
        {"label": f"专家 {n}", "scores": {s.criterion: s for s in other.scores.all()}}
        for n, other in enumerate(others, start=1)
    ]


def pending_count(*, viewer: User) -> int:
    """Tasks waiting for the expert's scores in open rounds (home card)."""
    return (
        assignment_inbox(viewer=viewer)
        .filter(declared_conflict=False, submitted_at__isnull=True, round__status="open")
        .count()
    )


def pool_users(*, viewer: User) -> QuerySet[User]:
    """Every active expert account with its pool entry, for the organising departments (the
    专家库 page and its export)."""
    if not may_organise(viewer):
        return User.objects.none()
    return (
        User.objects.filter(
            pool_q(viewer.jurisdiction, profile="expert_profile__", unit="unit__"),
            role_grants__role=Role.EXPERT,
            is_active=True,
        )
        .select_related("unit__region", "expert_profile__region")
        .order_by("id")
    )
