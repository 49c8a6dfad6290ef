"""联盟运行的纯函数：筹建清单进度、绩效预警、成员变更后的资格复核、报告到期日。

Pure functions (no Django, no clock: the caller passes today) over the profile data of
:mod:`lianmeng.policy.alliance_config`:

- :func:`checklist_progress` — done / total / overdue items of the construction checklist (M-30);
- :func:`kpi_warnings` — indicators whose actual value lags the plan pro rata (B-5);
- :func:`membership_still_eligible` — the roster rules re-run on a changed roster (M-31), with
  the one rule engine of :mod:`lianmeng.policy.rules`;
- :func:`due_dates` — the dates a profile fixes in a calendar year (M-36).

KPI tables have the shape of the proposal's 七 (``expected_kpis``, :class:`~lianmeng.policy.
interchange.Kpis`): a nested mapping, or the flat form ``{"funding.lead_unit": 120, …}``.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lianmeng.policy.alliance_config import DEFAULT_LAG_THRESHOLD, ChecklistItem
from lianmeng.policy.citation import Citation
from lianmeng.policy.interchange import LeadUnit, Member, Proposal
from lianmeng.policy.models import Profile
from lianmeng.policy.results import Finding
from lianmeng.policy.rules import check

__all__ = [
    "DEFAULT_LAG_THRESHOLD",
    "KPI_LABELS",
    "ROSTER_RULES",
    "ChecklistProgress",
    "DueDate",
    "KpiWarning",
    "add_months",
    "checklist_progress",
    "due_dates",
    "flatten_kpis",
    "kpi_warnings",
    "membership_findings",
    "membership_still_eligible",
    "profile_kpi_warnings",
]


# -- construction checklist -----------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistProgress:
    done: int
    total: int
    #: ids of the items still open, in the checklist's order
    open: tuple[str, ...]
    #: ids of the open items once the deadline has passed (empty before or without one)
    overdue: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.done == self.total


def checklist_progress(
    items: Sequence[ChecklistItem] | Sequence[str],
    completed_ids: Collection[str],
    today: date,
    deadline: date | None,
) -> ChecklistProgress:
    """Progress of a checklist: ids completed that the list does not hold are ignored; an open
    item is overdue when ``today`` is after ``deadline`` (the deadline day itself still counts)."""
    ids = [item if isinstance(item, str) else item.id for item in items]
    ids = list(dict.fromkeys(ids))
    completed = set(completed_ids)
    still_open = tuple(i for i in ids if i not in completed)
    late = deadline is not None and today > deadline
    return ChecklistProgress(
        done=len(ids) - len(still_open),
        total=len(ids),
        open=still_open,
        overdue=still_open if late else (),
    )


# -- KPI early warning (B-5) ----------------------------------------------------------------

_APPLIED = {"applied": "申请", "granted": "授权"}
_DRAFTED = {"drafted": "研制", "approved": "批准"}
_DEAL = {"count": "项", "amount": "金额（万元）"}

#: indicator path → Chinese name, as the table 七 of the 建议书 (seed 001 附件1) names it.
KPI_LABELS: dict[str, str] = {
    "funding.lead_unit": "实际投入经费 · 牵头单位投入（万元）",
    "funding.other_members": "实际投入经费 · 其他成员单位投入（万元）",
    "funding.government": "实际投入经费 · 政府资助（万元）",
    "personnel.researchers": "实际投入人员 · 科研人员（人）",
    "personnel.engineers": "实际投入人员 · 工程技术人员（人）",
    "personnel.managers": "实际投入人员 · 管理人员（人）",
    "core_breakthroughs": "取得核心技术突破（项）",
    **{
        f"ip.{key}.{part}": f"形成自主知识产权 · {name} · {word}（项）"
        for key, name, words in (
            ("invention_patents", "发明专利", _APPLIED),
            ("utility_patents", "实用新型专利", _APPLIED),
            ("design_patents", "外观设计专利", _APPLIED),
            ("plant_varieties", "植物新品种", _APPLIED),
            ("new_drug_certificates", "新药证书", {"applied": "申请", "granted": "获批"}),
            ("software_copyrights", "软件著作权", {"applied": "产生", "granted": "登记"}),
            ("ic_layouts", "集成电路布图设计专有权", {"applied": "投入利用", "granted": "登记"}),
        )
        for part, word in words.items()
    },
    **{
        f"standards.{key}.{part}": f"形成技术标准 · {name} · {word}（项）"
        for key, name in (
            ("international", "国际标准"),
            ("national", "国家标准"),
            ("industry", "行业标准"),
            ("alliance", "联盟内部标准或规范"),
        )
        for part, word in _DRAFTED.items()
    },
    **{
        f"projects.{key}.{part}": f"合作创新项目 · {name} · {'项目数（项）' if part == 'count' else '项目经费（万元）'}"
        for key, name in (("national", "国家级"), ("provincial", "省部级"))
        for part in _DEAL
    },
    "talent.high_level": "人才引进及培养 · 高层次（人）",
    "talent.phd": "人才引进及培养 · 博士（人）",
    "talent.master": "人才引进及培养 · 硕士（人）",
    "talent.other": "人才引进及培养 · 其他（人）",
    **{
        f"tech_transfer.{key}.{part}": f"科技成果转移转化 · {name} · {'合同数（项）' if part == 'count' else '成交额（万元）'}"
        for key, name in (
            ("development", "技术开发"),
            ("transfer", "技术转让"),
            ("consulting", "技术咨询"),
            ("service", "技术服务"),
        )
        for part in _DEAL
    },
    "awards.national": "项目获奖 · 国家级（项）",
    "awards.provincial": "项目获奖 · 省部级（项）",
    "platforms.national": "研发平台建设 · 国家级（个）",
    "platforms.provincial": "研发平台建设 · 省部级（个）",
}


def flatten_kpis(rows: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{"funding": {"lead_unit": 1}}`` → ``{"funding.lead_unit": 1}``; flat keys stay as they
    are. Anything that is not a mapping gives ``{}``; cells are returned untouched."""
    flat: dict[str, Any] = {}
    if not isinstance(rows, Mapping):
        return flat

    def walk(node: Mapping[Any, Any], prefix: str) -> None:
        for key, value in node.items():
            path = f"{prefix}{key}"
            if isinstance(value, Mapping):
                walk(value, f"{path}.")
            else:
                flat[path] = value

    walk(rows, "")
    return flat


