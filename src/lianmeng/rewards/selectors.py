"""Who sees what of rewards (every read goes through here).

- the **department** of a profile with ``[rewards]`` (competent staff of the profile's own
  jurisdiction: Luoyang's city, Baoding's city, Heilongjiang's province) — files on behalf,
  reviews, decides, keeps the budgets and the ledger;
- **departments below** it: the claims and awards of their own area, read only;
- an **expert** with a review seat: only the claims assigned to him, only his own score;
- the **lead unit's** applicants: their alliances' claims, awards and payments;
- the **public**: the published batches (alliance, item, amount), never figures or evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils.translation import gettext_noop

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.errors import NotFound
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import (
    lead_unit_filter,
    scope_filter,
    viewer_scope,
)
from lianmeng.policy.loader import UnknownProfileError, get_profile, load_profiles
from lianmeng.policy.rewards import AllianceFacts, money
from lianmeng.policy.rewards_config import RewardsConfig

from .models import Award, Batch, Budget, Claim, ClaimReview, Instalment, Payment, SupportFacts

NOT_FOUND = gettext_noop("未找到该奖补申请，或您无权查看。")
DEPARTMENT, AREA, EXPERT, LEAD, PUBLIC = "department", "area", "expert", "lead", "public"
#: alliances that may claim (running or being built); revoked and dissolved ones may not
CLAIMING_STATES = ("building", "awaiting_acceptance", "recognised", "filed", "pilot")
ZERO = Decimal("0.00")


def today() -> date:
    return clock.beijing_now().date()


def config_of(profile_id: str) -> RewardsConfig | None:
    try:
        return get_profile(profile_id).rewards
    except UnknownProfileError:
        return None


def department_profiles(viewer: User) -> list[str]:
    """Profiles with ``[rewards]`` whose jurisdiction is the viewer's own (competent staff)."""
    if not (viewer.is_authenticated and viewer.has_role(Role.COMPETENT)):
        return []
    if viewer.jurisdiction_id is None:
        return []
    code = viewer.jurisdiction.code
    return [
        p.id
        for p in load_profiles().values()
        if p.rewards is not None and p.jurisdiction.value == code
    ]


def decides(viewer: User, profile_id: str) -> bool:
    """Whether the viewer is the department that decides the profile's rewards."""
    return profile_id in department_profiles(viewer)


def _area_q(viewer: User) -> Q | None:
    if not viewer.is_authenticated:
        return None
    if not (viewer.has_role(Role.COMPETENT) or viewer.has_role(Role.RECOMMENDER)):
        return None
    scope = viewer_scope(viewer)
    if scope is None or scope.is_zone:
        return None
    return scope_filter(viewer, region_field="region")


def _profiles_above(viewer: User) -> list[str]:
    """Profiles with ``[rewards]`` decided above the viewer's area (a county under Luoyang's
    city): the only ones whose claims can lie in his area without being his own to decide."""
    area = viewer_scope(viewer)
    if area is None or area.is_zone:
        return []
    return [
        p.id
        for p in load_profiles().values()
        if p.rewards is not None
        and area.code.startswith(p.jurisdiction_prefix())
        and area.code != p.jurisdiction.value
    ]


def claims(viewer: User) -> QuerySet[Claim]:
    """The claims the viewer sees in his list (drafts only to their own lead unit).

    Each part is asked only where it can find something, so that a department's list is one
    indexed condition (docs/benchmarks.md, rewards): its own profiles, or the claims of its area
    under a profile decided above it."""
    if not viewer.is_authenticated:
        return Claim.objects.none()
    parts: list[Q] = []
    profiles = department_profiles(viewer)
    if profiles:
        parts.append(Q(profile__in=profiles) & ~Q(status=Claim.Status.DRAFT, on_behalf=False))
    area = _area_q(viewer)
    above = [p for p in _profiles_above(viewer) if p not in profiles] if area is not None else []
    if area is not None and above:
        parts.append(
            area
            & Q(profile__in=above)
            & ~Q(status__in=[Claim.Status.DRAFT, Claim.Status.WITHDRAWN])
        )
    if viewer.unit_id and viewer.has_role(Role.APPLICANT):
        parts.append(lead_unit_filter(viewer))
    if viewer.has_role(Role.EXPERT):
        parts.append(Q(pk__in=ClaimReview.objects.filter(expert=viewer).values("claim_id")))
    if not parts:
        return Claim.objects.none()
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return Claim.objects.filter(q)


