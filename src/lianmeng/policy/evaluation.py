"""绩效评价的计分与定级：一个函数从指标得分算总分，一个函数从总分定等级。

Pure functions (no Django) over :class:`~lianmeng.policy.evaluation_config.EvaluationConfig`.
Every campaign, page, export and API grades through :func:`grade_of`, so a grade always follows
the profile's thresholds. Scores are :class:`~decimal.Decimal` from 0 to 100; the total is
``Σ score × weight / 100`` (the weights add up to 100), kept exact — round only for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from lianmeng.policy.evaluation_config import EvaluationConfig, Grade

__all__ = ["ScoreError", "excluded", "grade_of", "weighted_score"]

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class ScoreError(ValueError):
    """A score is missing, unknown or outside 0–100; the message says which, in Chinese."""


def _check(score: Decimal, what: str) -> Decimal:
    if not isinstance(score, Decimal) or not score.is_finite():
        raise ScoreError(f"{what}应为 0 至 100 之间的数")
    if not ZERO <= score <= HUNDRED:
        raise ScoreError(f"{what}应在 0 至 100 之间，现为 {score}")
    return score


def weighted_score(config: EvaluationConfig, scores: Mapping[str, Decimal]) -> Decimal:
    """总分：every indicator of the profile scored 0–100, weighted; no missing or unknown ids."""
    indicators = config.indicators()
    known = {indicator.id for indicator in indicators}
    unknown = sorted(set(scores) - known)
    if unknown:
        raise ScoreError(f"未知指标：{'、'.join(unknown)}")
    missing = [indicator.label for indicator in indicators if indicator.id not in scores]
    if missing:
        raise ScoreError(f"以下指标尚未评分：{'、'.join(missing)}")
    total = sum(
        (
            _check(scores[indicator.id], f"指标“{indicator.label}”的得分") * indicator.weight
            for indicator in indicators
        ),
        start=ZERO,
    )
    return total / HUNDRED


def _reaches(grade: Grade, score: Decimal) -> bool:
    bound = grade.lower_bound()
    return score >= bound if grade.inclusive else score > bound


def grade_of(config: EvaluationConfig, score: Decimal) -> Grade:
    """等级：the best grade whose threshold the total reaches (inclusive as the profile says).

    The loader guarantees that the last grade starts at 0 inclusive, so every total in 0–100
    has exactly one grade.
    """
    _check(score, "总分")
    for grade in config.grades:
        if _reaches(grade, score):
            return grade
    raise ScoreError(f"总分 {score} 没有对应的等级（政策配置的分数线不完整）")


def excluded(config: EvaluationConfig, alliance_level: str) -> bool:
    """Whether an alliance of ``alliance_level`` is left out of the profile's campaign
    (洛阳 第十条：国家级、省级联盟由其认定机关评价)."""
    levels = config.excluded_levels
    return levels is not None and alliance_level in levels.value
