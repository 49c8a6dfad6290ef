"""绩效评价的政策数据：评价主体、指标体系与权重、等级与分数线、后果（profile 的 ``[evaluation]`` 表）。

Pure data models (no Django) for the annual evaluation (M-40, M-41, M-42). Every value carries
its citation {seed, article}; the loader checks that each citation names a document of the
profile and checks what a type cannot (weights adding up to 100, grades covering 0–100 without
gaps or overlaps, grade and report ids that exist).

The seeds name the evaluation, its grades and what failing costs, but no weights, no score
thresholds and no rectification period. Where the file sets such a number itself, the item says
so in ``platform_reason`` (the platform's own value and why), next to the citation of the article
the item rests on. A family's ``platform_reason`` covers the weights of its indicators too.

The grading functions live in :mod:`lianmeng.policy.evaluation`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lianmeng.policy.citation import Citation
from lianmeng.policy.interchange import Level

__all__ = [
    "SOURCES",
    "Consequences",
    "EvaluationConfig",
    "Evaluator",
    "Grade",
    "Indicator",
    "IndicatorFamily",
    "Source",
]

Text = Annotated[str, Field(min_length=1)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Weight = Annotated[int, Field(ge=1, le=100)]

#: 评价主体：主管部门、专家、受委托的第三方评价机构
EvaluatorRole = Literal["department", "experts", "third_party"]

#: Where an indicator's figure comes from:
#: ``annual_report_kpi`` the KPI table of the alliance's report against the planned values;
#: ``report_on_time`` whether the report was filed (and accepted) by its due date;
#: ``meetings_held`` meetings of the alliance's bodies (理事会、工作会) in the year;
#: ``major_events_reported`` major events reported (重大事项报告);
#: ``patents_standards`` patents, other IP and standards in the KPI table;
#: ``member_satisfaction`` the member units' satisfaction survey; ``manual`` the evaluator's
#: judgement on the material filed.
Source = Literal[
    "annual_report_kpi",
    "report_on_time",
    "meetings_held",
    "major_events_reported",
    "patents_standards",
    "member_satisfaction",
    "manual",
]
SOURCES: tuple[str, ...] = get_args(Source)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Evaluator(_Strict):
    """一类评价主体: ``[[evaluation.evaluators]]``."""

    role: EvaluatorRole
    label: Text
    citation: Citation
    #: why the platform adds this evaluator where the seed does not name it
    platform_reason: Text | None = None


class Indicator(_Strict):
    """一项指标: ``[[evaluation.families.indicators]]``, scored 0–100.

    ``weight`` is its share of the total (the indicators of a family add up to the family's
    weight). ``report`` names the report kind of ``[reporting]`` holding the figure, where the
    profile has one.
    """

    id: Identifier
    label: Text
    weight: Weight
    guidance: Text
    source: Source
    report: Identifier | None = None
    citation: Citation
    platform_reason: Text | None = None


class IndicatorFamily(_Strict):
    """一类指标（如 创新活动情况）: ``[[evaluation.families]]``; weights over families add up to 100."""

    id: Identifier
    label: Text
    weight: Weight
    indicators: list[Indicator] = Field(min_length=1)
    citation: Citation
    platform_reason: Text | None = None


class Grade(_Strict):
    """一个等级及其分数线: the grade of every total ``>= min`` (``inclusive``) or ``> min`` not
    taken by a better grade. Grades are listed best first; the last one starts at 0 inclusive."""

    id: Identifier
    label: Text
    min: Annotated[int | float, Field(ge=0, le=100)]
    inclusive: bool
    citation: Citation
    #: why the platform sets the threshold where the seed names the grade only
    platform_reason: Text | None = None

    def lower_bound(self) -> Decimal:
        return Decimal(str(self.min))


class CitedLevels(_Strict):
    value: list[Level] = Field(min_length=1)
    citation: Citation


class CitedDays(_Strict):
    """A number of days; ``platform_reason`` when the seed gives none."""

    value: Annotated[int, Field(ge=1, le=90)]
    citation: Citation
    platform_reason: Text | None = None


class CitedText(_Strict):
    value: Text
    citation: Citation


class CitedGrade(_Strict):
    """A grade id of ``[[evaluation.grades]]``."""

    value: Identifier
    citation: Citation
    platform_reason: Text | None = None


class Period(_Strict):
    """整改期限: months or days (exactly one), counted from the warning."""

    months: Annotated[int, Field(ge=1, le=24)] | None = None
    days: Annotated[int, Field(ge=1, le=365)] | None = None
    citation: Citation
    platform_reason: Text | None = None

    @model_validator(mode="after")
    def _one(self) -> Period:
        if (self.months is None) == (self.days is None):
            raise ValueError("整改期限须且仅须给出 months 或 days 之一")
        return self


class Loss(_Strict):
    """整改不合格的后果: ``title`` (取消联盟资格) or ``support`` (取消享受扶持与奖励政策的资格)."""

    value: Literal["title", "support"]
    text: Text
    citation: Citation


class Consequences(_Strict):
    """``[evaluation.consequences]``: 不合格 → 警告并限期整改 → 复查 → 撤销; 优秀 → 择优支持."""

    failing_grade: CitedGrade
    warning: CitedText
    rectification_period: Period
    on_failed_recheck: Loss
    #: the grade that puts an alliance on the list for preferential support (择优支持)
    preferential_grade: CitedGrade | None = None


class EvaluationConfig(_Strict):
    """``[evaluation]``: who evaluates, the indicator system, grades and consequences."""

    citation: Citation
    #: how often, in the seed's words (每年)
    timing: CitedText | None = None
    evaluators: list[Evaluator] = Field(min_length=1)
    families: list[IndicatorFamily] = Field(min_length=1)
    grades: list[Grade] = Field(min_length=2)
    #: alliances of these levels are evaluated by their own level's authority: left out
    excluded_levels: CitedLevels | None = None
    #: days the results are publicly noticed before they are final; absent: no notice period
    notice_days: CitedDays | None = None
    consequences: Consequences | None = None

    def indicators(self) -> list[Indicator]:
        return [indicator for family in self.families for indicator in family.indicators]

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators() if i.id == indicator_id), None)

    def grade(self, grade_id: str) -> Grade | None:
        return next((g for g in self.grades if g.id == grade_id), None)

    def evaluator(self, role: str) -> Evaluator | None:
        return next((e for e in self.evaluators if e.role == role), None)