def relation(viewer: User, claim: Claim) -> str | None:
    """How the viewer stands to the claim, or None when he may not see it."""
    if not viewer.is_authenticated:
        return None
    if decides(viewer, claim.profile) and (claim.status != Claim.Status.DRAFT or claim.on_behalf):
        return DEPARTMENT
    if viewer.has_role(Role.APPLICANT) and viewer.unit_id == claim.lead_unit_id:
        return LEAD
    if (
        viewer.has_role(Role.EXPERT)
        and ClaimReview.objects.filter(claim=claim, expert=viewer).exists()
    ):
        return EXPERT
    area = _area_q(viewer)
    if (
        area is not None
        and claim.status not in (Claim.Status.DRAFT, Claim.Status.WITHDRAWN)
        and claim.profile in _profiles_above(viewer)
        and Claim.objects.filter(area, pk=claim.pk).exists()
    ):
        return AREA
    return None


def claim_for(viewer: User, pk: object) -> tuple[Claim, str]:
    try:
        claim = Claim.objects.select_related("alliance", "lead_unit", "region").get(pk=int(pk))  # type: ignore[call-overload]
    except (Claim.DoesNotExist, TypeError, ValueError):
        raise NotFound(NOT_FOUND) from None
    seen = relation(viewer, claim)
    if seen is None:
        raise NotFound(NOT_FOUND)
    return claim, seen


def lead_alliances(viewer: User) -> QuerySet[Alliance]:
    """The alliances the viewer's unit leads under a profile with reward rules."""
    profiles = [p.id for p in load_profiles().values() if p.rewards is not None]
    return Alliance.objects.filter(
        lead_unit_filter(viewer), profile__in=profiles, status__in=CLAIMING_STATES
    ).order_by("name")


def department_alliances(viewer: User) -> QuerySet[Alliance]:
    """The alliances the department may file a claim for."""
    return Alliance.objects.filter(
        profile__in=department_profiles(viewer), status__in=CLAIMING_STATES
    ).order_by("name")


def facts_of(alliance: Alliance) -> AllianceFacts:
    """What the rules read, from the registry, the evaluation and the department's record."""
    record = SupportFacts.objects.filter(alliance=alliance).first()
    revoked = not alliance.support_eligible or alliance.status in ("revoked", "dissolved")
    if not alliance.support_eligible:
        why = alliance.support_lost_reason or ""
    elif alliance.status == "revoked":
        why = "联盟资格已撤销（取消备案）"
    elif alliance.status == "dissolved":
        why = "联盟已解散"
    else:
        why = ""
    return AllianceFacts(
        level=alliance.level
        if alliance.level in ("national", "provincial", "municipal")
        else "municipal",
        approved_on=alliance.decided_on,
        key_support=bool(record and record.key_support),
        legal_entity_registered_on=record.legal_entity_registered_on if record else None,
        support_revoked=revoked,
        support_revoked_reason=why,
    )


def awarded_items(alliance: Alliance, *, exclude_claim: int | None = None) -> dict[str, str]:
    """{item: claim number} of the alliance's positive awards, staged or published."""
    rows = Award.objects.filter(alliance=alliance, amount__gt=0)
    if exclude_claim is not None:
        rows = rows.exclude(claim_id=exclude_claim)
    return dict(rows.values_list("item", "claim__number"))


def expert_tasks(viewer: User) -> QuerySet[ClaimReview]:
    if not (viewer.is_authenticated and viewer.has_role(Role.EXPERT)):
        return ClaimReview.objects.none()
    return ClaimReview.objects.filter(expert=viewer).select_related("claim", "claim__alliance")


