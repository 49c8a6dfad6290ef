"""The department dashboard's figures (M-60), computed into Snapshot kind "dashboard".

:func:`compute` reads everything of one jurisdiction and below once (a few grouped queries, no
query per alliance) and returns plain JSON: per-year breakdowns, so that the page's year filter
sums the years it wants from the snapshot without touching the tables again. Years are JSON
keys (strings). The page (lianmeng.insight.views_dashboard) and the XLSX exports read
:func:`view_of`, which applies the filter and lays out every chart's rows.

Sections:

- ``alliances``: by year of the decision, counts by level, field (所属领域), state and the area
  right below the viewer's; member totals;
- ``targets``: the profile's targets (Henan 000 三: 30 by 2015, 60 by 2020) and, per year, the
  alliances of the profile's level and above decided by the end of the year and not revoked or
  dissolved by then;
- ``pipeline``: filed proposals now in each stage of the profile's lifecycle, and how long a
  stage took (median and mean days between entering and leaving it, from the history);
- ``kpi``: accepted annual reports' KPI tables (actual) against the plans they are judged by
  (lianmeng.reporting.kpi: the decided proposal's 七 or the same year's annual plan), summed by
  group (经费、人员、专利、标准、项目、获奖、平台);
- ``grades``: published evaluation grades by the campaign's year;
- ``rewards``: budgets of the area's departments by year against what was committed and paid,
  and what was paid to the area's alliances;
- ``ip``: patents and standards of the patent pool by year.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q, Sum
from django.utils.translation import gettext, gettext_noop, pgettext

from lianmeng.core.models import Jurisdiction

from . import snapshots
from .selectors import (
    END_KINDS,
    alliance_area_q,
    area_path,
    child_code,
    evaluation_area_q,
    proposal_area_q,
)

KIND = "dashboard"
#: 2: labels the page translates are stored as codes or untranslated names (region names without
#: the "（本级）" suffix, each stage's state label and area apart)
VERSION = 2

LEVEL_LABELS = {
    "national": gettext_noop("国家级"),
    "provincial": gettext_noop("省级"),
    "municipal": gettext_noop("市级"),
}
#: a target counts alliances of the profile's level and above (000 三: 省级以上)
LEVELS_UP = {
    "municipal": ("municipal", "provincial", "national"),
    "provincial": ("provincial", "national"),
    "national": ("national",),
}

#: KPI groups of the dashboard: id → (label, unit, which indicators of KPI_LABELS sum into it)
KPI_GROUPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "investment": (gettext_noop("投入经费"), gettext_noop("万元"), ("funding.",)),
    "staff": (gettext_noop("投入人员"), gettext_noop("人"), ("personnel.",)),
    "patents": (
        gettext_noop("专利申请"),
        gettext_noop("项"),
        (
            "ip.invention_patents.applied",
            "ip.utility_patents.applied",
            "ip.design_patents.applied",
        ),
    ),
    "standards": (gettext_noop("标准研制"), gettext_noop("项"), ("standards.",)),
    "projects": (
        gettext_noop("合作创新项目"),
        gettext_noop("项"),
        ("projects.national.count", "projects.provincial.count"),
    ),
    "awards": (gettext_noop("项目获奖"), gettext_noop("项"), ("awards.",)),
    "platforms": (gettext_noop("研发平台"), gettext_noop("个"), ("platforms.",)),
}


def kpi_group(indicator: str) -> str | None:
    """The dashboard group an indicator of the KPI table sums into (None: not shown)."""
    for gid, (_label, _unit, names) in KPI_GROUPS.items():
        for name in names:
            if name.endswith("."):
                if indicator.startswith(name) and (
                    gid != "standards" or indicator.endswith(".drafted")
                ):
                    return gid
            elif indicator == name:
                return gid
    return None


def _number(cell: Any) -> float:
    from lianmeng.policy.alliance_life import _number as number

    value = number(cell)
    return value or 0.0


def _year_of(moment: date | datetime | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        from lianmeng.core.clock import as_beijing

        moment = as_beijing(moment)
    return str(moment.year)


def _profiles() -> dict[str, Any]:
    from lianmeng.policy.loader import load_profiles

    return load_profiles()


# -- alliances ------------------------------------------------------------------------------------


def _alliances(scope: Jurisdiction) -> tuple[dict[str, Any], list[tuple]]:
    from lianmeng.alliances.models import Alliance

    rows = list(
        Alliance.objects.filter(alliance_area_q(scope))
        .order_by()
        .values_list(
            "pk",
            "level",
            "domain",
            "status",
            "decided_on",
            "member_count",
            "proposal__region__path",
            "lead_unit__region__path",
            "jurisdiction__path",
        )
    )
    by_year: dict[str, dict[str, Any]] = {}
    codes: set[str] = set()
    for _pk, level, domain, status, decided, members, ppath, upath, jpath in rows:
        year = str(decided.year)
        cell = by_year.setdefault(
            year,
            {"count": 0, "members": 0, "level": {}, "domain": {}, "status": {}, "region": {}},
        )
        cell["count"] += 1
        cell["members"] += members or 0
        region = child_code(scope, area_path(ppath, upath, jpath))
        codes.add(region)
        for key, value in (
            ("level", level),
            ("domain", domain or ""),
            ("status", status),
            ("region", region),
        ):
            cell[key][value] = cell[key].get(value, 0) + 1
    names = dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "name"))
    labels = {
        "level": dict(LEVEL_LABELS),
        "domain": {k: str(v) for k, v in Alliance._meta.get_field("domain").choices},
        "status": {k: str(v) for k, v in Alliance.Status.choices},
        # the names only: the page adds "（本级）" to the scope's own in the viewer's language
        "region": {c: names.get(c, c) for c in codes},
    }
    labels["domain"][""] = "未填写"
    return {"by_year": by_year, "labels": labels}, rows


# -- targets --------------------------------------------------------------------------------------


def _targets(scope: Jurisdiction, rows: list[tuple], today: date) -> dict[str, Any] | None:
    """The targets of the profile whose jurisdiction is ``scope`` (None: it sets none)."""
    from lianmeng.workflow.models import StateChange

    profile = next(
        (p for p in _profiles().values() if p.jurisdiction.value == scope.code and p.targets),
        None,
    )
    if profile is None:
        return None
    levels = LEVELS_UP.get(profile.level.value, (profile.level.value,))
    counted = [(pk, decided) for pk, level, _d, _s, decided, *_ in rows if level in levels]
    ends = (
        dict(
            StateChange.objects.filter(
                subject_kind="alliance",
                kind__in=END_KINDS,
                subject_id__in=[pk for pk, _ in counted],
            )
            .order_by()
            .values_list("subject_id")
            .annotate(first=Min("at"))
            .values_list("subject_id", "first")
        )
        if counted
        else {}
    )
    points = [
        {
            "year": t.value.year,
            "alliances": t.value.alliances,
            "citation": profile.cite(t.citation),
        }
        for t in profile.targets
    ]
    years = [d.year for _, d in counted] + [p["year"] for p in points]
    first = min(years) if years else today.year
    last = max([today.year, *[p["year"] for p in points]])
    first = min(first, min(p["year"] for p in points) - 2) if points else first
    actual: dict[str, int] = {}
    for year in range(first, last + 1):
        if year > today.year:
            break
        end = date(year, 12, 31)
        n = 0
        for pk, decided in counted:
            if decided > end:
                continue
            gone = ends.get(pk)
            if gone is not None:
                from lianmeng.core.clock import as_beijing

                if as_beijing(gone).date() <= end:
                    continue
            n += 1
        actual[str(year)] = n
    return {
        "profile": profile.id,
        "profile_name": profile.name.value,
        "levels": list(levels),
        "level_label": (
            f"{LEVEL_LABELS.get(levels[0], levels[0])}以上"
            if len(levels) > 1
            else LEVEL_LABELS.get(levels[0], levels[0])
        ),
        "targets": points,
        "actual": actual,
        "first": first,
        "last": last,
    }


# -- proposals in the pipeline --------------------------------------------------------------------


def _pipeline(scope: Jurisdiction) -> dict[str, Any]:
    """Filed proposals without an alliance yet, by (profile, state) of the profile's lifecycle;
    the days each stage took from the history of the area's proposals."""
    from lianmeng.proposals.models import Proposal
    from lianmeng.workflow.models import StateChange

    profiles = _profiles()
    open_states: dict[str, set[str]] = {}
    order: dict[tuple[str, str], tuple[int, int]] = {}
    for p_index, profile in enumerate(profiles.values()):
        table = profile.lifecycle
        if table is None:
            continue
        open_states[profile.id] = {
            s.id for s in table.states if s.id != table.initial and not s.terminal and not s.public
        }
        for index, state in enumerate(table.states):
            order[(profile.id, state.id)] = (p_index, index)
    area = Proposal.objects.filter(proposal_area_q(scope))
    counts: Counter[tuple[str, str]] = Counter()
    for profile_id, status, n in (
        area.filter(alliance__isnull=True)
        .order_by()
        .values_list("profile", "status")
        .annotate(n=Count("pk"))
    ):
        if status in open_states.get(profile_id, ()):
            counts[(profile_id, status)] += n
    profile_of = dict(area.order_by().values_list("pk", "profile"))
    spans: dict[tuple[str, str], list[float]] = defaultdict(list)
    changes = (
        StateChange.objects.filter(subject_kind="proposal", subject_id__in=area.values("pk"))
        .order_by("subject_id", "at", "id")
        .values_list("subject_id", "from_state", "to_state", "at")
    )
    entered: dict[str, datetime] = {}
    current = None
    for subject, from_state, to_state, at in changes.iterator(chunk_size=5000):
        if subject != current:
            current, entered = subject, {}
        if from_state in entered:
            key = (profile_of.get(subject, ""), from_state)
            spans[key].append((at - entered.pop(from_state)).total_seconds() / 86400)
        entered[to_state] = at
    keys = set(counts) | {k for k in spans if k[1] in open_states.get(k[0], ())}
    several = len({k[0] for k in keys}) > 1
    names = {}
    if several:
        codes = {profiles[pid].jurisdiction.value: pid for pid, _s in keys if pid in profiles}
        names = {
            codes[c]: n
            for c, n in Jurisdiction.objects.filter(code__in=codes).values_list("code", "name")
        }
    stages = []
    for key in sorted(keys, key=lambda k: order.get(k, (99, 99))):
        profile_id, state = key
        table = profiles[profile_id].lifecycle if profile_id in profiles else None
        label = table.state_label(state) if table is not None and table.state(state) else state
        area = names.get(profile_id, profile_id) if several else ""
        if several:
            label = f"{label}（{area}）"
        took = spans.get(key, [])
        stages.append(
            {
                "profile": profile_id,
                "state": state,
                "label": label,
                # translated by the page: the state's label and the area (several profiles)
                "state_label": table.state_label(state)
                if table is not None and table.state(state)
                else state,
                "area": area,
                "count": counts.get(key, 0),
                "median_days": round(statistics.median(took), 1) if took else None,
                "mean_days": round(statistics.fmean(took), 1) if took else None,
                "samples": len(took),
            }
        )
    return {"stages": stages}


