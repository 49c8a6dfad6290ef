"""联盟运行的政策数据：筹建清单与验收标准、报告制度、绩效预警（profile 的 ``[construction]``、
``[reporting]``、``[kpi_warning]`` 表）。

Pure data models (no Django) for the alliance's life after the decision (M-30, M-32, M-33, B-5).
Every value carries its citation {seed, article}; the loader checks that each citation names a
document of the profile. What a seed does not say is left out of the file, and the code treats it
as absent: a report without ``due`` has no machine due date (the department sets it), a profile
without ``kpi_warning.threshold`` uses :data:`DEFAULT_LAG_THRESHOLD`. The functions working on
these models live in :mod:`lianmeng.policy.alliance_life`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lianmeng.policy.citation import Citation
from lianmeng.policy.review import ReviewConfig

__all__ = [
    "DEFAULT_LAG_THRESHOLD",
    "ChecklistItem",
    "Construction",
    "DueRule",
    "EventKind",
    "KpiWarningConfig",
    "ReportField",
    "ReportKind",
    "Reporting",
]

#: 预警阈值的默认值：实际值低于按时间进度折算的计划值的 80% 即预警。No seed sets a number;
#: a profile may set ``[kpi_warning] threshold`` (with its citation) to replace it.
DEFAULT_LAG_THRESHOLD = 0.8

Text = Annotated[str, Field(min_length=1)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"{what} 的 id 不能重复：{item}")
        seen.add(item)


class CitedText(_Strict):
    value: Text
    citation: Citation


class CitedRatio(_Strict):
    """A share in (0, 1] with its citation."""

    value: Annotated[float, Field(gt=0, le=1)]
    citation: Citation


class CitedYears(_Strict):
    value: Annotated[int, Field(ge=1, le=20)]
    citation: Citation


# -- construction (筹建) --------------------------------------------------------------------


class ChecklistItem(_Strict):
    """筹建期内须完成的一项：``[[construction.checklist]]``.

    ``evidence`` says what the lead unit supplies to complete it: a text (说明), files, or both.
    """

    id: Identifier
    label: Text
    description: Text | None = None
    evidence: list[Literal["text", "files"]] = Field(min_length=1)
    citation: Citation

    @model_validator(mode="after")
    def _no_repeat(self) -> ChecklistItem:
        _unique(list(self.evidence), "evidence")
        return self


class Construction(_Strict):
    """``[construction]``: the checklist of the construction period and the 验收 review.

    The period itself is ``[deadlines] construction_period_months`` (the loader requires it).
    ``acceptance`` has the shape of ``[review]`` (criteria with weights adding up to 100 and
    the area rule), so the expert round of 验收 runs on the review module like an application's.
    """

    checklist: list[ChecklistItem] = Field(min_length=1)
    acceptance: ReviewConfig | None = None
    #: what passing 验收 leads to (认定), as the seed says
    outcome: CitedText | None = None

    @model_validator(mode="after")
    def _ids(self) -> Construction:
        _unique([item.id for item in self.checklist], "construction.checklist")
        return self

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((item for item in self.checklist if item.id == item_id), None)


# -- reporting (报告制度) --------------------------------------------------------------------


class ReportField(_Strict):
    """报告的一项内容. ``table`` is the KPI table (the shape of 建议书 七, ``Kpis``)."""

    id: Identifier
    label: Text
    kind: Literal["text", "number", "table", "files"]
    citation: Citation


class EventKind(_Strict):
    """重大事项的一类（重大突破、成员单位变更 …）."""

    id: Identifier
    label: Text
    citation: Citation


class DueRule(_Strict):
    """A fixed due day: the report on year *Y* is due on ``month``/``day`` of *Y*, or of *Y + 1*
    with ``following_year``. 29 February falls on 28 February in common years."""

    month: Annotated[int, Field(ge=1, le=12)]
    day: Annotated[int, Field(ge=1, le=31)]
    following_year: bool = False

    @model_validator(mode="after")
    def _real_day(self) -> DueRule:
        try:
            date(2000, self.month, self.day)  # a leap year: 29 February is allowed
        except ValueError:
            raise ValueError(f"{self.month} 月没有 {self.day} 日") from None
        return self


class CitedDueRule(_Strict):
    value: DueRule
    citation: Citation


class ReportKind(_Strict):
    """一种报告：``[[reporting.reports]]``.

    ``frequency``: ``annual`` (one per year), ``event`` (a major event, filed when it happens),
    ``agreement_term`` (falls due with the alliance agreement's term, ``[deadlines]
    agreement_term_years``). ``timing`` is the seed's own words on when ("每年", "及时"); ``due`` a
    machine due day only where a seed fixes one — absent, the department sets the date.
    """

    id: Identifier
    label: Text
    frequency: Literal["annual", "event", "agreement_term"]
    fields: list[ReportField] = Field(min_length=1)
    events: list[EventKind] = Field(default_factory=list)
    timing: CitedText | None = None
    due: CitedDueRule | None = None
    citation: Citation

    @model_validator(mode="after")
    def _consistent(self) -> ReportKind:
        _unique([f.id for f in self.fields], f"报告 {self.id} 的 fields")
        _unique([e.id for e in self.events], f"报告 {self.id} 的 events")
        if self.events and self.frequency != "event":
            raise ValueError("只有重大事项报告（frequency = event）可以列出 events")
        if self.due is not None and self.frequency != "annual":
            raise ValueError("只有年度报告（frequency = annual）可以规定 due")
        return self

    def field(self, field_id: str) -> ReportField | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def table_fields(self) -> list[ReportField]:
        return [f for f in self.fields if f.kind == "table"]


class Reporting(_Strict):
    """``[reporting]``: the reports the profile requires after the decision."""

    reports: list[ReportKind] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids(self) -> Reporting:
        _unique([r.id for r in self.reports], "reporting.reports")
        return self

    def report(self, report_id: str) -> ReportKind | None:
        return next((r for r in self.reports if r.id == report_id), None)


# -- KPI early warning (B-5) ----------------------------------------------------------------


class CitedSource(_Strict):
    """Where the planned (expected) KPI values come from: the proposal's 七 (``proposal``) or
    the year's work plan (``annual_plan``, a report with a ``table`` field)."""

    value: Literal["proposal", "annual_plan"]
    citation: Citation


class KpiWarningConfig(_Strict):
    """``[kpi_warning]``: actual KPIs are set against the planned ones (B-5).

    An indicator lags when its actual value is below ``threshold`` × the plan pro rata to the
    share of the period elapsed. ``threshold`` absent → :data:`DEFAULT_LAG_THRESHOLD`.
    ``period_years`` is the span the planned values cover (absent: the reporting year).
    ``reports`` are the report kinds whose ``table`` field holds the actual values.
    """

    citation: Citation
    expected: CitedSource
    reports: list[Identifier] = Field(default_factory=list)
    #: with ``expected = "annual_plan"``: the report kind holding the year's planned values
    plan_report: Identifier | None = None
    threshold: CitedRatio | None = None
    period_years: CitedYears | None = None

    @model_validator(mode="after")
    def _plan(self) -> KpiWarningConfig:
        if (self.expected.value == "annual_plan") != (self.plan_report is not None):
            raise ValueError("计划值取自年度工作计划（annual_plan）时须且仅须给出 plan_report")
        return self

    def lag_threshold(self) -> float:
        return self.threshold.value if self.threshold else DEFAULT_LAG_THRESHOLD
