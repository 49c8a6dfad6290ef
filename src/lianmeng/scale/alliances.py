"""Alliances at scale: the four profiles' alliances in every state of their tables, with the
history rows the engine would have written, construction deadlines, a workspace with its
member rows per alliance and years of reports (tests/bench/alliance_bench.py uses the same
generator with its own names)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

#: (profile, share of the alliances, [(state, share, history of transitions)])
PROFILES: list[tuple[str, float, list[tuple[str, float, list[str]]]]] = [
    (
        "henan",
        0.5,
        [
            ("building", 0.2, ["approve_to_build"]),
            ("building", 0.05, ["approve_to_build", "apply_acceptance", "acceptance_fail"]),
            ("awaiting_acceptance", 0.1, ["approve_to_build", "apply_acceptance"]),
            ("recognised", 0.55, ["approve_to_build", "apply_acceptance", "acceptance_pass"]),
            ("revoked", 0.05, ["approve_to_build", "revoke"]),
            (
                "dissolved",
                0.05,
                ["approve_to_build", "apply_acceptance", "acceptance_pass", "dissolve"],
            ),
        ],
    ),
    (
        "luoyang",
        0.15,
        [("recognised", 0.9, ["recognise"]), ("dissolved", 0.1, ["recognise", "dissolve"])],
    ),
    (
        "baoding",
        0.2,
        [
            ("filed", 0.85, ["file"]),
            ("revoked", 0.05, ["file", "revoke"]),
            ("dissolved", 0.1, ["file", "dissolve"]),
        ],
    ),
    ("heilongjiang", 0.15, [("pilot", 0.9, ["pilot"]), ("dissolved", 0.1, ["pilot", "dissolve"])]),
]
PROFILE_SHARES = {profile: share for profile, share, _states in PROFILES}
START_LABELS = {
    "approve_to_build": "批准筹建",
    "recognise": "认定",
    "file": "备案",
    "pilot": "确定为试点",
}


class BenchNames:
    """Names that say what they are (基准12产业技术创新战略联盟, 基准成员单位…), for the
    benchmarks, whose pages are checked for them."""

    office = "基准"

    def lead_unit(self, rnd: random.Random, serial: int, county: Any) -> tuple[str, str]:
        kind = rnd.choice(["enterprise", "enterprise", "university", "research_institute"])
        return f"基准牵头单位{serial}", kind

    def reference(self, profile_id: str) -> str:
        return self.office

    def alliance(
        self, rnd: random.Random, number: int, profile_id: str, lead: Any = None
    ) -> dict[str, str]:
        return {
            "name": f"基准{number}产业技术创新战略联盟",
            "domain": rnd.choice(["industry", "agriculture", "social_development"]),
            "industry": "装备制造",
        }

    def member(self, serial: int) -> str:
        return f"基准成员单位{serial}"

    def office_address(self, alliance: Any) -> str:
        return "河南省郑州市金水区"


def _target(profile_id: str, transition: str) -> str:
    from lianmeng.policy.loader import get_profile

    table = get_profile(profile_id).alliance_lifecycle
    start = table.start_state(transition)
    if start is not None:
        return start
    return table.transition(transition).to


def _plan(n_alliances: int, rnd: random.Random) -> tuple[list, dict, dict]:
    from lianmeng.policy.loader import get_profile

    labels: dict[str, str] = dict(START_LABELS)
    kinds: dict[str, str] = {}
    plan: list[tuple[str, str, list[str]]] = []  # (profile, state, history) per alliance
    for profile_id, share, states in PROFILES:
        table = get_profile(profile_id).alliance_lifecycle
        for step in table.transitions if table is not None else ():
            labels[step.id], kinds[step.id] = step.label, step.kind
        count = round(n_alliances * share)
        for state, state_share, history in states:
            plan += [(profile_id, state, history)] * max(1, round(count * state_share))
    rnd.shuffle(plan)
    plan = plan[:n_alliances]
    while len(plan) < n_alliances:
        plan.append(plan[len(plan) % max(1, len(plan))])
    return plan, labels, kinds


def generate_alliances(
    n_alliances: int,
    members_per_alliance: int,
    report_years: int = 0,
    seed: int = 13,
    batch: int = 2000,
    first: int = 0,
    names: Any = None,
    lead_units: dict[str, list[Any]] | None = None,
    member_units: Callable[[random.Random, str, int], list[Any]] | None = None,
    out: Any = None,
) -> dict[str, Any]:
    """Fill the database (migrated) with ``n_alliances`` alliances of the four profiles and
    their history, workspaces and members; ``report_years`` years of reports per alliance.

    ``lead_units``: the units that may lead the alliances of each profile (registered in its
    area); without them lead units are created in the area's counties, one per four alliances.
    ``member_units(rnd, profile, k)``: ``k`` distinct units to be members of an alliance of
    the profile (any region); without it member rows name no unit. ``first``: the number of alliances generated before (a
    second call adds more). Runs in the caller's transaction, or in its own."""
    from django.db import transaction

    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction, Unit
    from lianmeng.policy.loader import get_profile
    from lianmeng.running.models import Member, Workspace
    from lianmeng.workflow.models import Deadline, StateChange

    from .bulk import insert
    from .codes import make_uscc

    names = names or BenchNames()
    say = out or (lambda _line: None)
    rnd = random.Random(seed)  # noqa: S311 - generated data, not secrets
    now = clock.now()
    today = now.astimezone(clock.BEIJING).date()
    plan, labels, kinds = _plan(n_alliances, rnd)

    serial = 10_000_000 + first * (members_per_alliance + 1)
    with transaction.atomic():
        jurisdictions = {
            pid: Jurisdiction.objects.get(code=get_profile(pid).jurisdiction.value)
            for pid, _s, _t in PROFILES
        }
        if lead_units is None:
            # lead units: one per four alliances, in the counties of the profile's area
            lead_units = {}
            rows: list[Unit] = []
            for profile_id, share, _states in PROFILES:
                area = jurisdictions[profile_id]
                counties = list(
                    Jurisdiction.objects.filter(
                        kind="county", active=True, path__startswith=area.path
                    )
                )
                units = []
                for i in range(max(2, round(n_alliances * share / 4))):
                    serial += 1
                    county = counties[i % len(counties)]
                    name, kind = names.lead_unit(rnd, serial, county)
                    units.append(
                        Unit(
                            name=name,
                            kind=kind,
                            uscc=make_uscc(county.code, serial),
                            region=county,
                        )
                    )
                lead_units[profile_id] = units
                rows += units
            insert(rows)

        building_count = 0

        def _construction_deadline(building: bool) -> date | None:
            """A third of those in 筹建中 are past their one-year period (the first one too)."""
            nonlocal building_count
            if not building:
                return None
            building_count += 1
            if building_count % 3 == 1:
                return today - timedelta(days=rnd.randrange(1, 200))
            return today + timedelta(days=rnd.randrange(1, 365))

        alliances = []
        for i, (profile_id, state, _history) in enumerate(plan):
            profile = get_profile(profile_id)
            decided = today - timedelta(days=rnd.randrange(30, 6 * 365))
            building = state == "building"
            deadline = _construction_deadline(building)
            if deadline is not None:  # 筹建期一年: decided a year before its deadline
                decided = deadline - timedelta(days=365)
            lead = rnd.choice(lead_units[profile_id])
            named = names.alliance(rnd, first + i + 1, profile_id, lead)
            alliances.append(
                Alliance(
                    proposal=None,
                    source=Alliance.Source.LEGACY,
                    reference=f"{names.reference(profile_id)}〔{decided.year}〕{first + i + 1}号",
                    profile=profile_id,
                    level=profile.level.value,
                    jurisdiction=jurisdictions[profile_id],
                    member_count=members_per_alliance,
                    status=state,
                    category=rnd.choice([1, 2, 3]) if profile_id == "baoding" else None,
                    decided_on=decided,
                    construction_deadline=deadline,
                    authority=profile.authority.value
                    if profile.authority
                    else profile.issuer.value,
                    # one in twenty has an indicator behind plan (B-5), the first one too
                    kpi_warning_count=1 if i % 20 == 0 else 0,
                    lead_unit=lead,
                    **named,
                )
            )
        insert(alliances)
        say(f"  联盟 {len(alliances):,} 个")

        changes: list[StateChange] = []
        for alliance, (_p, _state, history) in zip(alliances, plan, strict=True):
            at = datetime.combine(alliance.decided_on, time(10), tzinfo=clock.BEIJING)
            # the steps after the decision fall between it and today
            room = max(2, (now - at).days // max(1, len(history)))
            before = ""
            for step in history:
                after = _target(alliance.profile, step)
                changes.append(
                    StateChange(
                        subject_kind="alliance",
                        subject_id=alliance.pk,
                        from_state=before,
                        to_state=after,
                        transition=step,
                        kind=kinds.get(step, step),
                        label=labels.get(step, step),
                        actor_office=alliance.authority or names.office,
                        actor_jurisdiction=alliance.jurisdiction,
                        at=min(at, now),
                        data={},
                    )
                )
                before, at = after, at + timedelta(days=rnd.randrange(1, min(room, 200)))
        insert(changes)
        last_change = {c.subject_id: c for c in changes}
        deadlines = []
        for alliance in alliances:
            if alliance.status == "building" and alliance.construction_deadline:
                change = last_change[alliance.pk]
                deadlines.append(
                    Deadline(
                        subject_kind="alliance",
                        subject_id=alliance.pk,
                        kind="construction_period",
                        starts_at=change.at,
                        due_at=datetime.combine(
                            alliance.construction_deadline, time(23, 59, 59), tzinfo=clock.BEIJING
                        ),
                        state_change=change,
                    )
                )
        insert(deadlines)

        workspaces = [
            Workspace(
                alliance=a,
                office_address=names.office_address(a),
                agreement_signed_on=a.decided_on,
                agreement_term_years=5,
                created_at=now,
                updated_at=now,
            )
            for a in alliances
        ]
        insert(workspaces)
        members: list[Member] = []
        rosters: dict[int, list[Any]] = {}
        member_total = 0
        for alliance, workspace in zip(alliances, workspaces, strict=True):
            lead_unit = alliance.lead_unit
            region = lead_unit.region.code
            pool = member_units is not None
            others = (
                member_units(rnd, alliance.profile, members_per_alliance - 1)
                if member_units is not None
                else [None] * (members_per_alliance - 1)
            )
            rosters[alliance.pk] = [lead_unit, *others]
            for j, unit in enumerate([lead_unit, *others]):
                lead = j == 0
                left = not lead and j % 17 == 0
                if unit is None:
                    serial += 1
                    name, uscc = names.member(serial), make_uscc(region, serial)
                    kind, code = ("enterprise" if j % 4 else "university"), region
                else:
                    name, uscc, kind, code = unit.name, unit.uscc, unit.kind, unit.region.code
                members.append(
                    Member(
                        workspace=workspace,
                        unit=unit,
                        name=name,
                        uscc=uscc,
                        kind=kind,
                        role=Member.Role.LEAD if lead else Member.Role.MEMBER,
                        joined_on=alliance.decided_on,
                        left_on=(alliance.decided_on + timedelta(days=400)) if left else None,
                        left_reason=(
                            ("自愿退出" if pool else f"{names.office}退出") if left else ""
                        ),
                        details={"region_code": code},
                    )
                )
            if len(members) >= batch * 5:
                insert(members)
                member_total += len(members)
                members = []
        insert(members)
        member_total += len(members)
        say(f"  联盟成员 {member_total:,} 条，联盟状态变更记录 {len(changes):,} 条")

        reports = 0
        report_stats: dict[str, int] = {}
        if report_years:
            reports = generate_reports(
                alliances, report_years, rnd, batch, names.office, stats=report_stats
            )
            say(f"  {report_years} 年的报告 {reports:,} 份")
    return {
        "alliances": len(alliances),
        "members": member_total,
        "state_changes": len(changes),
        "reports": reports,
        "report_state_changes": report_stats.get("report_state_changes", 0),
        "objects": alliances,
        "rosters": rosters,
    }


def generate_reports(
    alliances: list[Any],
    years: int,
    rnd: random.Random,
    batch: int = 2000,
    office: str = "基准",
    stats: dict[str, int] | None = None,
) -> int:
    """``years`` years of reports per alliance (issue 13 item 5): every annual report kind of
    its profile per year and one major-event report a year (an agreement renewal for
    Heilongjiang), each with the history rows the engine writes (创建 → 提交 → 接收 or 退回).
    Earlier years are mostly accepted; this year's are waiting, returned or still drafts.
    One self-evaluation in ten carries a KPI warning (B-5)."""
    from lianmeng.core import clock
    from lianmeng.policy.loader import get_profile
    from lianmeng.reporting.models import Report
    from lianmeng.workflow.models import StateChange

    from .bulk import insert

    now = clock.now()
    this_year = now.astimezone(clock.BEIJING).year
    kinds: dict[str, list[tuple[str, str]]] = {}
    for profile_id, _share, _states in PROFILES:
        reporting = get_profile(profile_id).reporting
        kinds[profile_id] = [
            (k.id, k.frequency) for k in (reporting.reports if reporting is not None else ())
        ]
    labels = {"create": "创建报告", "submit": "提交", "accept": "接收", "return": "退回修改"}
    total = 0
    reports: list[Report] = []
    paths: list[list[str]] = []
    evaluations: dict[str, int] = {}

    def flush() -> None:
        nonlocal total, reports, paths
        insert(reports)
        changes = []
        for report, path in zip(reports, paths, strict=True):
            at = report.created_at
            before = ""
            for step, after in zip(["create", "submit", "decide"], path, strict=False):
                name = step if step != "decide" else ("accept" if after == "accepted" else "return")
                changes.append(
                    StateChange(
                        subject_kind="report",
                        subject_id=report.pk,
                        from_state=before,
                        to_state=after,
                        transition=name,
                        kind=name,
                        label=labels[name],
                        actor_office=(report.alliance.authority or office)
                        if name in {"accept", "return"}
                        else report.lead_unit.name,
                        at=at,
                        data={},
                    )
                )
                before, at = after, at + timedelta(days=10)
        insert(changes)
        if stats is not None:
            stats["report_state_changes"] = stats.get("report_state_changes", 0) + len(changes)
        total += len(reports)
        reports, paths = [], []

    for alliance in alliances:
        for year in range(this_year - years + 1, this_year + 1):
            current = year == this_year
            for kind, frequency in kinds[alliance.profile]:
                if frequency == "agreement_term" and year != this_year - 1:
                    continue  # re-signed every few years: one in the five
                roll = rnd.random()
                if current:
                    state = (
                        "draft"
                        if roll < 0.2
                        else "returned"
                        if roll < 0.3
                        else "submitted"
                        if roll < 0.75
                        else "accepted"
                    )
                else:
                    state = "accepted" if roll < 0.95 else "returned"
                path = {
                    "draft": ["draft"],
                    "submitted": ["draft", "submitted"],
                    "accepted": ["draft", "submitted", "accepted"],
                    "returned": ["draft", "submitted", "returned"],
                }[state]
                created = datetime.combine(
                    datetime(year, 1, 1).date() + timedelta(days=rnd.randrange(0, 300)),
                    time(9),
                    tzinfo=clock.BEIJING,
                )
                created = min(created, now - timedelta(days=30))
                # one self-evaluation in ten of each profile has a warning, its first too
                warned = False
                if kind == "self_evaluation":
                    warned = evaluations.get(alliance.profile, 0) % 10 == 0
                    evaluations[alliance.profile] = evaluations.get(alliance.profile, 0) + 1
                reports.append(
                    Report(
                        alliance=alliance,
                        profile=alliance.profile,
                        kind=kind,
                        year=year if frequency == "annual" else None,
                        event_kind="major_project" if frequency == "event" else "",
                        content={"summary": f"{alliance.name}{year}年度工作总结。" * 5},
                        status=state,
                        warnings=[{"indicator": "patents", "plan": 10, "actual": 2}]
                        if warned
                        else [],
                        warning_count=1 if warned else 0,
                        region=alliance.lead_unit.region,
                        lead_unit=alliance.lead_unit,
                        created_at=created,
                        submitted_at=created + timedelta(days=10) if state != "draft" else None,
                    )
                )
                paths.append(path)
        if len(reports) >= batch * 5:
            flush()
    flush()
    return total