# -- KPI totals from accepted annual reports against the plans ------------------------------------


def _kpi(scope: Jurisdiction) -> dict[str, Any]:
    from lianmeng.alliances.models import Alliance
    from lianmeng.policy.alliance_life import flatten_kpis
    from lianmeng.reporting.kpi import SUBMITTED_STATES, judged
    from lianmeng.reporting.models import Report

    profiles = _profiles()
    judged_kinds: dict[str, list[str]] = {}
    for profile in profiles.values():
        if profile.reporting is None:
            continue
        kinds = [
            r.id for r in profile.reporting.reports if r.table_fields() and judged(profile, r.id)
        ]
        if kinds:
            judged_kinds[profile.id] = kinds
    by_year: dict[str, dict[str, list[float]]] = {}
    reports_per_year: Counter[str] = Counter()
    if not judged_kinds:
        return {"by_year": {}, "reports": {}}
    alliances = Alliance.objects.filter(alliance_area_q(scope)).values("pk")
    kind_q = Q(pk__in=[])
    for pid, kinds in judged_kinds.items():
        kind_q |= Q(profile=pid, kind__in=kinds)
    reports = list(
        Report.objects.filter(
            kind_q, alliance_id__in=alliances, status="accepted", year__isnull=False
        )
        .order_by()
        .values_list("pk", "alliance_id", "profile", "kind", "year", "content")
    )
    # the plans: the same year's annual plan, or the decided proposal's 七 (in bulk)
    plan_rows: dict[tuple[int, int], dict[str, Any]] = {}
    plan_kinds = {
        pid: profiles[pid].kpi_warning.plan_report
        for pid in judged_kinds
        if profiles[pid].kpi_warning and profiles[pid].kpi_warning.expected.value == "annual_plan"
    }
    if plan_kinds and reports:
        pq = Q(pk__in=[])
        for pid, plan_kind in plan_kinds.items():
            pq |= Q(profile=pid, kind=plan_kind)
        for alliance_id, profile_id, year, content in (
            Report.objects.filter(
                pq,
                alliance_id__in={r[1] for r in reports},
                status__in=SUBMITTED_STATES,
                year__in={r[4] for r in reports},
            )
            .order_by("id")
            .values_list("alliance_id", "profile", "year", "content")
        ):
            kind = profiles[profile_id].reporting.report(plan_kinds[profile_id])
            fields = kind.table_fields() if kind else []
            if fields:
                plan_rows[(alliance_id, year)] = flatten_kpis((content or {}).get(fields[0].id))
    proposal_rows: dict[int, dict[str, Any]] = {}
    needs_proposal = {r[1] for r in reports if r[2] not in plan_kinds}
    if needs_proposal:
        for pk, expected in Alliance.objects.filter(
            pk__in=needs_proposal, proposal__isnull=False
        ).values_list("pk", "proposal__document__expected_kpis"):
            proposal_rows[pk] = flatten_kpis(expected if isinstance(expected, dict) else None)
    for _pk, alliance_id, profile_id, kind_id, year, content in reports:
        kind = profiles[profile_id].reporting.report(kind_id) if profile_id in profiles else None
        fields = kind.table_fields() if kind else []
        if not fields:
            continue
        actual = flatten_kpis((content or {}).get(fields[0].id))
        if profile_id in plan_kinds:
            plan = plan_rows.get((alliance_id, year), {})
        else:
            plan = proposal_rows.get(alliance_id, {})
        key = str(year)
        reports_per_year[key] += 1
        cell = by_year.setdefault(key, {g: [0.0, 0.0] for g in KPI_GROUPS})
        for indicator, value in plan.items():
            group = kpi_group(indicator)
            if group:
                cell[group][0] += _number(value)
        for indicator, value in actual.items():
            group = kpi_group(indicator)
            if group:
                cell[group][1] += _number(value)
    return {"by_year": by_year, "reports": dict(reports_per_year)}


