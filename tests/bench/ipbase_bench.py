"""The patent and standard base at national scale (issue 16 point 3): 50,000 patents and
10,000 standards of 2,000 alliances on PostgreSQL; the public list's page of 20 and its count,
for the Chinese search (one, two and four characters, a number prefix) and each filter.

:func:`generate` bulk-inserts the rows with ``search_text`` from
:func:`lianmeng.ipbase.search.search_text_for` (as any loader must); :func:`run` calls the
selectors the pages call, captures the SQL of the page and of the count, and reads each with
EXPLAIN ANALYZE (after ANALYZE). The section "ipbase" of docs/benchmarks.md is written from it.

SQLite is not measured: its search is the documented fallback (``icontains``, a scan), for a
workstation's size.

Run: uv run python -m tests.bench.ipbase_bench
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

from tests.bench.machine import machine_line, write_section

N_ALLIANCES = 2_000
N_PATENTS = 50_000
N_STANDARDS = 10_000
PG_URL = os.environ.get("IPBASE_BENCH_URL", "postgres://postgres@127.0.0.1:5432/lm_ipbase_bench")
REPEAT = 5


def generate(seed: int = 16) -> dict[str, Any]:
    import random

    from django.db import transaction

    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction, Unit
    from lianmeng.scale.codes import make_uscc
    from lianmeng.scale.ipbase import generate_ipbase

    rnd = random.Random(seed)
    counties = list(Jurisdiction.objects.filter(kind="county", active=True)[:200])
    today = clock.beijing_now().date()
    with transaction.atomic():
        units = [
            Unit(
                name=f"基准成员单位{i}",
                kind="enterprise",
                uscc=make_uscc(counties[i % len(counties)].code, 40_000_000 + i),
                region=counties[i % len(counties)],
            )
            for i in range(N_ALLIANCES * 3)
        ]
        Unit.objects.bulk_create(units, batch_size=2000)
        units = list(Unit.objects.filter(name__startswith="基准成员单位").order_by("id"))
        alliances = Alliance.objects.bulk_create(
            [
                Alliance(
                    proposal=None,
                    source=Alliance.Source.LEGACY,
                    profile="henan",
                    level="provincial",
                    name=f"基准{i}产业技术创新战略联盟",
                    domain=rnd.choice(
                        ["industry", "industry", "agriculture", "social_development"]
                    ),
                    lead_unit=units[i * 3],
                    jurisdiction=counties[i % len(counties)],
                    member_count=10,
                    status="recognised",
                    decided_on=today,
                )
                for i in range(N_ALLIANCES)
            ],
            batch_size=2000,
        )
        alliances = list(
            Alliance.objects.filter(name__startswith="基准")
            .select_related("jurisdiction")
            .order_by("id")
        )
        # three member units per alliance hold its patents and draft its standards
        rosters = {a.pk: units[i * 3 : i * 3 + 3] for i, a in enumerate(alliances)}
        generate_ipbase(alliances, rosters, N_PATENTS, N_STANDARDS, rnd)
    return {"alliance": alliances[7].pk, "year": today.year - 2}


def _plan_summary(plan: str) -> tuple[str, float]:
    nodes = []
    ms = 0.0
    for line in plan.splitlines():
        text = line.strip().lstrip("->").strip()
        if text.startswith("Execution Time"):
            ms = float(text.split(":")[1].split()[0])
        for kind in (
            "Seq Scan",
            "Bitmap Index Scan",
            "Index Scan",
            "Index Only Scan",
            "Sort",
            "Limit",
        ):
            if text.startswith(kind):
                name = text.split("  (")[0]
                if name not in nodes:
                    nodes.append(name)
                break
    return "; ".join(nodes), ms


def run() -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lianmeng.ipbase import selectors
    from lianmeng.ipbase.selectors import Filters

    t0 = time.perf_counter()
    made = generate()
    generated = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    cases = [
        ("patents, no filter", "patent", Filters()),
        ("patents q=耐火 (2 汉字)", "patent", Filters(q="耐火")),
        ("patents q=耐火材料 (4 汉字)", "patent", Filters(q="耐火材料")),
        ("patents q=耐 (1 汉字)", "patent", Filters(q="耐")),
        ("patents q=基准成员单位12 (holder)", "patent", Filters(q="基准成员单位12")),
        ("patents q=2020101 (number prefix)", "patent", Filters(q="2020101")),
        ("patents field=agriculture", "patent", Filters(field="agriculture")),
        ("patents alliance=one", "patent", Filters(alliance=made["alliance"])),
        ("patents year", "patent", Filters(year=made["year"])),
        ("patents status=lapsed", "patent", Filters(status="lapsed")),
        ("patents kind=design", "patent", Filters(kind="design")),
        (
            "patents q=耐火 + year + field",
            "patent",
            Filters(q="耐火", year=made["year"], field="industry"),
        ),
        ("standards q=试验方法", "standard", Filters(q="试验方法")),
        ("standards level=group", "standard", Filters(kind="group")),
    ]
    steps = []
    for name, which, f in cases:
        qs = selectors.patent_list(f) if which == "patent" else selectors.standard_list(f)
        with CaptureQueriesContext(connection) as captured:
            count = qs.count()
            list(qs[:20])
        row: dict[str, Any] = {"name": name, "rows": count}
        for label, query in zip(("count", "page"), captured.captured_queries, strict=True):
            timings = []
            for _ in range(REPEAT):
                start = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(query["sql"])
                    cursor.fetchall()
                timings.append((time.perf_counter() - start) * 1000)
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                plan = "\n".join(r[0] for r in cursor.fetchall())
            nodes, _ms = _plan_summary(plan)
            row[label] = {
                "ms": statistics.median(timings),
                "nodes": nodes,
                "seq": "Seq Scan on ipbase_" in plan,
                "plan": plan,
            }
        steps.append(row)
    return {"generated_s": generated, "steps": steps, "load": os.getloadavg()[0]}


def _inner() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(run(), ensure_ascii=False))


def report(result: dict[str, Any]) -> str:
    lines = [
        "## 专利池与标准信息库（ipbase）/ Patent pool and standards base",
        "",
        f"Machine: {machine_line()}. PostgreSQL, {N_PATENTS:,} patents and {N_STANDARDS:,} "
        f"standards of {N_ALLIANCES:,} alliances, generated in {result['generated_s']:.0f} s; "
        f"load average before the queries {result['load']:.1f}. Each row: the public list's "
        "count and its first page of 20 (lianmeng.ipbase.selectors, as /ip/patents/ and "
        "/api/v1/ip/patents call them), median of 5 runs, and the plan's scan nodes (EXPLAIN "
        "ANALYZE after ANALYZE). The search reads the GIN index ipbase_patent_search "
        "(character unigrams and bigrams as a tsvector, lianmeng.ipbase.search).",
        "",
        "| query | rows | count ms | page ms | count plan | page plan |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for s in result["steps"]:
        lines.append(
            f"| {s['name']} | {s['rows']:,} | {s['count']['ms']:.1f} | {s['page']['ms']:.1f} | "
            f"{s['count']['nodes']} | {s['page']['nodes']} |"
        )
    seq = [s["name"] for s in result["steps"] if s["count"]["seq"] or s["page"]["seq"]]
    lines += [
        "",
        "Sequential scans of ipbase tables: " + (", ".join(seq) if seq else "none") + ".",
        "",
        "Reading: a search with 汉字 or a number prefix reads the GIN index (a Bitmap Index "
        "Scan; the vector function is declared costly so that the planner never computes it row "
        "by row, even for a common single character), then sorts the matching rows for the top "
        "20 or walks the (-year, -id) index; the unfiltered list walks the (-year, -id) index "
        "and stops after 20 rows; each filter uses its own index (field, status, level: btree; "
        "alliance: (alliance, year); kind: (kind, year)). The one sequential scan is the count "
        "of the whole, unfiltered table (every row is counted; tens of milliseconds at 50,000 "
        "rows). A count of a filter that keeps a large share of the table is proportional to "
        "the rows it counts.",
    ]
    return "\n".join(lines)


def main() -> None:
    import urllib.parse

    db = urllib.parse.urlparse(PG_URL).path.lstrip("/")
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    env = {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "LIANMENG_DATA_DIR": tempfile.mkdtemp(prefix="lm-ipbench-"),
        "DJANGO_SETTINGS_MODULE": "lianmeng.config.settings",
    }
    try:
        out = subprocess.run(
            [sys.executable, "-m", "tests.bench.ipbase_bench", "inner"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db])
    result = json.loads(out.strip().splitlines()[-1])
    dump = Path(tempfile.gettempdir()) / "lianmeng-ipbase-bench.json"
    dump.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    write_section("ipbase", report(result))
    print(f"plans: {dump}")


if __name__ == "__main__":
    if sys.argv[1:] == ["inner"]:
        _inner()
    elif sys.argv[1:] == ["report"]:  # rewrite the section from the last run's plans
        dumped = Path(tempfile.gettempdir()) / "lianmeng-ipbase-bench.json"
        write_section("ipbase", report(json.loads(dumped.read_text(encoding="utf-8"))))
    else:
        main()