def _number(cell: Any) -> float | None:
    """A finite number from a cell (numbers and numeric text such as "12" or "1,200"), else None."""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int | float):
        value = float(cell)
    elif isinstance(cell, str):
        text = cell.strip().replace(",", "").replace("，", "")
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _elapsed_share(period_start: date, period_end: date, as_of: date) -> float:
    if as_of <= period_start:
        return 0.0
    if as_of >= period_end:
        return 1.0
    return (as_of - period_start).days / (period_end - period_start).days


@dataclass(frozen=True)
class KpiWarning:
    """One indicator behind its plan. ``actual`` is None when the cell cannot be read as a
    number (``kind="unreadable"``: a person must look); a blank cell counts as 0."""

    indicator: str
    label: str
    kind: str  # "lagging" | "unreadable"
    planned: float
    due: float
    actual: float | None
    share_elapsed: float
    threshold: float
    message: str
    citation: Citation | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "label": self.label,
            "kind": self.kind,
            "planned": self.planned,
            "due": self.due,
            "actual": self.actual,
            "share_elapsed": self.share_elapsed,
            "threshold": self.threshold,
            "message": self.message,
            "citation": (
                {"seed": self.citation.seed, "article": self.citation.article}
                if self.citation
                else None
            ),
        }


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def kpi_warnings(
    expected_rows: Mapping[str, Any] | None,
    actual_rows: Mapping[str, Any] | None,
    period_start: date,
    period_end: date,
    as_of: date,
    threshold: float | None = None,
    *,
    citation: Citation | None = None,
) -> list[KpiWarning]:
    """Indicators whose actual value lags the plan, in the order of the expected table.

    For each indicator with a positive numeric plan: ``due = plan × share of the period
    elapsed on as_of`` (0 at or before the start, 1 at or after the end); it lags when
    ``actual < threshold × due``. A blank or missing actual cell counts as 0 (the form says
    "没有的项目可留空"); an actual cell that is not a number is reported as ``unreadable`` once
    something is due. Plans that are missing, zero, negative or not numbers never warn.
    ``threshold`` outside (0, 1] (or None) means :data:`DEFAULT_LAG_THRESHOLD`. Never raises on
    odd cells.
    """
    limit = threshold if threshold is not None and 0 < threshold <= 1 else DEFAULT_LAG_THRESHOLD
    share = _elapsed_share(period_start, period_end, as_of)
    actual = flatten_kpis(actual_rows)
    warnings: list[KpiWarning] = []
    for indicator, cell in flatten_kpis(expected_rows).items():
        planned = _number(cell)
        if planned is None or planned <= 0:
            continue
        due = planned * share
        if due <= 0:
            continue
        label = KPI_LABELS.get(indicator, indicator)
        raw = actual.get(indicator)
        common = {
            "indicator": indicator,
            "label": label,
            "planned": planned,
            "due": due,
            "share_elapsed": share,
            "threshold": limit,
            "citation": citation,
        }
        if _blank(raw):
            value: float | None = 0.0
        else:
            value = _number(raw)
        if value is None:
            warnings.append(
                KpiWarning(
                    kind="unreadable",
                    actual=None,
                    message=f"{label}：实际值“{raw}”不是数字，无法与计划值 {_fmt(planned)} 对照，请核实",
                    **common,
                )
            )
        elif value < limit * due:
            warnings.append(
                KpiWarning(
                    kind="lagging",
                    actual=value,
                    message=(
                        f"{label}：实际 {_fmt(value)}，低于按时间进度应完成的 {_fmt(due)}"
                        f"（计划 {_fmt(planned)} × 进度 {share:.0%}）的 {limit:.0%}"
                    ),
                    **common,
                )
            )
    return warnings