# -- evaluation grades ----------------------------------------------------------------------------


def _grades(scope: Jurisdiction) -> dict[str, Any]:
    from lianmeng.evaluation.models import Campaign, Evaluation

    labels: dict[str, str] = {}
    order: dict[str, int] = {}
    for profile in _profiles().values():
        if profile.evaluation is None:
            continue
        for index, grade in enumerate(profile.evaluation.grades):
            labels.setdefault(grade.id, grade.label)
            order.setdefault(grade.id, index)
    by_year: dict[str, dict[str, int]] = {}
    for year, grade, n in (
        Evaluation.objects.filter(
            evaluation_area_q(scope), campaign__stage=Campaign.Stage.PUBLISHED
        )
        .exclude(grade="")
        .order_by()
        .values_list("campaign__year", "grade")
        .annotate(n=Count("pk"))
    ):
        by_year.setdefault(str(year), {})[grade] = n
    seen = {g for cell in by_year.values() for g in cell}
    return {
        "by_year": by_year,
        "order": sorted(seen, key=lambda g: (order.get(g, 99), g)),
        "labels": {g: labels.get(g, g) for g in seen},
    }


# -- rewards --------------------------------------------------------------------------------------


def _rewards(scope: Jurisdiction) -> dict[str, Any]:
    from lianmeng.alliances.models import Alliance
    from lianmeng.rewards.models import Budget, Instalment, Payment

    budgets = Budget.objects.filter(jurisdiction__path__startswith=scope.path)
    if scope.is_zone:
        budgets = Budget.objects.filter(jurisdiction=scope)
    by_year: dict[str, dict[str, float]] = {}

    def add(year: Any, key: str, amount: Decimal | None) -> None:
        cell = by_year.setdefault(
            str(year), {"budget": 0.0, "committed": 0.0, "paid": 0.0, "paid_area": 0.0}
        )
        cell[key] += float(amount or 0)

    for year, amount in (
        budgets.order_by().values_list("year").annotate(s=Sum("amount")).values_list("year", "s")
    ):
        add(year, "budget", amount)
    for year, amount in (
        Instalment.objects.filter(budget__in=budgets.values("pk"))
        .order_by()
        .values_list("budget__year")
        .annotate(s=Sum("amount"))
        .values_list("budget__year", "s")
    ):
        add(year, "committed", amount)
    for year, amount in (
        Payment.objects.filter(budget__in=budgets.values("pk"))
        .order_by()
        .values_list("budget__year")
        .annotate(s=Sum("amount"))
        .values_list("budget__year", "s")
    ):
        add(year, "paid", amount)
    paid_area: dict[int, Decimal] = defaultdict(Decimal)
    for paid_on, amount in (
        Payment.objects.filter(
            alliance__in=Alliance.objects.filter(alliance_area_q(scope)).values("pk")
        )
        .order_by()
        .values_list("paid_on", "amount")
    ):
        paid_area[paid_on.year] += amount or Decimal(0)
    for year, amount in paid_area.items():
        add(year, "paid_area", amount)
    return {"by_year": {y: {k: round(v, 2) for k, v in c.items()} for y, c in by_year.items()}}


