"""Fixtures of policy what-if: Luoyang's department, running Luoyang alliances with their
rosters, and a pending Luoyang proposal of the docs/examples file (7 members).

``wi`` pins the clock to 2019-11-05 (``policies_in_force``): Luoyang's measures are in force.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from tests.api.conftest import token_for  # noqa: F401  (fixture)
from tests.conftest import make_uscc
from tests.policy.helpers import example
from tests.web.conftest import login  # noqa: F401  (fixture)

KINDS = ["enterprise", "university", "research_institute", "enterprise", "enterprise"]
POSITIONS = ["upstream", "midstream", "downstream"]


def roster_rows(n: int, region: str = "410305", *, serial: int = 0) -> list[dict[str, Any]]:
    """``n`` members (the first is the lead), local, covering the chain, with a university."""
    rows = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        row = {
            "name": f"成员单位{serial}-{i}",
            "uscc": make_uscc(region, 7_000_000 + serial * 100 + i),
            "kind": kind,
            "role": "lead" if i == 0 else "member",
        }
        if kind == "enterprise":
            row["details"] = {"chain_position": POSITIONS[i % 3]}
        rows.append(row)
    return rows


def make_running_alliance(
    name: str,
    members: int,
    *,
    profile: str = "luoyang",
    serial: int = 0,
    status: str = "recognised",
    code: str = "410300",
):
    """A running alliance with a workspace and ``members`` current members (bulk, no services:
    the rows a what-if run reads)."""
    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction, Unit
    from lianmeng.running.models import Member, Workspace

    rows = roster_rows(members, serial=serial)
    lead = Unit.objects.create(
        name=rows[0]["name"],
        kind="enterprise",
        uscc=rows[0]["uscc"],
        region=Jurisdiction.objects.get(code="410305"),
    )
    alliance = Alliance.objects.create(
        profile=profile,
        level="municipal",
        name=name,
        domain="industry",
        lead_unit=lead,
        jurisdiction=Jurisdiction.objects.get(code=code),
        member_count=members,
        status=status,
        decided_on=date(2018, 12, 1),
        source="legacy",
    )
    workspace = Workspace.objects.create(
        alliance=alliance, created_at=clock.now(), updated_at=clock.now()
    )
    Member.objects.bulk_create(
        Member(
            workspace=workspace,
            name=r["name"],
            uscc=r["uscc"],
            kind=r["kind"],
            role=r["role"],
            details=r.get("details", {}),
        )
        for r in rows
    )
    return alliance


def pending_proposal(make_unit, *, name: str = "洛阳市精密轴承产业技术创新战略联盟"):
    """The Luoyang example file (7 members) filed as a proposal: eligible today."""
    from lianmeng.core.models import Jurisdiction, Unit
    from lianmeng.proposals.models import Proposal

    doc = example("luoyang-valid.json")
    doc["name"] = name
    lead = doc["lead_unit"]
    unit = Unit.objects.filter(uscc=lead["uscc"]).first() or Unit.objects.create(
        name=lead["name"],
        kind="enterprise",
        uscc=lead["uscc"],
        region=Jurisdiction.objects.get(code="410305"),
    )
    return Proposal.objects.create(
        profile="luoyang",
        call_year=doc.get("call_year") or 2019,
        name=name,
        domain=doc["domain"],
        lead_unit=unit,
        region=unit.region,
        status="submitted",
        member_count=len(doc["members"]),
        document=doc,
    )


@pytest.fixture
def wi(db, policies_in_force, make_unit, make_user):
    """Luoyang's department (``department``), a county department and Henan's, an applicant;
    alliances of 12 (``big``) and 6 (``small``) members, a dissolved one of 3 (not running),
    a Henan alliance, and the pending proposal (``proposal``, 7 members)."""
    return SimpleNamespace(
        department=make_user(["recommender", "competent"], jurisdiction="410300", username="ly-wi"),
        county=make_user(["recommender"], jurisdiction="410305"),
        henan=make_user(["competent"], jurisdiction="410000", username="hn-wi"),
        applicant=make_user(["applicant"], unit=make_unit("410305")),
        big=make_running_alliance("洛阳市大型联盟", 12, serial=1),
        small=make_running_alliance("洛阳市小型联盟", 6, serial=2),
        dissolved=make_running_alliance("洛阳市已解散联盟", 3, serial=3, status="dissolved"),
        henan_alliance=make_running_alliance(
            "河南省某联盟", 5, profile="henan", serial=4, code="410000"
        ),
        proposal=pending_proposal(make_unit),
    )
