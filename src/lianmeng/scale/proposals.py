"""Proposals at scale: every stage of each profile's workflow, with a roster of 20–60 member
units and the history rows the engine (and the filing side) would have written."""

from __future__ import annotations

import json
import random
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from .names import person

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"

#: per profile: (weight, transitions from the draft); the last state is the proposal's stage
PATHS: dict[str, list[tuple[float, list[str]]]] = {
    "henan": [
        (0.06, []),
        (0.10, ["submit"]),
        (0.05, ["submit", "return_county"]),
        (0.03, ["submit", "return_county", "submit"]),
        (0.03, ["submit", "withdraw"]),
        (0.08, ["submit", "recommend_county"]),
        (0.03, ["submit", "recommend_county", "return_city"]),
        (0.08, ["submit", "recommend_county", "recommend_city"]),
        (0.13, ["submit", "recommend_county", "recommend_city", "accept"]),
        (0.03, ["submit", "recommend_county", "recommend_city", "refuse"]),
        (0.10, ["submit", "recommend_county", "recommend_city", "accept", "start_review"]),
        (
            0.18,
            ["submit", "recommend_county", "recommend_city", "accept", "start_review", "approve"],
        ),
        (
            0.10,
            ["submit", "recommend_county", "recommend_city", "accept", "start_review", "decline"],
        ),
    ],
    "luoyang": [
        (0.06, []),
        (0.10, ["submit"]),
        (0.05, ["submit", "return_county"]),
        (0.03, ["submit", "withdraw"]),
        (0.08, ["submit", "preliminary_review"]),
        (0.08, ["submit", "preliminary_review", "recommend_county"]),
        (0.10, ["submit", "preliminary_review", "recommend_county", "accept"]),
        (0.03, ["submit", "preliminary_review", "recommend_county", "refuse"]),
        (0.10, ["submit", "preliminary_review", "recommend_county", "accept", "start_review"]),
        (
            0.27,
            ["submit", "preliminary_review", "recommend_county", "accept", "start_review"]
            + ["recognise"],
        ),
        (
            0.10,
            ["submit", "preliminary_review", "recommend_county", "accept", "start_review"]
            + ["decline"],
        ),
    ],
    "baoding": [
        (0.08, []),
        (0.12, ["submit"]),
        (0.06, ["submit", "return_county"]),
        (0.04, ["submit", "return_county", "submit"]),
        (0.03, ["submit", "withdraw"]),
        (0.15, ["submit", "recommend_county"]),
        (0.42, ["submit", "recommend_county", "file"]),
        (0.10, ["submit", "recommend_county", "decline"]),
    ],
    "heilongjiang": [
        (0.10, []),
        (0.25, ["submit"]),
        (0.05, ["submit", "withdraw"]),
        (0.40, ["submit", "select_pilot"]),
        (0.20, ["submit", "decline"]),
    ],
}
#: transitions made by the county (区县) and the city (市) on the way up; the rest by the
#: profile's own department, submit and withdraw by the lead unit
COUNTY_STEPS = {"recommend_county", "return_county", "preliminary_review"}
CITY_STEPS = {"recommend_city", "return_city"}
LEAD_STEPS = {"submit", "withdraw"}
#: the stages still moving: this year's call; the others are decided in earlier years
OPEN_STATES = {
    "draft",
    "submitted",
    "returned",
    "county_recommended",
    "preliminary_passed",
    "recommended",
    "accepted",
    "under_review",
}
REASONS = {
    "return": "成员单位信息不完整，请补充后重新提交。",
    "refuse": "不符合受理条件。",
    "decline": "专家评审意见未通过。",
}
CHAIN = ["upstream", "midstream", "downstream", "support"]


def _template(profile: str) -> dict[str, Any]:
    path = EXAMPLES / f"{profile}-valid.json"
    if path.exists():
        doc = json.loads(path.read_text(encoding="utf-8"))
    else:  # pragma: no cover - the examples ship with the source
        doc = {"format_version": 1, "profile": profile}
    doc.pop("members", None)
    doc.pop("submitted_at", None)
    return doc


