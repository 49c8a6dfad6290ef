"""The department dashboard at national scale (issue 16): the province's page under 300 ms p95
with a constant query count, on SQLite and PostgreSQL.

:func:`generate` reuses :func:`tests.bench.rewards_bench.generate` (10,000 running Luoyang
alliances — in Henan — with claims, budgets, awards and 40,000 payments; Baoding and
Heilongjiang at half) and adds, with bulk inserts: a workspace per alliance with 20 members
each (200,000 members), 50,000 patents, two years of accepted annual plans and
self-evaluations with KPI tables (40,000 reports), two published evaluation campaigns with a
grade for every Luoyang alliance (20,000 evaluations), and 3,000 Henan proposals in the
pipeline with their history. :func:`run` then times the refresh of the province's snapshot,
requests the province's dashboard 60 times through the test client (signed in as the
province's competent department, two-factor step included), reports p50/p95 and the query
count (also with 10× fewer alliances: the count must not change), and reads the plans of the
drill-down lists (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite).

Run: uv run python -m tests.bench.insight_bench [sqlite|pg] (part of ``make bench``).
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

N_MEMBERS_EACH = 20
N_PATENTS = 50_000
N_PROPOSALS = 3_000
REQUESTS = 60
PASSWORD = "Lianmeng-Bench-2026"
PG_URL = os.environ.get("INSIGHT_BENCH_URL", "postgres://postgres@127.0.0.1:5432/lm_insightbench")
BIG_TABLES = (
    "alliances_alliance",
    "proposals_proposal",
    "running_member",
    "ipbase_patent",
    "reporting_report",
    "evaluation_evaluation",
    "workflow_statechange",
)


def generate(batch: int = 5000) -> dict[str, Any]:
    import random
    from datetime import date, datetime, timedelta

    from django.db import transaction

    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction, Unit
    from lianmeng.core.services import user_create
    from lianmeng.evaluation.models import Campaign, Evaluation
    from lianmeng.ipbase.models import Patent
    from lianmeng.ipbase.search import search_text_for
    from lianmeng.proposals.models import Proposal
    from lianmeng.reporting.models import Report
    from lianmeng.running.models import Member, Workspace
    from lianmeng.workflow.models import StateChange
    from tests.bench.rewards_bench import generate as rewards_generate
    from tests.conftest import make_uscc

    made = rewards_generate()
    rnd = random.Random(16)
    now = clock.now()
    this_year = now.astimezone(clock.BEIJING).year
    henan = Jurisdiction.objects.get(code="410000")
    luoyang = Jurisdiction.objects.get(code="410300")
    with transaction.atomic():
        province = user_create(
            actor=None,
            username="bench-henan",
            password=PASSWORD,
            display_name="河南省科学技术厅（基准）",
            roles=["competent"],
            jurisdiction=henan,
        )
        made["province"] = province.pk
        ours = list(
            Alliance.objects.filter(profile="luoyang")
            .select_related("lead_unit")
            .order_by("id")
            .only("pk", "lead_unit__region_id", "domain", "decided_on")
        )
        # 200,000 members: a workspace per alliance, 20 members each
        Workspace.objects.bulk_create(
            [Workspace(alliance=a, created_at=now, updated_at=now) for a in ours],
            batch_size=batch,
        )
        spaces = dict(
            Workspace.objects.filter(alliance__profile="luoyang").values_list("alliance_id", "pk")
        )
        members = []
        for index, alliance in enumerate(ours):
            for k in range(N_MEMBERS_EACH):
                members.append(
                    Member(
                        workspace_id=spaces[alliance.pk],
                        name=f"基准成员单位{(index * 7 + k * 13) % 60_000}",
                        uscc="",
                        kind="enterprise",
                        role="member",
                    )
                )
            if len(members) >= batch:
                Member.objects.bulk_create(members, batch_size=batch)
                members = []
        Member.objects.bulk_create(members, batch_size=batch)
        # 50,000 patents of the pool
        Patent.objects.bulk_create(
            [
                Patent(
                    number=f"ZL{this_year - i % 5}1{i:07d}",
                    title=f"基准专利{i}",
                    kind=("invention", "utility", "design")[i % 3],
                    status=("applied", "granted", "lapsed")[i % 3],
                    alliance_id=ours[i % len(ours)].pk,
                    region_id=ours[i % len(ours)].lead_unit.region_id,
                    field=ours[i % len(ours)].domain,
                    year=this_year - i % 5,
                    # as every loader must: the search reads it (lianmeng.ipbase.search)
                    search_text=search_text_for(f"基准专利{i}", f"ZL{this_year - i % 5}1{i:07d}"),
                    created_at=now,
                    updated_at=now,
                )
                for i in range(N_PATENTS)
            ],
            batch_size=batch,
        )
        # two years of accepted annual plans and self-evaluations with KPI tables
        reports = []
        for year in (this_year - 2, this_year - 1):
            for alliance in ours:
                plan = {"funding": {"lead_unit": rnd.randrange(50, 500)}, "awards": {"national": 1}}
                actual = {
                    "funding": {"lead_unit": rnd.randrange(20, 600)},
                    "awards": {"national": rnd.randrange(0, 3)},
                    "ip": {"invention_patents": {"applied": rnd.randrange(0, 5)}},
                }
                for kind, table in (("annual_plan", plan), ("self_evaluation", actual)):
                    reports.append(
                        Report(
                            alliance_id=alliance.pk,
                            profile="luoyang",
                            kind=kind,
                            year=year,
                            content={"kpis": table},
                            status="accepted",
                            region_id=alliance.lead_unit.region_id,
                            lead_unit_id=alliance.lead_unit_id,
                            created_at=now,
                            submitted_at=now,
                        )
                    )
        Report.objects.bulk_create(reports, batch_size=batch)
        # two published evaluation campaigns, a grade for every alliance
        department = made["department"]
        grades = ("excellent", "pass", "pass", "pass", "fail")
        for year in (this_year - 2, this_year - 1):
            campaign = Campaign.objects.create(
                profile="luoyang",
                year=year,
                title=f"{year} 年度评价（基准）",
                jurisdiction=luoyang,
                stage="published",
                self_due=date(year, 10, 1),
                scoring_due=date(year, 11, 1),
                created_by_id=department,
                created_at=now,
            )
            Evaluation.objects.bulk_create(
                [
                    Evaluation(
                        campaign=campaign,
                        alliance_id=a.pk,
                        region_id=a.lead_unit.region_id,
                        lead_unit_id=a.lead_unit_id,
                        grade=grades[rnd.randrange(len(grades))],
                    )
                    for a in ours
                ],
                batch_size=batch,
            )
        # 3,000 Henan proposals in the pipeline, with their history
        counties = list(
            Jurisdiction.objects.filter(kind="county", path__startswith=henan.path)[:80]
        )
        units = [
            Unit(
                name=f"河南申报基准单位{i}",
                kind="enterprise",
                uscc=make_uscc(counties[i % len(counties)].code, 70_000_000 + i),
                region=counties[i % len(counties)],
            )
            for i in range(N_PROPOSALS)
        ]
        Unit.objects.bulk_create(units, batch_size=batch)
        units = list(Unit.objects.filter(name__startswith="河南申报基准单位").order_by("id"))
        path = ["submitted", "county_recommended", "recommended", "accepted", "under_review"]
        proposals = []
        for i, unit in enumerate(units):
            proposals.append(
                Proposal(
                    profile="henan",
                    call_year=this_year,
                    name=f"河南基准申报{i}产业技术创新战略联盟",
                    domain="industry",
                    lead_unit=unit,
                    region=unit.region,
                    status=path[i % len(path)],
                    document={},
                    submitted_at=now - timedelta(days=60),
                )
            )
        Proposal.objects.bulk_create(proposals, batch_size=batch)
        proposals = list(
            Proposal.objects.filter(profile="henan", name__startswith="河南基准申报").order_by("id")
        )
        changes = []
        for i, proposal in enumerate(proposals):
            at = now - timedelta(days=60)
            states = ["draft", *path[: i % len(path) + 1]]
            for a, b in zip(states, states[1:], strict=False):
                changes.append(
                    StateChange(
                        subject_kind="proposal",
                        subject_id=proposal.pk,
                        from_state=a,
                        to_state=b,
                        transition=b,
                        label=b,
                        at=at,
                    )
                )
                at += timedelta(days=rnd.randrange(1, 12), hours=rnd.randrange(24))
        StateChange.objects.bulk_create(changes, batch_size=batch)
        _ = datetime
    return made


def _sign_in(client: Any, user: Any) -> None:
    from tests.two_factor import sign_in

    response = sign_in(client, user, password=PASSWORD)
    assert response.status_code in (200, 302), response.status_code


def _plans(urls: list[str], client: Any) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    out = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        plans = []
        for q in ctx.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or 'FROM "django_session"' in sql:
                continue
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("EXPLAIN ANALYZE " + sql)
                    plan = "\n".join(r[0] for r in cursor.fetchall())
                    seq = sorted(
                        {
                            t
                            for t in BIG_TABLES
                            for line in plan.splitlines()
                            if "Seq Scan on " + t in line
                        }
                    )
                else:
                    cursor.execute("EXPLAIN QUERY PLAN " + sql)
                    plan = "\n".join(str(r[-1]) for r in cursor.fetchall())
                    seq = sorted(
                        {
                            t
                            for t in BIG_TABLES
                            for line in plan.splitlines()
                            if line.startswith("SCAN " + t) and "USING" not in line
                        }
                    )
            plans.append({"sql": sql[:400], "seq_scans": seq, "plan": plan})
        out[url] = {"queries": len(ctx.captured_queries), "plans": plans}
    return out


def _time_page(client: Any, url: str) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    times = []
    counts = set()
    for _ in range(REQUESTS):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
        counts.add(len(ctx))
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
        "max": times[-1],
        "queries": sorted(counts),
        "bytes": len(response.content),
    }


def run() -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import Jurisdiction, User
    from lianmeng.insight import dashboard, snapshots

    t0 = time.perf_counter()
    if os.environ.get("INSIGHT_BENCH_REUSE"):  # measure again on the database of a last run
        made = {"province": User.objects.get(username="bench-henan").pk}
    else:
        made = generate()
    generated_s = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    henan = Jurisdiction.objects.get(code="410000")
    t0 = time.perf_counter()
    row = snapshots.refresh(henan, dashboard.KIND)
    refresh_ms = (time.perf_counter() - t0) * 1000
    luoyang = Jurisdiction.objects.get(code="410300")
    t0 = time.perf_counter()
    snapshots.refresh(luoyang, dashboard.KIND)
    refresh_city_ms = (time.perf_counter() - t0) * 1000
    client = Client()
    _sign_in(client, User.objects.get(pk=made["province"]))
    page = _time_page(client, "/staff/insight/")
    filtered = _time_page(client, "/staff/insight/?year_from=2022&year_to=2024")
    drill = [
        "/staff/insight/alliances/?level=municipal",
        "/staff/insight/alliances/?region=410300&year_from=2020",
        "/staff/insight/alliances/?grade=pass&grade_year="
        + str(max(row.data["grades"]["by_year"] or ["2024"])),
        "/staff/insight/proposals/?stage=recommended&profile=henan",
    ]
    drill_times = {url: _time_page(client, url) for url in drill}
    plans = _plans(drill, client)
    counts = {
        "alliances": Alliance.objects.count(),
        "in_province": sum(c["count"] for c in row.data["alliances"]["by_year"].values()),
    }
    from lianmeng.ipbase.models import Patent
    from lianmeng.running.models import Member

    counts["members"] = Member.objects.count()
    counts["patents"] = Patent.objects.count()
    # the same page with a tenth of the alliances: the query count must not change
    keep = list(
        Alliance.objects.filter(profile="luoyang")
        .order_by("id")
        .values_list("pk", flat=True)[:1000]
    )
    small = {"alliances_in_snapshot": len(keep)}
    data = row.data
    trimmed = dict(data)
    trimmed["alliances"] = {
        "by_year": {
            y: c for i, (y, c) in enumerate(sorted(data["alliances"]["by_year"].items())) if i < 1
        },
        "labels": data["alliances"]["labels"],
    }
    from lianmeng.insight.models import Snapshot

    Snapshot.objects.filter(pk=row.pk).update(data=trimmed)
    small.update(_time_page(client, "/staff/insight/"))
    return {
        "load": os.getloadavg(),
        "vendor": connection.vendor,
        "generated_s": generated_s,
        "refresh_ms": refresh_ms,
        "refresh_city_ms": refresh_city_ms,
        "snapshot_bytes": len(json.dumps(data, ensure_ascii=False).encode()),
        "page": page,
        "filtered": filtered,
        "small": small,
        "drill": drill_times,
        "plans": plans,
        "counts": counts,
    }


def bench(database_url: str | None) -> dict[str, Any]:
    from tests.bench.alliance_bench import _database

    data = tempfile.mkdtemp(prefix="lm-bench-insight-")
    env = {
        **os.environ,
        "LIANMENG_DATA_DIR": data,
        "DJANGO_SETTINGS_MODULE": "lianmeng.config.settings",
    }
    if os.environ.get("INSIGHT_BENCH_REUSE"):
        env["DATABASE_URL"] = database_url or ""
        if not database_url:
            env.pop("DATABASE_URL")
            env["LIANMENG_DATA_DIR"] = os.environ["INSIGHT_BENCH_REUSE"]
    else:
        _database(env, database_url)
        _run(env, "setup")
    code = (
        "import django, json; django.setup()\n"
        "from tests.bench.insight_bench import run\n"
        "print(json.dumps(run(), default=str))\n"
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
        sys.stderr.write(done.stderr[-5000:])
        raise SystemExit(done.returncode)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(results: dict[str, Any]) -> str:
    lines = [
        "## 数据驾驶舱 / Department dashboard (issue 16)",
        "",
        f"Machine: {machine_line()}",
        "",
        "Data: 10,000 Luoyang alliances in Henan (plus 10,000 in Baoding and Heilongjiang), 200,000 "
        "members, 50,000 patents, 40,000 accepted annual plans and self-evaluations with KPI tables, "
        "20,000 published evaluation grades, 3,000 proposals in Henan's pipeline with their history, "
        "30,000 reward claims and 40,000 payments (tests/bench/insight_bench.py, reusing "
        "rewards_bench.generate). The page reads one precomputed snapshot (insight.Snapshot) and says "
        "when it was computed (数据更新于 …（用时 …）); 刷新 and `lianmeng insight refresh` recompute it.",
        "",
        "| | SQLite | PostgreSQL |",
        "| --- | --- | --- |",
    ]

    def cell(vendor: str, fn: Any) -> str:
        r = results.get(vendor)
        return fn(r) if r else "—"

    rows = [
        (
            "province dashboard p50 / p95 (ms, 60 requests)",
            lambda r: f"{r['page']['p50']:.1f} / {r['page']['p95']:.1f}",
        ),
        ("queries per request", lambda r: ", ".join(map(str, r["page"]["queries"]))),
        (
            "machine load average (1, 5, 15 min) at the end",
            lambda r: " / ".join(f"{x:.1f}" for x in r.get("load", [])),
        ),
        (
            "same page, years 2022–2024: p50 / p95 (ms)",
            lambda r: f"{r['filtered']['p50']:.1f} / {r['filtered']['p95']:.1f}",
        ),
        (
            "queries with a snapshot of one year only",
            lambda r: ", ".join(map(str, r["small"]["queries"])),
        ),
        ("refresh of the province (410000), ms", lambda r: f"{r['refresh_ms']:.0f}"),
        ("refresh of the city (410300), ms", lambda r: f"{r['refresh_city_ms']:.0f}"),
        ("snapshot size (bytes of JSON)", lambda r: f"{r['snapshot_bytes']:,}"),
        (
            "alliances in the province / in all",
            lambda r: f"{r['counts']['in_province']:,} / {r['counts']['alliances']:,}",
        ),
        ("members / patents", lambda r: f"{r['counts']['members']:,} / {r['counts']['patents']:,}"),
    ]
    for label, fn in rows:
        lines.append(f"| {label} | {cell('SQLite', fn)} | {cell('PostgreSQL', fn)} |")
    lines += [
        "",
        "Drill-down lists (the live lists behind the bars, 20 a page, with their count):",
        "",
    ]
    lines += [
        "| list | SQLite p95 ms (queries) | PostgreSQL p95 ms (queries) | full scans of big tables (PG) |",
        "| --- | --- | --- | --- |",
    ]
    urls = list((results.get("PostgreSQL") or results.get("SQLite") or {}).get("drill", {}))
    for url in urls:

        def one(r: dict[str, Any], u: str = url) -> str:
            d = r["drill"][u]
            return f"{d['p95']:.1f} ({', '.join(map(str, d['queries']))})"

        pg = results.get("PostgreSQL")
        scans = "—"
        if pg:
            seen = sorted({t for p in pg["plans"][url]["plans"] for t in p["seq_scans"]})
            scans = ", ".join(seen) or "none"
        lines.append(f"| `{url}` | {cell('SQLite', one)} | {cell('PostgreSQL', one)} | {scans} |")
    lines += [
        "",
        "Measured through the test client (the whole Django stack, no network), signed in as the "
        "province's competent department, on a 2-core machine shared with other test runs at the "
        "load average shown: the figures are upper bounds. The refresh (a few grouped queries per "
        "section, the KPI tables of 40,000 reports read once) runs outside the request: "
        "`lianmeng insight refresh`, the 刷新 button (queued when REDIS_URL is set), or once on the "
        "spot when an area has no snapshot yet. The drill-down lists read the alliances through id "
        "subqueries on the proposals', units' and jurisdictions' indexes (SQLite: every step an "
        "index SEARCH or covering index; PostgreSQL picks a sequential scan of the small "
        "alliances and proposals tables where that is cheaper, as the EXPLAIN ANALYZE shows); "
        "their time is the count of the province's 10,000 alliances.",
        "",
        "The query count of the page is the same whatever the number of alliances (the snapshot is "
        "one row; the rest are the session, the user and the layout). The plans of the drill-down "
        f"lists are in {Path(tempfile.gettempdir()) / 'lianmeng-insight-bench.json'} after a run.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    results: dict[str, Any] = {}
    if only == "write":  # the section from the dumps of separate runs (sqlite, pg)
        for name in ("sqlite", "pg"):
            dump = Path(tempfile.gettempdir()) / f"lianmeng-insight-bench-{name}.json"
            if dump.exists():
                results.update(json.loads(dump.read_text(encoding="utf-8")))
        write_section("insight", report(results))
        print(report(results))
        return
    if only in ("", "sqlite"):
        results["SQLite"] = bench(None)
    if only in ("", "pg"):
        results["PostgreSQL"] = bench(PG_URL)
    dump = Path(tempfile.gettempdir()) / f"lianmeng-insight-bench{'-' + only if only else ''}.json"
    dump.write_text(
        json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    if only:
        print(report(results))
        print(f"plans: {dump}")
        return
    write_section("insight", report(results))
    print(report(results))
    print(f"plans: {dump}")


if __name__ == "__main__":
    main()
