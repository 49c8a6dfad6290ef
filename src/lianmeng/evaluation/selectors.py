"""Who sees what of the annual evaluation (every read goes through here).

- the **organiser**: competent staff of the campaign's jurisdiction (the profile's own: Henan's
  province, Luoyang's city) — runs the campaign, sees every score with the evaluator's name;
- **departments below** it: the evaluations of their own area, scores after publication;
- an **evaluator** (expert or the commissioned third party): only the campaigns with a seat for
  him, only the alliances assigned to him, only his own scores;
- the **lead unit's** applicants: their alliance's evaluation; evaluators' scores never, the
  result once published (or noticed);
- the **public**: the notice and the published results (grade and final score, no scores per
  evaluator).

Nobody sees another evaluator's scores before publication; after it the organiser still does and
the score sheets are exported by the organiser only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext, gettext_noop

from lianmeng.core import clock
from lianmeng.core.errors import NotFound
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import (
    lead_unit_filter,
    scope_filter,
    viewer_scope,
)
from lianmeng.policy.evaluation_config import EvaluationConfig
from lianmeng.policy.loader import UnknownProfileError, get_profile

from .models import Assignment, Campaign, Evaluation, Objection, Rectification

NOT_FOUND = gettext_noop("未找到该绩效评价，或您无权查看。")

#: the viewer's relation to a campaign or evaluation
ORGANISER, DEPARTMENT, EVALUATOR, LEAD, PUBLIC = (
    "organiser",
    "department",
    "evaluator",
    "lead",
    "public",
)
#: the stages in which results are public (notice: provisional; published: final)
RESULT_STAGES = (Campaign.Stage.NOTICE, Campaign.Stage.PUBLISHED)


def today() -> date:
    return clock.beijing_now().date()


def config_of(profile_id: str) -> EvaluationConfig | None:
    try:
        return get_profile(profile_id).evaluation
    except UnknownProfileError:
        return None


def organiser_profiles(viewer: User) -> list[str]:
    """The profiles with an ``[evaluation]`` whose jurisdiction is the viewer's own
    (competent staff): the campaigns he may open."""
    from lianmeng.policy.loader import load_profiles

    if not (viewer.is_authenticated and viewer.has_role(Role.COMPETENT)):
        return []
    if viewer.jurisdiction_id is None:
        return []
    code = viewer.jurisdiction.code
    return [
        p.id
        for p in load_profiles().values()
        if p.evaluation is not None and p.jurisdiction.value == code
    ]


def organises(viewer: User, campaign: Campaign) -> bool:
    return bool(
        viewer.is_authenticated
        and viewer.has_role(Role.COMPETENT)
        and viewer.jurisdiction_id is not None
        and viewer.jurisdiction_id == campaign.jurisdiction_id
    )


def _area_q(viewer: User, field: str = "region") -> Q | None:
    """Rows of the viewer's area and below (department staff), else None."""
    if not viewer.is_authenticated:
        return None
    if not (viewer.has_role(Role.COMPETENT) or viewer.has_role(Role.RECOMMENDER)):
        return None
    scope = viewer_scope(viewer)
    if scope is None or scope.is_zone:
        return None
    return scope_filter(viewer, region_field=field)


def is_evaluator(viewer: User) -> bool:
    return viewer.is_authenticated and (
        viewer.has_role(Role.EVALUATOR) or viewer.has_role(Role.EXPERT)
    )


def campaigns(viewer: User) -> QuerySet[Campaign]:
    """The campaigns the viewer sees in his list: the organiser's own, those covering his area
    (departments below), those he has a seat in (evaluators)."""
    if not viewer.is_authenticated:
        return Campaign.objects.none()
    q = Q(pk__in=[])
    area = _area_q(viewer, "region")
    if area is not None:
        scope = viewer_scope(viewer)
        assert scope is not None  # noqa: S101  (_area_q says so)
        # campaigns of the viewer's jurisdiction or of one above it (their alliances include
        # the viewer's area)
        ancestors = [scope.path[:i] for i in range(1, len(scope.path) + 1)]
        q |= Q(jurisdiction__path__in=ancestors) | Q(jurisdiction__path__startswith=scope.path)
    if is_evaluator(viewer):
        q |= Q(evaluators__user=viewer)
    return (
        Campaign.objects.filter(q)
        .distinct()
        .select_related("jurisdiction")
        .order_by("-year", "-id")
    )


