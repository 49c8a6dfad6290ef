"""评审结果汇总：每份申报的平均分、去极值平均分、加权总分与排名。

Only submitted tasks count (a draft is not a score). For one expert and one proposal the
weighted total is ``Σ score / max_score × weight`` over the criteria (0–100, weights add up to
100). For the proposal:

- 平均分 ``mean``: the mean of the experts' weighted totals (equal to the weighted total of
  the per-criterion means, so it is also shown as 加权总分);
- 去极值平均分 ``trimmed``: with four or more experts, the highest and the lowest total are
  dropped and the rest averaged (one of each, even if tied); with fewer than four it is the
  plain mean — dropping two of three scores would leave one expert's opinion;
- 排名 ``rank``: by trimmed mean, then mean, highest first; equal pairs share a rank and the
  next rank is skipped (1, 2, 2, 4). A proposal without any submitted score has no rank.

Figures are rounded half-up to two decimals for display and export; ranking uses exact values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch

from lianmeng.proposals.models import Proposal

from .models import Assignment, ReviewRound

TRIM_FROM = 4
TWO = Decimal("0.01")


def q2(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TWO, rounding=ROUND_HALF_UP)


def weighted_total(criteria: Sequence[dict[str, Any]], scores: dict[str, Decimal]) -> Decimal:
    total = Decimal(0)
    for criterion in criteria:
        score = scores.get(criterion["key"])
        if score is not None:
            total += Decimal(score) / Decimal(criterion.get("max_score", 100)) * criterion["weight"]
    return total


def mean(values: Sequence[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def trimmed_mean(values: Sequence[Decimal]) -> Decimal | None:
    """Drop one highest and one lowest when there are at least four values."""
    if len(values) >= TRIM_FROM:
        ordered = sorted(values)
        return mean(ordered[1:-1])
    return mean(values)


@dataclass
class ExpertSheet:
    assignment_id: int
    expert: str
    unit: str
    scores: dict[str, Decimal | None]
    comments: dict[str, str]
    total: Decimal
    submitted_at: Any


@dataclass
class ProposalResult:
    proposal: Proposal
    sheets: list[ExpertSheet] = field(default_factory=list)
    assigned: int = 0
    criterion_means: dict[str, Decimal | None] = field(default_factory=dict)
    mean: Decimal | None = None
    trimmed: Decimal | None = None
    rank: int | None = None

    @property
    def submitted(self) -> int:
        return len(self.sheets)

    @property
    def weighted_total(self) -> Decimal | None:
        return self.mean


def rank(results: list[ProposalResult]) -> list[ProposalResult]:
    """Order by (trimmed, mean) highest first and give competition ranks (1, 2, 2, 4)."""
    scored = [r for r in results if r.trimmed is not None]
    unscored = [r for r in results if r.trimmed is None]
    scored.sort(key=lambda r: (-r.trimmed, -r.mean, r.proposal.pk))
    previous: tuple[Decimal, Decimal] | None = None
    for position, result in enumerate(scored, start=1):
        key = (result.trimmed, result.mean)
        if key != previous:
            result.rank = position
            previous = key
        else:
            result.rank = scored[position - 2].rank
    unscored.sort(key=lambda r: r.proposal.pk)
    return scored + unscored


def round_results(round: ReviewRound) -> list[ProposalResult]:
    """Every proposal of the round with its sheets and figures, ranked. Three queries."""
    criteria = round.criteria
    tasks = (
        Assignment.objects.filter(round=round, declared_conflict=False)
        .select_related("expert__user__unit")
        .prefetch_related("scores")
        .order_by("id")
    )
    proposals = (
        Proposal.objects.filter(round_entries__round=round)
        .select_related("lead_unit")
        .defer("document", "form_state", "writeups", "explanations")
        .prefetch_related(Prefetch("expert_assignments", queryset=tasks, to_attr="tasks"))
        .order_by("id")
    )
    results = []
    for proposal in proposals:
        result = ProposalResult(proposal=proposal, assigned=len(proposal.tasks))
        for task in proposal.tasks:
            if task.submitted_at is None:
                continue
            scores = {s.criterion: s.score for s in task.scores.all()}
            result.sheets.append(
                ExpertSheet(
                    assignment_id=task.pk,
                    expert=str(task.expert.user),
                    unit=task.expert.user.unit.name if task.expert.user.unit_id else "",
                    scores=scores,
                    comments={s.criterion: s.comment for s in task.scores.all()},
                    total=weighted_total(criteria, scores),
                    submitted_at=task.submitted_at,
                )
            )
        totals = [sheet.total for sheet in result.sheets]
        result.mean = mean(totals)
        result.trimmed = trimmed_mean(totals)
        for criterion in criteria:
            values = [
                Decimal(s.scores[criterion["key"]])
                for s in result.sheets
                if s.scores.get(criterion["key"]) is not None
            ]
            result.criterion_means[criterion["key"]] = mean(values)
        results.append(result)
    return rank(results)
