"""自评预填：what the platform already knows about each indicator of the evaluation, from the
alliance's reports of the year (accepted first), their KPI table against the plan, the meetings
recorded in its workspace and the major events it reported.

Each indicator gets ``{"text": what was found, "suggested": "87.5" | None, "source": …}``.
``suggested`` is only a proposal for the lead unit's self-score and the evaluators' score, worked
out as the indicator's ``guidance`` says (completion ratio of the planned values, capped at 100);
``None`` where the figure needs a person's judgement (manual, satisfaction survey).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lianmeng.alliances.models import Alliance
from lianmeng.policy.alliance_life import flatten_kpis
from lianmeng.policy.evaluation_config import EvaluationConfig, Indicator
from lianmeng.reporting import kpi
from lianmeng.reporting.models import Report

#: KPI rows that count as results (patents, standards, core technology)
RESULT_PREFIXES = ("ip.", "standards", "core_breakthroughs")
ONE = Decimal(1)
HUNDRED = Decimal(100)


def _fmt(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _judged_report(alliance: Alliance, year: int) -> Report | None:
    """The year's report with a KPI table, accepted before submitted."""
    found = [
        r
        for r in Report.objects.filter(
            alliance=alliance, year=year, status__in=kpi.SUBMITTED_STATES
        ).select_related("alliance__proposal")
        if kpi.judged(kpi.profile_of(r), r.kind)
    ]
    found.sort(key=lambda r: (r.status != "accepted", -r.pk))
    return found[0] if found else None


def _ratio(report: Report, results: bool) -> tuple[Decimal | None, int, int]:
    """Mean completion of the planned rows (each capped at 1) and how many rows counted/met."""
    expected = kpi.expected_for(report)
    kind = kpi.kind_of(report)
    if not expected.rows or kind is None or not kind.table_fields():
        return None, 0, 0
    actual = flatten_kpis((report.content or {}).get(kind.table_fields()[0].id))
    ratios = []
    met = 0
    for key, plan in expected.rows.items():
        if key.startswith(RESULT_PREFIXES) != results:
            continue
        try:
            planned = Decimal(str(plan))
        except ArithmeticError:
            continue
        if planned <= 0:
            continue
        try:
            done = Decimal(str(actual.get(key) or 0))
        except ArithmeticError:
            done = Decimal(0)
        share = min(ONE, max(Decimal(0), done / planned))
        met += share == ONE
        ratios.append(share)
    if not ratios:
        return None, 0, 0
    return sum(ratios, Decimal(0)) / len(ratios) * HUNDRED, len(ratios), met


def _kpi_fact(alliance: Alliance, year: int, results: bool) -> dict[str, Any]:
    report = _judged_report(alliance, year)
    if report is None:
        return {"text": f"{year} 年度没有已提交的含绩效指标表的报告。", "suggested": None}
    score, counted, met = _ratio(report, results)
    status = "已接受" if report.status == "accepted" else "已提交、尚未接受"
    if score is None:
        return {"text": f"{year} 年度报告（{status}）没有可对照的计划值。", "suggested": None}
    return {
        "text": (
            f"{year} 年度报告（{status}）：对照计划的 {counted} 项指标中 {met} 项全部完成，"
            f"平均完成 {_fmt(score)}%。"
        ),
        "suggested": _fmt(score),
        "report": report.pk,
    }


def _on_time(alliance: Alliance, year: int) -> dict[str, Any]:
    rows = list(Report.objects.filter(alliance=alliance, year=year).values_list("kind", "status"))
    accepted = sum(1 for _, s in rows if s == "accepted")
    filed = sum(1 for _, s in rows if s in kpi.SUBMITTED_STATES)
    if not rows or not filed:
        return {"text": f"{year} 年度尚未报送报告。", "suggested": "0.0"}
    suggested = HUNDRED if accepted == filed else Decimal(80)
    return {
        "text": f"{year} 年度已报送 {filed} 份报告，其中 {accepted} 份已被接受。",
        "suggested": _fmt(suggested),
    }


def _meetings(alliance: Alliance, year: int) -> dict[str, Any]:
    from lianmeng.running.models import Meeting

    count = Meeting.objects.filter(workspace__alliance=alliance, held_on__year=year).count()
    suggested = Decimal(0) if count == 0 else (Decimal(60) if count == 1 else HUNDRED)
    return {
        "text": f"工作台记录 {year} 年召开会议 {count} 次（两次及以上建议 100 分，一次 60 分，未召开 0 分）。",
        "suggested": _fmt(suggested),
    }


def _major_events(alliance: Alliance, year: int) -> dict[str, Any]:
    count = Report.objects.filter(
        alliance=alliance, kind="major_event", created_at__year=year
    ).count()
    return {
        "text": f"{year} 年报告重大事项 {count} 项；平台未发现应报未报的事项，如有由评价人扣分。",
        "suggested": "100.0",
    }


def fact(alliance: Alliance, year: int, indicator: Indicator) -> dict[str, Any]:
    source = indicator.source
    if source == "annual_report_kpi":
        found = _kpi_fact(alliance, year, results=False)
    elif source == "patents_standards":
        found = _kpi_fact(alliance, year, results=True)
    elif source == "report_on_time":
        found = _on_time(alliance, year)
    elif source == "meetings_held":
        found = _meetings(alliance, year)
    elif source == "major_events_reported":
        found = _major_events(alliance, year)
    elif source == "member_satisfaction":
        found = {"text": "平台没有成员满意度调查数据，请填写调查结果。", "suggested": None}
    else:
        found = {"text": "需根据联盟提交的材料评分。", "suggested": None}
    return {**found, "source": source}


def facts_for(alliance: Alliance, year: int, config: EvaluationConfig) -> dict[str, Any]:
    return {ind.id: fact(alliance, year, ind) for ind in config.indicators()}