def generate_proposals(
    count: int,
    rnd: random.Random,
    pool: Any,
    names: Any,
    places: Any,
    batch: int = 1000,
    out: Any = None,
) -> dict[str, Any]:
    """``count`` proposals of the four profiles in every stage, each with 20–60 members."""
    from lianmeng.core import clock
    from lianmeng.policy.loader import get_profile
    from lianmeng.proposals.models import Proposal, RosterEntry
    from lianmeng.proposals.roster_index import roster_rows
    from lianmeng.workflow.models import StateChange

    from .alliances import PROFILE_SHARES
    from .bulk import insert

    now = clock.now()
    this_year = now.astimezone(clock.BEIJING).year
    tables = {p: get_profile(p).lifecycle for p in PATHS}
    areas = {p: places.by_code[get_profile(p).jurisdiction.value] for p in PATHS}
    authorities = {p: (get_profile(p).authority or get_profile(p).issuer).value for p in PATHS}
    templates = {p: _template(p) for p in PATHS}
    profiles = list(PROFILE_SHARES)
    shares = [PROFILE_SHARES[p] for p in profiles]
    stages: dict[str, int] = {}
    totals = {"proposals": 0, "state_changes": 0, "roster": 0}
    pending: list[tuple[Proposal, list[StateChange]]] = []

    def flush() -> None:
        insert([p for p, _c in pending])
        # the roster index (lianmeng.proposals.roster_index), which save() would have filled
        insert(
            [
                RosterEntry(proposal_id=p.pk, position=n, key=k, member_code=c)
                for p, _c in pending
                for n, k, c in roster_rows(p.document)
            ]
        )
        changes = []
        for proposal, rows in pending:
            for row in rows:
                row.subject_id = proposal.pk
            changes += rows
        insert(changes)
        totals["state_changes"] += len(changes)
        pending.clear()

    for _i in range(count):
        profile = rnd.choices(profiles, shares)[0]
        path = rnd.choices([p for _w, p in PATHS[profile]], [w for w, _p in PATHS[profile]])[0]
        table = tables[profile]
        states = ["draft"]
        for step in path:
            states.append(table.transition(step).to)
        final = states[-1]
        stages[final] = stages.get(final, 0) + 1
        lead = rnd.choice(pool.leads(profile))
        county = lead.region
        city = places.city_of(county) or areas[profile]
        size = rnd.randint(20, 60)
        roster = [lead, *(u for u in pool.members(rnd, profile, size) if u is not lead)][:size]
        named = names.proposal(rnd, profile, lead)
        if final in OPEN_STATES:
            year = this_year
            start = now - timedelta(days=len(path) * 25 + rnd.randrange(5, 60))
        else:
            year = this_year - rnd.randrange(1, 5)
            start = datetime.combine(
                datetime(year, 3, 1).date() + timedelta(days=rnd.randrange(0, 90)),
                time(9),
                tzinfo=clock.BEIJING,
            )
        doc = dict(templates[profile])
        lead_doc = dict(doc.get("lead_unit") or {})
        lead_doc.update(
            name=lead.name,
            uscc=lead.uscc,
            org_code=f"{lead.uscc[8:16]}-{lead.uscc[16]}",
            address=places.address(county),
            employees=rnd.randrange(80, 5000),
        )
        recommender = None
        if profile in {"luoyang", "baoding"}:
            recommender = {"name": f"{county.name}科学技术局", "region_code": county.code}
        elif profile == "henan":
            recommender = {"name": f"{city.name}科学技术局", "region_code": city.code}
        doc.update(
            name=named["name"],
            domain=named["domain"],
            focus_area=named["focus_area"],
            industry=named["industry"],
            product=named["product"],
            call_year=year,
            lead_unit=lead_doc,
            members=[
                {
                    "name": u.name,
                    "uscc": u.uscc,
                    **({"role": "lead"} if u is lead else {}),
                    "kind": u.kind,
                    "chain_position": rnd.choice(CHAIN),
                    "legal_representative": person(rnd),
                    "signed_agreement": True,
                }
                for u in roster
            ],
        )
        if recommender is not None:
            doc["recommender"] = recommender
        changes: list[StateChange] = []
        at = start
        submitted_at = None
        submits = 0
        for step, before, after in zip(path, states[:-1], states[1:], strict=True):
            at = min(at + timedelta(days=rnd.randrange(3, 25), hours=rnd.randrange(0, 8)), now)
            t = table.transition(step)
            if step in LEAD_STEPS:
                office, where = lead.name, None
            elif step in COUNTY_STEPS:
                office, where = f"{county.name}科学技术局", county
            elif step in CITY_STEPS:
                office, where = f"{city.name}科学技术局", city
            else:
                office, where = authorities[profile], areas[profile]
            data: dict[str, Any] = {}
            if step == "submit":
                submits += 1
                submitted_at = at
                data = {"version": submits}
            elif t.kind == "return":
                data = {"version": submits}
            changes.append(
                StateChange(
                    subject_kind="proposal",
                    subject_id=0,
                    from_state=before,
                    to_state=after,
                    transition=step,
                    kind=t.kind,
                    label=t.label,
                    actor_office=office,
                    actor_jurisdiction=where,
                    at=at,
                    reason=REASONS.get(t.kind, ""),
                    data=data,
                )
            )
        if submitted_at is not None:
            doc["submitted_at"] = (
                submitted_at.astimezone(clock.BEIJING).replace(microsecond=0).isoformat()
            )
        proposal = Proposal(
            profile=profile,
            call_year=year,
            name=named["name"],
            domain=named["domain"],
            focus_area=named["focus_area"],
            industry=named["industry"],
            product=named["product"],
            lead_unit=lead,
            region=county,
            member_count=len(roster),
            status=final,
            document=doc,
            revision=submits,
            submitted_at=submitted_at,
            created_at=start,
            updated_at=at,  # the last step (the list sorts by it)
        )
        pending.append((proposal, changes))
        totals["proposals"] += 1
        totals["roster"] += len(roster)
        if len(pending) >= batch:
            flush()
    flush()
    if out:
        out(
            f"  申报 {totals['proposals']:,} 份（成员名单共 {totals['roster']:,} 条），"
            f"状态变更记录 {totals['state_changes']:,} 条，覆盖 {len(stages)} 个环节"
        )
    return {**totals, "stages": stages}