# -- the patent pool and standards base -----------------------------------------------------------


def _ip(scope: Jurisdiction) -> dict[str, Any]:
    from lianmeng.ipbase.models import Patent, Standard

    by_year: dict[str, dict[str, int]] = {}
    for model, key in ((Patent, "patents"), (Standard, "standards")):
        qs = model.objects.filter(region__path__startswith=scope.path)
        if scope.is_zone:
            qs = model.objects.filter(region=scope)
        for year, n in (
            qs.order_by().values_list("year").annotate(n=Count("pk")).values_list("year", "n")
        ):
            by_year.setdefault(str(year), {"patents": 0, "standards": 0})[key] = n
    return {"by_year": by_year}


# -- the snapshot ---------------------------------------------------------------------------------


def compute(scope: Jurisdiction) -> dict[str, Any]:
    """Every figure of the dashboard of ``scope`` (its area and below), as plain JSON."""
    from lianmeng.core import clock

    today = clock.now().astimezone(clock.BEIJING).date()
    alliances, rows = _alliances(scope)
    data = {
        "version": VERSION,
        "scope": {"code": scope.code, "name": scope.name},
        "today": today.isoformat(),
        "alliances": alliances,
        "targets": _targets(scope, rows, today),
        "pipeline": _pipeline(scope),
        "kpi": _kpi(scope),
        "grades": _grades(scope),
        "rewards": _rewards(scope),
        "ip": _ip(scope),
    }
    years: set[int] = set()
    for section in ("alliances", "kpi", "grades", "rewards", "ip"):
        years |= {int(y) for y in data[section]["by_year"]}
    data["years"] = sorted(years)
    return data


