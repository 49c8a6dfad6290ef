"""National scale of the overlap and chain analysis (issue 16 point 2): 10,000 alliances and
200,000 member rows, all in Henan, so that the province's area holds every one of them.

:func:`generate` bulk-inserts lead units (one per four alliances, in Henan's counties), 10,000
alliances of the Henan and Luoyang profiles (a fifth dissolved or revoked), a workspace each and
20 member rows each: the lead, then enterprises with a chain position (a few left, a few without
a position) and universities; one member row in eight is a unit of a shared pool of 6,000 units,
so that units belong to several alliances and the network has edges.

:func:`run` then computes Henan's snapshot (``lianmeng.insight.overlap.compute``, timed, with its
query count), and requests each page 30 times in-process as a provincial department (p50/p95,
query count), and the network and chains pages at Luoyang's level. Run:
``uv run python -m tests.bench.overlap_bench`` (SQLite, then PostgreSQL); ``… pg`` or ``… sqlite``
for one database only. The figures go to docs/benchmarks.md (section ``insight-overlap``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.list_bench import _run
from tests.bench.machine import machine_line, write_section

N_ALLIANCES = 10_000
MEMBERS_PER_ALLIANCE = 20
SHARED_POOL = 6_000
SHARED_EVERY = 8
REQUESTS = 30
PG_URL = os.environ.get(
    "OVERLAP_BENCH_URL", "postgres://postgres@127.0.0.1:5432/lianmeng_bench_overlap"
)
PAGES = [
    ("交叉成员单位 overlap", "/staff/insight/overlap/?page=5"),
    ("交叉成员单位, search", "/staff/insight/overlap/?q=共享&min=3"),
    ("关联网络 network", "/staff/insight/network/?page=3"),
    ("产业链覆盖 chains", "/staff/insight/chains/?gaps=1&page=2"),
]


def generate(
    n_alliances: int = N_ALLIANCES,
    members_per_alliance: int = MEMBERS_PER_ALLIANCE,
    pool: int = SHARED_POOL,
    seed: int = 16,
    batch: int = 2000,
) -> dict[str, Any]:
    import random
    from datetime import date, timedelta

    from django.db import transaction

    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction, Unit
    from lianmeng.running.models import Member, Workspace
    from tests.conftest import make_uscc

    rnd = random.Random(seed)
    now = clock.now()
    henan = Jurisdiction.objects.get(code="410000")
    luoyang = Jurisdiction.objects.get(code="410300")
    counties = list(
        Jurisdiction.objects.filter(kind="county", active=True, path__startswith=henan.path)
    )
    ly_counties = [c for c in counties if c.code.startswith("4103")]
    serial = 20_000_000
    with transaction.atomic():
        leads = []
        for i in range(max(2, n_alliances // 4)):
            serial += 1
            county = (
                ly_counties[i % len(ly_counties)] if i % 5 == 0 else counties[i % len(counties)]
            )
            leads.append(
                Unit(
                    name=f"基准牵头单位{serial}",
                    kind="enterprise",
                    uscc=make_uscc(county.code, serial),
                    region=county,
                )
            )
        Unit.objects.bulk_create(leads, batch_size=batch)
        shared = []
        for i in range(pool):
            serial += 1
            county = counties[i % len(counties)]
            shared.append((f"共享成员单位{i + 1}", make_uscc(county.code, serial)))
        alliances = []
        for i in range(n_alliances):
            lead = leads[i % len(leads)]
            in_luoyang = lead.region.code.startswith("4103")
            alliances.append(
                Alliance(
                    source=Alliance.Source.LEGACY,
                    profile="luoyang" if in_luoyang else "henan",
                    level="municipal" if in_luoyang else "provincial",
                    name=f"基准{i + 1}产业技术创新战略联盟",
                    domain=rnd.choice(
                        ["industry", "industry", "agriculture", "social_development"]
                    ),
                    lead_unit=lead,
                    jurisdiction=luoyang if in_luoyang else henan,
                    member_count=members_per_alliance,
                    status=rnd.choice(["recognised"] * 8 + ["dissolved", "revoked"]),
                    decided_on=date(2018, 1, 1) + timedelta(days=rnd.randrange(0, 2000)),
                )
            )
        Alliance.objects.bulk_create(alliances, batch_size=batch)
        if alliances[0].pk is None:
            alliances = list(Alliance.objects.order_by("id"))
        workspaces = [Workspace(alliance=a, created_at=now, updated_at=now) for a in alliances]
        Workspace.objects.bulk_create(workspaces, batch_size=batch)
        if workspaces[0].pk is None:
            workspaces = list(Workspace.objects.order_by("alliance_id"))
        members: list[Member] = []
        positions = ["upstream", "midstream", "downstream"]
        count = 0
        for alliance, workspace in zip(alliances, workspaces, strict=True):
            region = alliance.lead_unit.region.code
            for j in range(members_per_alliance):
                serial += 1
                lead = j == 0
                if lead:
                    name, uscc, kind = (
                        alliance.lead_unit.name,
                        alliance.lead_unit.uscc,
                        "enterprise",
                    )
                elif j % SHARED_EVERY == 0:
                    name, uscc = shared[rnd.randrange(pool)]
                    kind = "enterprise"
                else:
                    name, uscc = f"基准成员单位{serial}", make_uscc(region, serial)
                    kind = "university" if j % 5 == 0 else "enterprise"
                # one alliance in six lacks downstream enterprises; a few rows have no position
                choices = positions[:2] if alliance.pk % 6 == 0 else positions
                position = rnd.choice(choices) if kind == "enterprise" and j % 9 else ""
                members.append(
                    Member(
                        workspace=workspace,
                        unit=alliance.lead_unit if lead else None,
                        name=name,
                        uscc=uscc,
                        kind=kind,
                        role=Member.Role.LEAD if lead else Member.Role.MEMBER,
                        joined_on=alliance.decided_on,
                        left_on=alliance.decided_on + timedelta(days=300)
                        if (not lead and j % 17 == 0)
                        else None,
                        details={"region_code": region, "chain_position": position}
                        if position
                        else {"region_code": region},
                    )
                )
                count += 1
                if len(members) >= batch * 5:
                    Member.objects.bulk_create(members, batch_size=batch)
                    members = []
        Member.objects.bulk_create(members, batch_size=batch)
    return {"alliances": len(alliances), "members": count}


def _account(code: str, username: str) -> Any:
    from lianmeng.core.models import Jurisdiction, User
    from lianmeng.core.services import user_create

    found = User.objects.filter(username=username).first()
    return found or user_create(
        actor=None,
        username=username,
        password="Lianmeng-Bench-2026",  # noqa: S106
        jurisdiction=Jurisdiction.objects.get(code=code),
        roles=["competent"],
    )


def _timed(client: Any, url: str) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    return {
        "p50": round(statistics.median(times), 1),
        "p95": round(times[int(len(times) * 0.95) - 1], 1),
        "queries": len(ctx.captured_queries),
    }


def run(n_alliances: int = N_ALLIANCES) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lianmeng.core.models import Jurisdiction
    from lianmeng.insight.models import Snapshot
    from lianmeng.insight.overlap import KIND, compute
    from lianmeng.insight.snapshots import refresh

    started = time.perf_counter()
    counts = generate(n_alliances)
    generated_s = round(time.perf_counter() - started, 1)
    out: dict[str, Any] = {"vendor": connection.vendor, "generated_s": generated_s, **counts}
    for code in ("410000", "410300"):
        scope = Jurisdiction.objects.get(code=code)
        runs = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                data = compute(scope)
                runs.append((time.perf_counter() - t0) * 1000)
        refresh(scope, KIND)
        size = len(
            json.dumps(Snapshot.objects.get(scope=scope, kind=KIND).data, ensure_ascii=False)
        )
        out[code] = {
            "compute_ms": round(min(runs)),
            "compute_ms_max": round(max(runs)),
            "queries": len(ctx.captured_queries),
            "alliances": data["totals"]["alliances"],
            "members": data["totals"]["members"],
            "units": data["totals"]["units"],
            "edges": data["totals"]["edges"],
            "gaps": data["totals"]["gaps"],
            "snapshot_kb": round(size / 1024),
        }
    pages = {}
    for code, username in (("410000", "bench-hn"), ("410300", "bench-ly")):
        client = Client()
        client.force_login(_account(code, username))
        for label, url in PAGES:
            pages[f"{code} {label}"] = _timed(client, url)
        # a process that has not yet decoded the area's figures (after 刷新 in another worker)
        from lianmeng.insight import overlap

        cold = []
        for _ in range(5):
            overlap._DECODED.clear()
            started = time.perf_counter()
            client.get(PAGES[0][1])
            cold.append((time.perf_counter() - started) * 1000)
        out[code]["cold_page_ms"] = round(statistics.median(cold))
    out["pages"] = pages
    return out


def bench(database_url: str | None) -> dict[str, Any]:
    from tests.bench.alliance_bench import _database

    data = tempfile.mkdtemp(prefix="lm-bench-overlap-")
    env = {
        **os.environ,
        "LIANMENG_DATA_DIR": data,
        "DJANGO_SETTINGS_MODULE": "lianmeng.config.settings",
    }
    _database(env, database_url)
    _run(env, "setup")
    code = (
        "import django, json; django.setup()\n"
        "from tests.bench.overlap_bench import run\n"
        "print(json.dumps(run()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        check=False,
        cwd=Path.cwd(),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(done.returncode)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(results: dict[str, Any]) -> str:
    lines = [
        "## 成员交叉与产业链 / Overlap and chain analysis (issue 16 point 2)",
        "",
        f"Machine: {machine_line()}. `uv run python -m tests.bench.overlap_bench`.",
        "",
        "10,000 alliances (a fifth dissolved or revoked, left out), 200,000 member rows, all in "
        "Henan; one member row in eight is one of 6,000 shared units. `compute` is the snapshot's "
        "computation (run by 刷新 or by the first page of an area without figures); pages read the stored snapshot, decoded once per process (in-process requests, 30 each; "
        "the last column: a worker that has not decoded it yet).",
        "",
        "| Database | Area | Alliances | Members | Shared units | Pairs | Gaps | Snapshot | "
        "compute (best / worst of 3) | Queries | First page in a new worker |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for vendor, r in results.items():
        for code in ("410000", "410300"):
            c = r[code]
            lines.append(
                f"| {vendor} | {code} | {c['alliances']:,} | {c['members']:,} | {c['units']:,} | "
                f"{c['edges']:,} | {c['gaps']:,} | {c['snapshot_kb']:,} KB | "
                f"{c['compute_ms']:,} / {c['compute_ms_max']:,} ms | {c['queries']} | "
                f"{c['cold_page_ms']:,} ms |"
            )
    lines += ["", "| Database | Page | p50 | p95 | Queries |", "|---|---|---:|---:|---:|"]
    for vendor, r in results.items():
        for name, p in r["pages"].items():
            lines.append(f"| {vendor} | {name} | {p['p50']} ms | {p['p95']} ms | {p['queries']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    results = {}
    if only in ("", "sqlite"):
        results["SQLite"] = bench(None)
    if only in ("", "pg"):
        results["PostgreSQL"] = bench(PG_URL)
    dump = Path(tempfile.gettempdir()) / f"lianmeng-overlap-bench{'-' + only if only else ''}.json"
    dump.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    write_section("insight-overlap", report(results))
    print(report(results))


if __name__ == "__main__":
    main()