def public_campaigns() -> QuerySet[Campaign]:
    """The campaigns whose results are on public notice or published, the newest first (the
    public list of notices; index ``stage``)."""
    return (
        Campaign.objects.filter(stage__in=RESULT_STAGES)
        .select_related("jurisdiction")
        .order_by("-year", "-id")
    )


def campaign_get(*, viewer: User, pk: Any) -> tuple[Campaign, str]:
    """The campaign and the viewer's relation to it; NotFound when he may not see it (the
    public sees a campaign from its notice on)."""
    try:
        campaign = Campaign.objects.select_related("jurisdiction").get(pk=int(pk))
    except (Campaign.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(gettext(NOT_FOUND)) from exc
    if organises(viewer, campaign):
        return campaign, ORGANISER
    if campaigns(viewer).filter(pk=campaign.pk).exists():
        if viewer.is_authenticated and campaign.evaluators.filter(user=viewer).exists():
            return campaign, EVALUATOR
        return campaign, DEPARTMENT
    if campaign.stage in RESULT_STAGES:
        return campaign, PUBLIC
    raise NotFound(gettext(NOT_FOUND))


def evaluations(viewer: User, campaign: Campaign, relation: str) -> QuerySet[Evaluation]:
    """The rows of the campaign the viewer may list."""
    qs = Evaluation.objects.filter(campaign=campaign).select_related(
        "alliance", "lead_unit", "region"
    )
    if relation == ORGANISER:
        return qs
    if relation == DEPARTMENT:
        area = _area_q(viewer)
        return qs.filter(area) if area is not None else qs.none()
    if relation == EVALUATOR:
        return qs.filter(assignments__evaluator=viewer).distinct()
    if relation == PUBLIC:
        return qs if campaign.stage in RESULT_STAGES else qs.none()
    return qs.none()


def evaluation_get(*, viewer: User, pk: Any) -> tuple[Evaluation, str]:
    """One alliance's evaluation and the viewer's relation; NotFound for anyone else."""
    try:
        row = Evaluation.objects.select_related(
            "campaign__jurisdiction", "alliance", "lead_unit", "region"
        ).get(pk=int(pk))
    except (Evaluation.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(gettext(NOT_FOUND)) from exc
    campaign = row.campaign
    if organises(viewer, campaign):
        return row, ORGANISER
    if (
        viewer.is_authenticated
        and viewer.unit_id == row.lead_unit_id
        and viewer.has_role(Role.APPLICANT)
    ):
        return row, LEAD
    area = _area_q(viewer)
    if area is not None and Evaluation.objects.filter(area, pk=row.pk).exists():
        return row, DEPARTMENT
    if is_evaluator(viewer) and row.assignments.filter(evaluator=viewer).exists():
        return row, EVALUATOR
    if campaign.stage in RESULT_STAGES:
        return row, PUBLIC
    raise NotFound(gettext(NOT_FOUND))


def results_visible(campaign: Campaign, relation: str) -> bool:
    """Whether the viewer sees final scores, grades and ranks: the organiser always, everyone
    else from the notice on."""
    return relation == ORGANISER or campaign.stage in RESULT_STAGES


def assignments_visible(evaluation: Evaluation, viewer: User, relation: str) -> list[Assignment]:
    """The scores per evaluator the viewer may read: the organiser all (with names), an
    evaluator only his own, nobody else."""
    qs = evaluation.assignments.select_related("evaluator__unit").order_by("id")
    if relation == ORGANISER:
        return list(qs)
    if relation == EVALUATOR:
        return list(qs.filter(evaluator=viewer))
    return []


def own_task(*, viewer: User, evaluation_id: Any) -> Assignment:
    """The evaluator's own task on one alliance; NotFound for an alliance not assigned to him."""
    if not is_evaluator(viewer):
        raise NotFound(gettext(NOT_FOUND))
    try:
        return Assignment.objects.select_related(
            "evaluation__campaign", "evaluation__alliance", "evaluation__lead_unit"
        ).get(evaluation_id=int(evaluation_id), evaluator=viewer)
    except (Assignment.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(gettext(NOT_FOUND)) from exc


def tasks(viewer: User) -> QuerySet[Assignment]:
    """The evaluator's inbox: his tasks in campaigns being scored, open ones first."""
    if not is_evaluator(viewer):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(evaluator=viewer)
        .select_related("evaluation__campaign", "evaluation__alliance")
        # open ones first on every database (PostgreSQL sorts NULL last by default)
        .order_by(
            F("submitted_at").asc(nulls_first=True), "evaluation__campaign_id", "evaluation_id"
        )
    )


def lead_evaluations(viewer: User) -> QuerySet[Evaluation]:
    return (
        Evaluation.objects.filter(lead_unit_filter(viewer))
        .select_related("campaign", "alliance")
        .order_by("-campaign__year", "-id")
    )


@dataclass(frozen=True)
class Distribution:
    #: [(grade id, label, count)], best grade first
    grades: list[tuple[str, str, int]]
    #: [(lower bound, count)] in steps of 10 (90 holds 90–100)
    bins: list[tuple[int, int]]
    scored: int
    unscored: int
    mean: Decimal | None


def distribution(campaign: Campaign, qs: QuerySet[Evaluation] | None = None) -> Distribution:
    """成绩分布: grades and 10-point bins of the final scores (two aggregate queries)."""
    qs = qs if qs is not None else Evaluation.objects.filter(campaign=campaign)
    config = config_of(campaign.profile)
    counts = {
        row["grade"]: row["n"] for row in qs.order_by().values("grade").annotate(n=Count("id"))
    }
    grades = [(g.id, g.label, counts.get(g.id, 0)) for g in (config.grades if config else [])]
    scores = list(qs.order_by().values_list("final_score", flat=True))
    have = [s for s in scores if s is not None]
    bins: Counter[int] = Counter(min(90, int(s // 10) * 10) for s in have)
    mean = (sum(have, Decimal(0)) / len(have)).quantize(Decimal("0.01")) if have else None
    return Distribution(
        grades=grades,
        bins=[(lower, bins.get(lower, 0)) for lower in range(0, 100, 10)],
        scored=len(have),
        unscored=len(scores) - len(have),
        mean=mean,
    )


def objections(viewer: User, campaign: Campaign, relation: str) -> QuerySet[Objection]:
    """The organiser handles every objection; an objector sees his own."""
    qs = Objection.objects.filter(evaluation__campaign=campaign).select_related(
        "evaluation__alliance"
    )
    if relation == ORGANISER:
        return qs
    if viewer.is_authenticated:
        return qs.filter(filed_by=viewer)
    return qs.none()


def preferential(viewer: User) -> QuerySet[Evaluation]:
    """择优支持名单: alliances graded with the profile's preferential grade in published
    campaigns of the viewer's area, newest campaign first, best first."""
    area = _area_q(viewer, "region")
    if area is None:
        return Evaluation.objects.none()
    q = Q(pk__in=[])
    from lianmeng.policy.loader import load_profiles

    for profile in load_profiles().values():
        config = profile.evaluation
        if config is None or config.consequences is None:
            continue
        grade = config.consequences.preferential_grade
        if grade is None:
            continue
        q |= Q(campaign__profile=profile.id, grade=grade.value)
    return (
        Evaluation.objects.filter(q, area, campaign__stage=Campaign.Stage.PUBLISHED)
        .select_related("campaign", "alliance", "lead_unit")
        .order_by("-campaign__year", "campaign_id", "rank")
    )


def rectifications(viewer: User) -> QuerySet[Rectification]:
    from .lifecycle import rectification_visibility

    return (
        Rectification.objects.filter(rectification_visibility(viewer))
        .select_related("alliance", "evaluation__campaign")
        .order_by("status", "deadline", "id")
    )


def rectification_get(*, viewer: User, pk: Any) -> Rectification:
    try:
        return rectifications(viewer).get(pk=int(pk))
    except (Rectification.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(gettext("未找到该整改事项，或您无权查看。")) from exc


def rechecks(viewer: User, rectification: Rectification) -> bool:
    """Whether the viewer re-checks it: competent staff of the campaign's jurisdiction."""
    return organises(viewer, rectification.evaluation.campaign)