snapshots.register(KIND, compute)


# -- the page's charts from a snapshot ------------------------------------------------------------


def _sum_years(by_year: dict[str, Any], years: list[str]) -> dict[str, Any]:
    return {y: by_year[y] for y in years if y in by_year}


#: the drill-down value of "no field given" (未填写): an empty parameter would mean "any"
BLANK = "none"


def _link(name: str, **params: Any) -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def level_label(code: str) -> str:
    """The name of an alliance level in the active language (国家级 …)."""
    return gettext(LEVEL_LABELS[code]) if code in LEVEL_LABELS else code


def _labels(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The names of the alliance breakdowns' keys in the active language: levels, fields and
    states from their codes; areas from the stored names."""
    from lianmeng.alliances.models import Alliance

    stored = data["alliances"]["labels"]
    scope = data.get("scope", {}).get("code")
    domain = {k: str(v) for k, v in Alliance._meta.get_field("domain").choices}
    domain[""] = gettext("未填写")
    return {
        "level": {k: level_label(k) for k in LEVEL_LABELS},
        "domain": domain,
        "status": {k: str(v) for k, v in Alliance.Status.choices},
        "region": {
            c: (gettext("%(name)s（本级）") % {"name": name} if c == scope else name)
            for c, name in stored.get("region", {}).items()
        },
    }


def _stage_name(stage: dict[str, Any]) -> str:
    label = gettext(stage.get("state_label") or stage["label"])
    if stage.get("area"):
        return gettext("%(stage)s（%(area)s）") % {"stage": label, "area": stage["area"]}
    return label


def charts_of(data: dict[str, Any], year_from: int | None, year_to: int | None) -> list[Any]:
    """The dashboard's charts (lianmeng.insight.charts.Chart) for the years chosen, each row
    with the address of the list behind it; every text in the active language."""
    from .charts import Chart, Row

    all_years = [int(y) for y in data.get("years", [])]
    lo = year_from or (min(all_years) if all_years else None)
    hi = year_to or (max(all_years) if all_years else None)

    def keep(year: str) -> bool:
        y = int(year)
        return (lo is None or y >= lo) and (hi is None or y <= hi)

    span = {"year_from": year_from, "year_to": year_to}
    charts: list[Any] = []
    alliances = data["alliances"]
    cells = [c for y, c in alliances["by_year"].items() if keep(y)]
    labels = _labels(data)
    drill = "insight:alliances"
    n_alliances = [gettext("联盟数")]
    jia = pgettext("unit of alliance counts", "家")
    for key, title, category in (
        ("level", gettext("联盟数量 · 按级别"), gettext("级别")),
        ("domain", gettext("联盟数量 · 按所属领域"), gettext("所属领域")),
        ("region", gettext("联盟数量 · 按地区"), gettext("地区")),
        ("status", gettext("联盟数量 · 按状态"), gettext("状态")),
    ):
        totals: Counter[str] = Counter()
        for cell in cells:
            totals.update(cell[key])
        ordered = (
            sorted(totals, key=lambda k: list(labels[key]).index(k) if k in labels[key] else 99)
            if key != "region"
            else sorted(totals, key=lambda k: (-totals[k], k))
        )
        rows = [
            Row(
                labels[key].get(k, k) or k,
                [totals[k]],
                [_link(drill, **{key: k or (BLANK if key == "domain" else k)}, **span)],
            )
            for k in ordered
        ]
        charts.append(Chart(f"alliances-{key}", title, category, n_alliances, rows, unit=jia))
    year_rows = [
        Row(y, [c["count"]], [_link(drill, year_from=y, year_to=y)])
        for y, c in sorted(alliances["by_year"].items())
        if keep(y)
    ]
    charts.append(
        Chart(
            "alliances-year",
            gettext("联盟数量 · 按决定年度"),
            gettext("年度"),
            n_alliances,
            year_rows,
            unit=jia,
        )
    )
    targets = data.get("targets")
    if targets:
        rows = []
        marks = {p["year"]: p["alliances"] for p in targets["targets"]}
        levels = ",".join(targets["levels"])
        for year in range(targets["first"], targets["last"] + 1):
            actual = targets["actual"].get(str(year))
            rows.append(
                Row(
                    str(year),
                    [actual, marks.get(year)],
                    [
                        _link(drill, alive_in=year, levels=levels) if actual is not None else None,
                        None,
                    ],
                )
            )
        cites = gettext("；").join(
            gettext("%(year)s 年 %(n)s 家（%(citation)s）")
            % {"year": p["year"], "n": p["alliances"], "citation": p["citation"]}
            for p in targets["targets"]
        )
        tl = targets["levels"]
        level = (
            gettext("%(level)s以上") % {"level": level_label(tl[0])}
            if len(tl) > 1
            else level_label(tl[0])
        )
        charts.append(
            Chart(
                "targets",
                gettext("目标进度 · %(level)s联盟总数") % {"level": level},
                gettext("年度"),
                [gettext("实有联盟数"), gettext("目标")],
                rows,
                unit=jia,
                kind="line",
                note=gettext(
                    "%(profile)s的目标：%(targets)s。实有数为当年年底已决定且未撤销、未解散的联盟。"
                )
                % {"profile": gettext(targets["profile_name"]), "targets": cites},
            )
        )
    stages = data["pipeline"]["stages"]
    charts.append(
        Chart(
            "pipeline",
            gettext("在办申报 · 按阶段（当前）"),
            gettext("阶段"),
            [gettext("申报数")],
            [
                Row(
                    _stage_name(s),
                    [s["count"]],
                    [_link("insight:proposals", stage=s["state"], profile=s["profile"])],
                )
                for s in stages
                if s["count"]
            ],
            unit=gettext("项"),
            empty=gettext("本辖区目前没有在办的申报。"),
        )
    )
    charts.append(
        Chart(
            "stage-days",
            gettext("各阶段用时"),
            gettext("阶段"),
            [gettext("中位数"), gettext("平均")],
            [
                Row(_stage_name(s), [s["median_days"], s["mean_days"]])
                for s in stages
                if s["samples"]
            ],
            unit=gettext("天"),
            note=gettext("按申报的办理记录计算：进入该阶段到离开该阶段的天数（所有年度）。"),
            empty=gettext("还没有办理完毕的阶段。"),
        )
    )
    kpi_cells = [c for y, c in data["kpi"]["by_year"].items() if keep(y)]
    kpi_rows = []
    for gid, (label, unit, _names) in KPI_GROUPS.items():
        plan = sum(c[gid][0] for c in kpi_cells)
        actual = sum(c[gid][1] for c in kpi_cells)
        kpi_rows.append(
            Row(
                gettext("%(label)s（%(unit)s）") % {"label": gettext(label), "unit": gettext(unit)},
                [round(plan, 1), round(actual, 1)],
            )
        )
    n_reports = sum(n for y, n in data["kpi"]["reports"].items() if keep(y))
    charts.append(
        Chart(
            "kpi",
            gettext("绩效指标 · 计划与实际"),
            gettext("指标"),
            [gettext("计划"), gettext("实际")],
            kpi_rows if n_reports else [],
            note=gettext(
                "已接受的年度报告 %(n)s 份的绩效指标表合计，"
                "计划值取自同年度工作计划或建议书“七、预期绩效指标”。"
            )
            % {"n": n_reports},
            empty=gettext("所选年度没有已接受的含绩效指标表的年度报告。"),
        )
    )
    grades = data["grades"]
    gyears = sorted(y for y in grades["by_year"] if keep(y))
    charts.append(
        Chart(
            "grades",
            gettext("评价等级分布 · 按年度"),
            gettext("评价年度"),
            [gettext(grades["labels"][g]) for g in grades["order"]],
            [
                Row(
                    y,
                    [grades["by_year"][y].get(g, 0) for g in grades["order"]],
                    [_link(drill, grade=g, grade_year=y) for g in grades["order"]],
                )
                for y in gyears
            ],
            unit=jia,
            stacked=True,
            empty=gettext("所选年度没有已公布的评价结果。"),
        )
    )
    rw = data["rewards"]["by_year"]
    charts.append(
        Chart(
            "rewards",
            gettext("奖补资金 · 预算与拨付"),
            gettext("年度"),
            [gettext("预算"), gettext("已安排"), gettext("已拨付"), gettext("拨付本辖区联盟")],
            [
                Row(y, [rw[y]["budget"], rw[y]["committed"], rw[y]["paid"], rw[y]["paid_area"]])
                for y in sorted(rw)
                if keep(y)
            ],
            unit=gettext("万元"),
            note=gettext(
                "预算、已安排、已拨付：本辖区各级部门的奖补预算（按预算年度）；"
                "拨付本辖区联盟：按拨付日期的年度。"
            ),
            empty=gettext("所选年度没有奖补预算或拨付。"),
        )
    )
    ip = data["ip"]["by_year"]
    charts.append(
        Chart(
            "ip",
            gettext("专利池与标准库 · 按年度"),
            gettext("年度"),
            [gettext("专利"), gettext("标准")],
            [Row(y, [ip[y]["patents"], ip[y]["standards"]]) for y in sorted(ip) if keep(y)],
            unit=gettext("件"),
            empty=gettext("所选年度没有专利或标准。"),
        )
    )
    return charts


def summary_of(data: dict[str, Any], year_from: int | None, year_to: int | None) -> dict[str, int]:
    def keep(year: str) -> bool:
        y = int(year)
        return (year_from is None or y >= year_from) and (year_to is None or y <= year_to)

    cells = [c for y, c in data["alliances"]["by_year"].items() if keep(y)]
    return {
        "alliances": sum(c["count"] for c in cells),
        "members": sum(c["members"] for c in cells),
        "pipeline": sum(s["count"] for s in data["pipeline"]["stages"]),
        "patents": sum(c["patents"] for y, c in data["ip"]["by_year"].items() if keep(y)),
        "standards": sum(c["standards"] for y, c in data["ip"]["by_year"].items() if keep(y)),
    }


CHART_IDS = (
    "alliances-level",
    "alliances-domain",
    "alliances-region",
    "alliances-status",
    "alliances-year",
    "targets",
    "pipeline",
    "stage-days",
    "kpi",
    "grades",
    "rewards",
    "ip",
)

from . import tasks  # noqa: E402,F401  (the queue's task, known to a worker once the apps are ready)


def stage_label(state: str, profile_id: str = "") -> str:
    """The name of a proposal's lifecycle state (in ``profile_id``'s table, else the first
    profile naming it)."""
    profiles = _profiles()
    ordered = [profiles[profile_id]] if profile_id in profiles else []
    for profile in [*ordered, *profiles.values()]:
        table = profile.lifecycle
        if table is not None and table.state(state) is not None:
            return gettext(table.state_label(state))
    return state