def _kpi_period(profile: Profile, period_start: date) -> date:
    config = profile.kpi_warning
    years = config.period_years.value if config and config.period_years else 1
    return add_months(period_start, 12 * years)


def profile_kpi_warnings(
    profile: Profile,
    expected_rows: Mapping[str, Any] | None,
    actual_rows: Mapping[str, Any] | None,
    period_start: date,
    as_of: date,
    period_end: date | None = None,
) -> list[KpiWarning]:
    """:func:`kpi_warnings` with the profile's threshold, period and citation. A profile without
    ``[kpi_warning]`` gives no warnings. Without ``period_end`` the period is ``period_years``
    (absent: one year) from ``period_start``."""
    config = profile.kpi_warning
    if config is None:
        return []
    end = period_end or _kpi_period(profile, period_start)
    return kpi_warnings(
        expected_rows,
        actual_rows,
        period_start,
        end,
        as_of,
        config.lag_threshold(),
        citation=config.citation,
    )


# -- membership changes (M-31) --------------------------------------------------------------

#: the eligibility rules that judge the member roster (catalogue order)
ROSTER_RULES: tuple[str, ...] = (
    "lead.is_member",
    "members.identity_valid",
    "members.min_count",
    "members.composition",
    "members.mostly_local",
    "members.chain_coverage",
    "members.cross_region",
    "platforms.min_provincial",
)


def _member(row: Member | Mapping[str, Any]) -> Member:
    return row if isinstance(row, Member) else Member.model_validate(dict(row))


