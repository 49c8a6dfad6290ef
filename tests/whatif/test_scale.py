"""How long a what-if run takes at a province's scale (docs/benchmarks.md, "Policy what-if").

It builds N running Luoyang alliances (40 in the suite; ``LIANMENG_WHATIF_BENCH=1000`` for the
figures of docs/benchmarks.md) of 15–25 members each (bulk inserts) and 50 pending proposals, then times
``compare.run`` for a draft that changes the minimum member count, and prints the figures.
No timing is asserted (DESIGN.md: no timing assertions in unit tests); what is asserted is that
every alliance was judged and the query count does not grow with the number of alliances.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_uscc
from tests.whatif.conftest import KINDS, POSITIONS, pending_proposal

N = int(os.environ.get("LIANMENG_WHATIF_BENCH") or 40)


def _build(n: int) -> None:
    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction, Unit
    from lianmeng.running.models import Member, Workspace

    region = Jurisdiction.objects.get(code="410305")
    city = Jurisdiction.objects.get(code="410300")
    leads = Unit.objects.bulk_create(
        Unit(
            name=f"牵头单位{i}",
            kind="enterprise",
            uscc=make_uscc("410305", 8_000_000 + i),
            region=region,
        )
        for i in range(n)
    )
    alliances = Alliance.objects.bulk_create(
        Alliance(
            profile="luoyang",
            level="municipal",
            name=f"洛阳市第{i}联盟",
            domain="industry",
            lead_unit=lead,
            jurisdiction=city,
            member_count=15 + i % 11,
            status="recognised",
            decided_on=date(2018, 12, 1),
            source="legacy",
        )
        for i, lead in enumerate(leads)
    )
    now = clock.now()
    workspaces = Workspace.objects.bulk_create(
        Workspace(alliance=a, created_at=now, updated_at=now) for a in alliances
    )
    members = []
    for i, (alliance, workspace) in enumerate(zip(alliances, workspaces, strict=True)):
        for j in range(alliance.member_count):
            kind = KINDS[j % len(KINDS)]
            members.append(
                Member(
                    workspace=workspace,
                    name=alliance.lead_unit.name if j == 0 else f"成员{i}-{j}",
                    uscc=alliance.lead_unit.uscc
                    if j == 0
                    else make_uscc("410305", 9_000_000 + i * 40 + j),
                    kind=kind,
                    role="lead" if j == 0 else "member",
                    details={"chain_position": POSITIONS[j % 3]} if kind == "enterprise" else {},
                )
            )
    Member.objects.bulk_create(members, batch_size=2000)


def test_a_run_over_a_province(db, policies_in_force, make_unit):
    from lianmeng.policy.loader import get_profile
    from lianmeng.policy.whatif import apply_overrides
    from lianmeng.whatif import compare

    _build(N)
    for i in range(50):
        pending_proposal(make_unit, name=f"洛阳市在审联盟{i}")
    profile = get_profile("luoyang")
    draft = apply_overrides(
        profile, {"members.min_count": {"severity": "required", "min_count": 20}}
    )
    times, cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            result = compare.run(profile, draft)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    assert result.alliance_summary.total == N and result.proposal_summary.total == 50
    assert len(queries) < 20
    print(
        f"\nwhat-if over {N} alliances ({sum(15 + i % 11 for i in range(N))} members) and 50 "
        f"pending proposals on {connection.vendor}: median {statistics.median(times):.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in times)}; CPU {statistics.median(cpu):.2f} s), "
        f"{len(queries)} queries, "
        f"{result.alliance_summary.pass_to_fail} alliances pass → fail"
    )