def budgets(viewer: User) -> QuerySet[Budget]:
    profiles = department_profiles(viewer)
    if not profiles:
        return Budget.objects.none()
    return Budget.objects.filter(profile__in=profiles, jurisdiction=viewer.jurisdiction)


def batches(viewer: User) -> QuerySet[Batch]:
    """The department's batches; the public and everyone else see the published ones."""
    profiles = department_profiles(viewer)
    q = Q(status=Batch.Status.PUBLISHED)
    if profiles:
        q |= Q(profile__in=profiles, jurisdiction=viewer.jurisdiction)
    return Batch.objects.filter(q)


def public_batches() -> QuerySet[Batch]:
    return Batch.objects.filter(status=Batch.Status.PUBLISHED).order_by("-published_at", "-id")


@dataclass(frozen=True)
class BudgetUse:
    budget: Budget
    committed: Decimal
    paid: Decimal

    @property
    def available(self) -> Decimal:
        return self.budget.amount - self.committed

    @property
    def unpaid(self) -> Decimal:
        return self.committed - self.paid


def budget_use(budget: Budget) -> BudgetUse:
    """Committed (instalments reserved on it) and paid (payments recorded on it)."""
    committed = Instalment.objects.filter(budget=budget).aggregate(s=Sum("amount"))["s"] or ZERO
    paid = Payment.objects.filter(budget=budget).aggregate(s=Sum("amount"))["s"] or ZERO
    # SQLite's SUM drops the scale (130 for 130.00): amounts are shown with two places
    return BudgetUse(budget=budget, committed=money(committed), paid=money(paid))


def budget_uses(rows: QuerySet[Budget]) -> list[BudgetUse]:
    """:func:`budget_use` for a page of budgets in two queries."""
    budgets_list = list(rows)
    ids = [b.pk for b in budgets_list]
    committed = dict(
        Instalment.objects.filter(budget_id__in=ids)
        .values_list("budget_id")
        .annotate(s=Sum("amount"))
        .values_list("budget_id", "s")
    )
    paid = dict(
        Payment.objects.filter(budget_id__in=ids)
        .values_list("budget_id")
        .annotate(s=Sum("amount"))
        .values_list("budget_id", "s")
    )
    return [
        BudgetUse(
            budget=b,
            committed=money(committed.get(b.pk) or ZERO),
            paid=money(paid.get(b.pk) or ZERO),
        )
        for b in budgets_list
    ]


def ledger(viewer: User) -> QuerySet[Payment]:
    """Payments of the department's budgets; a lead unit's own payments."""
    profiles = department_profiles(viewer)
    if profiles:
        # the department's few budgets by id: both databases then read the payments' own
        # indexes (docs/benchmarks.md, rewards)
        q = Q(budget_id__in=list(_budget_ids(viewer, profiles)))
    else:
        q = lead_unit_filter(viewer, unit_field="alliance__lead_unit_id")
    return Payment.objects.filter(q).select_related(
        "instalment__award__claim", "alliance", "budget"
    )


def instalments_due(viewer: User) -> QuerySet[Instalment]:
    """Published instalments not yet paid in full, of the department's budgets."""
    profiles = department_profiles(viewer)
    if not profiles:
        return Instalment.objects.none()
    return (
        Instalment.objects.filter(
            budget_id__in=list(_budget_ids(viewer, profiles)),
            award__published=True,
            paid__lt=F("amount"),
        )
        .select_related("award__claim", "award__alliance", "budget")
        .order_by("year", "id")
    )


def _budget_ids(viewer: User, profiles: list[str]) -> QuerySet[Budget]:
    return Budget.objects.filter(
        profile__in=profiles, jurisdiction=viewer.jurisdiction
    ).values_list("pk", flat=True)


def support_record(alliance: Alliance) -> SupportFacts | None:
    return SupportFacts.objects.filter(alliance=alliance).first()
