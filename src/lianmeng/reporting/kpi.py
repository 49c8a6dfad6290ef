"""The KPI table of a report set against the planned one, and its early warnings (B-5).

Where the planned values come from is the profile's ``[kpi_warning] expected``: the decided
proposal's 七 (预期绩效指标, ``expected_kpis``) or the same year's annual work plan (the report
kind ``plan_report``, its ``table`` field). A report of a kind listed in ``[kpi_warning]
reports`` (all with a table field when the list is empty) is judged with
:func:`lianmeng.policy.alliance_life.profile_kpi_warnings` on the day it is submitted (today
while it is a draft): pro rata to the share of the period elapsed, with the profile's threshold
or :data:`~lianmeng.policy.alliance_config.DEFAULT_LAG_THRESHOLD`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lianmeng.core import clock
from lianmeng.policy.alliance_config import ReportKind
from lianmeng.policy.alliance_life import (
    KPI_LABELS,
    flatten_kpis,
    kpi_warnings,
    profile_kpi_warnings,
)
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.policy.models import Profile

from .models import Report

SUBMITTED_STATES = ("submitted", "accepted")


def profile_of(report: Report) -> Profile | None:
    try:
        return get_profile(report.profile)
    except UnknownProfileError:
        return None


def kind_of(report: Report) -> ReportKind | None:
    profile = profile_of(report)
    if profile is None or profile.reporting is None:
        return None
    return profile.reporting.report(report.kind)


def judged(profile: Profile | None, kind_id: str) -> bool:
    """Whether reports of ``kind_id`` are judged against the plan (early warning)."""
    config = profile.kpi_warning if profile else None
    if config is None or profile is None or profile.reporting is None:
        return False
    kind = profile.reporting.report(kind_id)
    if kind is None or not kind.table_fields():
        return False
    if config.reports:
        return kind_id in config.reports
    return kind_id != config.plan_report


@dataclass(frozen=True)
class Expected:
    rows: dict[str, Any]
    #: where they come from, for people: 建议书“七、预期绩效指标” / 2025 年度工作计划
    source: str
    #: why there are none (no plan filed for the year …), else ""
    missing: str = ""
    report: Report | None = None


def _proposal_rows(report: Report) -> dict[str, Any]:
    proposal = report.alliance.proposal if report.alliance.proposal_id else None
    return flatten_kpis((proposal.document or {}).get("expected_kpis") if proposal else None)


def expected_for(report: Report) -> Expected:
    """The planned values the report's KPI table is set against."""
    profile = profile_of(report)
    config = profile.kpi_warning if profile else None
    plan_kind = config.plan_report if config is not None else None
    if (
        config is not None
        and config.expected.value == "annual_plan"
        and plan_kind
        and report.kind != plan_kind
    ):
        plan = (
            Report.objects.filter(
                alliance_id=report.alliance_id,
                kind=plan_kind,
                year=report.year,
                status__in=SUBMITTED_STATES,
            )
            .order_by("-id")
            .first()
        )
        label = f"{report.year} 年度工作计划"
        if plan is None:
            return Expected({}, label, f"尚未报备 {report.year} 年度工作计划，无法对照计划值。")
        kind = kind_of(plan)
        fields = kind.table_fields() if kind else []
        rows = flatten_kpis((plan.content or {}).get(fields[0].id)) if fields else {}
        return Expected(rows, label, "", plan)
    rows = _proposal_rows(report)
    source = "建议书“七、预期绩效指标”"
    if not rows:
        return Expected({}, source, "决定所依据的建议书没有填写预期绩效指标。")
    return Expected(rows, source)


def as_of(report: Report) -> date:
    moment = report.submitted_at if report.status in SUBMITTED_STATES else None
    return (moment or clock.now()).astimezone(clock.BEIJING).date()


def warnings_for(
    report: Report, expected: Expected | None = None, *, on: date | None = None
) -> list[dict[str, Any]]:
    """The KPI early warnings of the report on ``on`` (default: the day it was submitted, today
    for a draft); empty for a kind not judged."""
    profile = profile_of(report)
    if profile is None or not judged(profile, report.kind):
        return []
    kind = kind_of(report)
    expected = expected or expected_for(report)
    if not expected.rows or kind is None:
        return []
    day = on or as_of(report)
    found = []
    for field in kind.table_fields():
        actual = (report.content or {}).get(field.id)
        if expected.report is not None and report.year:
            # the year's plan covers the calendar year
            config = profile.kpi_warning
            assert config is not None  # noqa: S101  (judged() says so)
            rows = kpi_warnings(
                expected.rows,
                actual,
                date(report.year, 1, 1),
                date(report.year + 1, 1, 1),
                day,
                config.lag_threshold(),
                citation=config.citation,
            )
        else:
            start = report.alliance.decided_on
            rows = profile_kpi_warnings(profile, expected.rows, actual, start, day)
        found += [{**w.to_dict(), "field": field.id} for w in rows]
    return found


def table_rows(report: Report, field_id: str, expected: Expected) -> list[dict[str, Any]]:
    """Indicator | expected | actual | lag flag, in the order of the proposal's table 七."""
    actual = flatten_kpis((report.content or {}).get(field_id))
    lagging = {
        w["indicator"]: w for w in (report.warnings or []) if w.get("field", field_id) == field_id
    }
    rows = []
    for indicator, label in KPI_LABELS.items():
        warning = lagging.get(indicator)
        rows.append(
            {
                "indicator": indicator,
                "label": label,
                "expected": expected.rows.get(indicator),
                "actual": actual.get(indicator),
                "lagging": warning is not None,
                "message": warning["message"] if warning else "",
            }
        )
    return rows