def _roster_proposal(
    profile: Profile, roster: Sequence[Member], proposal: Proposal | None
) -> Proposal:
    if proposal is not None:
        return proposal.model_copy(update={"members": list(roster)})
    lead = next((m for m in roster if m.role == "lead"), None)
    lead_unit = (
        LeadUnit.model_construct(name=lead.name, uscc=lead.uscc, org_code=lead.org_code)
        if lead
        else LeadUnit.model_construct(name="（牵头单位）")
    )
    return Proposal.model_construct(
        format_version=1,
        profile=profile.id,
        name="（联盟）",
        domain="industry",
        lead_unit=lead_unit,
        members=list(roster),
    )


def membership_findings(
    profile: Profile,
    roster: Iterable[Member | Mapping[str, Any]],
    *,
    proposal: Proposal | None = None,
) -> list[Finding]:
    """Every roster rule the profile applies, judged on ``roster`` (the alliance's members after
    the change; the lead unit has ``role = "lead"``). ``proposal`` is the decided proposal when
    the caller has it (its lead unit is then compared); its members are replaced by ``roster``.
    Rows may be :class:`Member` or dicts of the interchange format (``ValidationError`` if not).
    """
    members = [_member(row) for row in roster]
    subject = _roster_proposal(profile, members, proposal)
    return list(check(subject, profile, only=ROSTER_RULES).findings)


def membership_still_eligible(
    profile: Profile,
    roster: Iterable[Member | Mapping[str, Any]],
    *,
    proposal: Proposal | None = None,
) -> list[Finding]:
    """The roster rules the changed roster fails (any severity), each with its citation — empty
    when the alliance still meets them. Use ``finding.blocks`` for required/principle ones."""
    return [
        finding
        for finding in membership_findings(profile, roster, proposal=proposal)
        if finding.status == "fail"
    ]


# -- due dates (M-36) -----------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DueDate:
    """A date the profile fixes: ``kind`` is ``construction_end``, ``report`` (``report`` names
    the report kind) or ``agreement_renewal``; ``covers`` the year a report is about."""

    kind: str
    label: str
    due: date
    citation: Citation
    report: str | None = None
    covers: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "due": self.due.isoformat(),
            "report": self.report,
            "covers": self.covers,
            "citation": {"seed": self.citation.seed, "article": self.citation.article},
        }


def due_dates(profile: Profile, alliance_start: date, year: int) -> list[DueDate]:
    """The due dates the profile fixes that fall in calendar ``year``, by date.

    - ``construction_end``: ``alliance_start`` (批准筹建) + ``construction_period_months``;
    - each annual report with a ``due`` rule, for every year from ``alliance_start``'s on;
    - ``agreement_renewal`` for reports of frequency ``agreement_term``: the latest day the
      agreement must be re-signed, every ``max_years`` after ``alliance_start`` (a caller that
      knows the agreement's own term computes from it instead).

    Reports without a due rule have no date here: the department sets it (the seeds fix none).
    """
    found: list[DueDate] = []
    deadlines = profile.deadlines
    if deadlines.construction_period_months is not None:
        end = add_months(alliance_start, deadlines.construction_period_months.value)
        if end.year == year:
            found.append(
                DueDate(
                    "construction_end",
                    "筹建期满",
                    end,
                    deadlines.construction_period_months.citation,
                )
            )
    for report in profile.reporting.reports if profile.reporting else ():
        if report.frequency == "annual" and report.due is not None:
            rule = report.due.value
            covers = year - 1 if rule.following_year else year
            if covers < alliance_start.year:
                continue
            day = min(rule.day, calendar.monthrange(year, rule.month)[1])
            due = date(year, rule.month, day)
            if due <= alliance_start:
                continue
            found.append(
                DueDate("report", report.label, due, report.due.citation, report.id, covers)
            )
        elif report.frequency == "agreement_term" and deadlines.agreement_term_years:
            step = deadlines.agreement_term_years.value.max_years
            years = year - alliance_start.year
            if years > 0 and years % step == 0:
                found.append(
                    DueDate(
                        "agreement_renewal",
                        report.label,
                        add_months(alliance_start, 12 * years),
                        deadlines.agreement_term_years.citation,
                        report.id,
                    )
                )
    return sorted(found, key=lambda d: (d.due, d.kind, d.report or ""))
