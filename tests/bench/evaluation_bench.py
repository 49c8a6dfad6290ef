"""A campaign over 10,000 alliances (issue 14, acceptance): scoring, ranking and the results
XLSX, on SQLite and PostgreSQL.

:func:`generate` fills a fresh database with bulk inserts: 10,000 running Luoyang (municipal)
alliances with their lead units, the city's competent department and two third-party
evaluators. :func:`run` then measures, through the services and selectors the pages use:

- opening the campaign (``services.campaign_open``: one evaluation row per alliance),
- putting both evaluators on every alliance (``services.evaluator_add``: conflict check and
  20,000 tasks),
- the evaluators' submitted totals are written in bulk (not measured: 20,000 form posts),
- **ranking**: ``services.advance`` into 核定 (each alliance's mean of the submitted totals,
  final score, grade from the profile's thresholds, rank with ties; every row written),
- ``selectors.distribution`` (grade counts and the 10-point bins),
- **the results XLSX** (``exports.results_xlsx`` over ``selectors.evaluations``, streamed).

Target (issue 14): ranking and XLSX export under 5 s together. A previous year's campaign of
the same size is generated first, so that the evaluation table holds 20,000 rows and the
queries must find the campaign's own; the plans of the campaign's row list (filtered by grade,
ordered by rank, one page) and of the distribution queries are read with EXPLAIN ANALYZE on
PostgreSQL (EXPLAIN QUERY PLAN on SQLite) and written to docs/benchmarks.md.

Run: uv run python -m tests.bench.evaluation_bench (part of ``make bench``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.list_bench import _run
from tests.bench.machine import machine_line, write_section

N_ALLIANCES = 10_000
TARGET_S = 5.0
PG_URL = os.environ.get("EVALUATION_BENCH_URL", "postgres://postgres@127.0.0.1:5432/lm_evalbench")
PROFILE = "luoyang"


def generate(n_alliances: int = N_ALLIANCES, batch: int = 2000, seed: int = 14) -> dict[str, Any]:
    """Lead units (one per four alliances) in Luoyang's counties, ``n_alliances`` recognised
    municipal Luoyang alliances, the competent department ``bench-ly`` and two evaluators."""
    import random
    from datetime import timedelta

    from django.db import transaction

    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction, Unit, User
    from lianmeng.core.services import user_create
    from lianmeng.policy.loader import get_profile
    from tests.conftest import make_uscc

    rnd = random.Random(seed)
    profile = get_profile(PROFILE)
    city = Jurisdiction.objects.get(code=profile.jurisdiction.value)
    counties = list(
        Jurisdiction.objects.filter(kind="county", active=True, path__startswith=city.path)
    )
    today = clock.beijing_now().date()
    with transaction.atomic():
        units = [
            Unit(
                name=f"评价基准牵头单位{i}",
                kind=rnd.choice(["enterprise", "enterprise", "university", "research_institute"]),
                uscc=make_uscc(counties[i % len(counties)].code, 20_000_000 + i),
                region=counties[i % len(counties)],
            )
            for i in range(max(2, n_alliances // 4))
        ]
        Unit.objects.bulk_create(units, batch_size=batch)
        if units[0].pk is None:
            units = list(Unit.objects.filter(name__startswith="评价基准牵头单位").order_by("id"))
        alliances = []
        for i in range(n_alliances):
            decided = today - timedelta(days=rnd.randrange(400, 6 * 365))
            alliances.append(
                Alliance(
                    proposal=None,
                    source=Alliance.Source.LEGACY,
                    reference=f"洛科〔{decided.year}〕{i + 1}号",
                    profile=PROFILE,
                    level="municipal",
                    name=f"洛阳市评价基准{i + 1}产业技术创新战略联盟",
                    domain=rnd.choice(["industry", "agriculture", "social"]),
                    industry="装备制造",
                    lead_unit=units[i % len(units)],
                    jurisdiction=city,
                    member_count=20,
                    status="recognised",
                    decided_on=decided,
                    authority=profile.authority.value if profile.authority else "",
                )
            )
        Alliance.objects.bulk_create(alliances, batch_size=batch)
        organiser = user_create(
            actor=None,
            username="bench-ly",
            password="Lianmeng-Bench-2026",
            display_name="洛阳市科学技术局（基准）",
            roles=["competent"],
            jurisdiction=city,
        )
        evaluators = [
            user_create(
                actor=None,
                username=f"bench-pinggu{i}",
                password="Lianmeng-Bench-2026",
                display_name=f"基准第三方评价机构{i}",
                roles=["evaluator"],
                unit=Unit.objects.create(
                    name=f"基准第三方评价机构{i}",
                    kind="enterprise",
                    uscc=make_uscc(counties[0].code, 29_000_000 + i),
                    region=counties[0],
                ),
            )
            for i in (1, 2)
        ]
    return {
        "alliances": Alliance.objects.filter(profile=PROFILE).count(),
        "organiser": organiser.pk,
        "evaluators": [u.pk for u in evaluators],
        "user_model": User.__name__,
    }


def _submit_totals(campaign: Any, rnd: Any, batch: int = 2000) -> int:
    """Every task submitted with per-indicator scores and the weighted total, in bulk (what
    20,000 evaluators' form posts would leave behind)."""
    from decimal import Decimal

    from lianmeng.core import clock
    from lianmeng.evaluation.models import Assignment
    from lianmeng.policy.evaluation import weighted_score
    from lianmeng.policy.loader import get_profile

    config = get_profile(campaign.profile).evaluation
    ids = [i.id for i in config.indicators()]
    now = clock.now()
    tasks = list(Assignment.objects.filter(evaluation__campaign=campaign).only("pk"))
    for task in tasks:
        base = rnd.randrange(40, 100)
        scores = {k: Decimal(min(100, max(0, base + rnd.randrange(-8, 9)))) for k in ids}
        task.scores = {k: str(v) for k, v in scores.items()}
        task.total = weighted_score(config, scores).quantize(Decimal("0.001"))
        task.submitted_at = now
    Assignment.objects.bulk_update(tasks, ["scores", "total", "submitted_at"], batch_size=batch)
    return len(tasks)


#: CPU seconds of this process per measured step (``<step>_cpu``): the machine is shared, so
#: the wall time also holds waiting for a core; the database server's work is in the wall time
CPU: dict[str, float] = {}


def _timed(fn: Any, key: str = "") -> tuple[Any, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    if key:
        CPU[key] = time.process_time() - c0
    return result, time.perf_counter() - t0


def _plans(statements: list[tuple[str, tuple[Any, ...]]]) -> list[dict[str, str]]:
    from django.db import connection

    out = []
    for sql, params in statements:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN ANALYZE " + sql, params)
                plan = "\n".join(r[0] for r in cursor.fetchall())
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = "\n".join(str(r[-1]) for r in cursor.fetchall())
        out.append({"sql": sql[:400], "plan": plan})
    return out


def run(n_alliances: int = N_ALLIANCES) -> dict[str, Any]:
    """Generate, then measure (Django set up, migrated, empty)."""
    import random
    from datetime import timedelta

    from django.db import connection

    from lianmeng.core.models import User
    from lianmeng.evaluation import exports, selectors, services

    rnd = random.Random(14)
    figures: dict[str, Any] = {}
    t0 = time.perf_counter()
    made = generate(n_alliances)
    figures["generate_s"] = time.perf_counter() - t0
    organiser = User.objects.get(pk=made["organiser"])
    evaluators = made["evaluators"]
    today = selectors.today()

    def campaign_for(year: int) -> Any:
        return services.campaign_open(
            actor=organiser,
            profile_id=PROFILE,
            year=year,
            self_due=today + timedelta(days=10),
            scoring_due=today + timedelta(days=40),
        )

    # last year's campaign: the same alliances, ranked (the table holds both years)
    previous = campaign_for(today.year - 1)
    services.evaluator_add(actor=organiser, campaign_id=previous.pk, user_id=evaluators[0])
    services.advance(actor=organiser, campaign_id=previous.pk)
    _submit_totals(previous, rnd)
    services.advance(actor=organiser, campaign_id=previous.pk)

    campaign, figures["open_s"] = _timed(lambda: campaign_for(today.year), "open_s")
    added = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for user_id in evaluators:
        _seat, n, _skipped = services.evaluator_add(
            actor=organiser, campaign_id=campaign.pk, user_id=user_id
        )
        added += n
    figures["assign_s"] = time.perf_counter() - t0
    CPU["assign_s"] = time.process_time() - c0
    figures["tasks"] = added
    services.advance(actor=organiser, campaign_id=campaign.pk)  # → 评分
    _submit_totals(campaign, rnd)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    figures["load"] = os.getloadavg()[0]
    campaign, figures["rank_s"] = _timed(
        lambda: services.advance(actor=organiser, campaign_id=campaign.pk),  # → 核定
        "rank_s",
    )
    assert campaign.stage == "verifying"
    dist, figures["distribution_s"] = _timed(
        lambda: selectors.distribution(campaign), "distribution_s"
    )
    figures["grades"] = {label: n for _id, label, n in dist.grades}
    assert dist.scored == n_alliances, dist
    rows = selectors.evaluations(organiser, campaign, selectors.ORGANISER)
    content, figures["xlsx_s"] = _timed(lambda: exports.results_xlsx(campaign, rows), "xlsx_s")
    figures["xlsx_bytes"] = len(content)
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(content), read_only=True).worksheets[0]
    figures["xlsx_rows"] = sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
    assert figures["xlsx_rows"] == n_alliances
    figures["rank_plus_xlsx_s"] = figures["rank_s"] + figures["xlsx_s"]
    CPU["rank_plus_xlsx_s"] = CPU["rank_s"] + CPU["xlsx_s"]
    figures.update({f"{k}_cpu": v for k, v in CPU.items()})

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    fail = next(g for g in reversed(dist.grades) if g[2])[0]
    # the queries of the campaign page: one page of rows of a grade by rank, the count of the
    # paginator, and the two queries of selectors.distribution
    from django.db.models import Count

    from lianmeng.evaluation.models import Evaluation

    of_grade = rows.filter(grade=fail)
    mine = Evaluation.objects.filter(campaign=campaign)
    queries = {
        "row list (grade filter, by rank, page 1)": of_grade.order_by("rank", "id")[:20],
        "row list count (grade filter)": of_grade.values("campaign_id").annotate(n=Count("id")),
        "distribution: grade counts": mine.order_by().values("grade").annotate(n=Count("id")),
        "distribution: final scores": mine.order_by().values_list("final_score", flat=True),
    }
    plans = _plans([qs.query.sql_with_params() for qs in queries.values()])
    figures["plans"] = [{"name": n, **p} for n, p in zip(queries, plans, strict=True)]
    figures["evaluation_rows"] = campaign.evaluations.model.objects.count()
    return figures


def bench(database_url: str | None) -> dict[str, Any]:
    from tests.bench.alliance_bench import _database

    data = tempfile.mkdtemp(prefix="lm-bench-evaluation-")
    env = {
        **os.environ,
        "LIANMENG_DATA_DIR": data,
        "DJANGO_SETTINGS_MODULE": "lianmeng.config.settings",
    }
    _database(env, database_url)
    _run(env, "setup")
    code = (
        "import django, json; django.setup()\n"
        "from tests.bench.evaluation_bench import run\n"
        "print(json.dumps(run()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        check=True,
        cwd=Path.cwd(),
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _seq_scans(plan: str) -> str:
    found = sorted(
        {
            line.split("Seq Scan on", 1)[1].split()[0]
            for line in plan.splitlines()
            if "Seq Scan on" in line
        }
        | {
            line.split("SCAN ", 1)[1].split()[0]
            for line in plan.splitlines()
            if line.strip().startswith("SCAN ") and "USING" not in line
        }
    )
    return ", ".join(found) or "—"


def main() -> None:
    results = {"SQLite": bench(None), "PostgreSQL": bench(PG_URL)}
    dump = Path(tempfile.gettempdir()) / "lianmeng-evaluation-bench.json"
    dump.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    write_section("evaluation-campaign", report(results))
    print(report(results))
    print(f"plans: {dump}")


def report(results: dict[str, Any]) -> str:
    pg = results["PostgreSQL"]
    lines = [
        "## 一万个联盟的年度绩效评价 / An evaluation campaign over 10,000 alliances",
        "",
        f"Machine: {machine_line()}",
        "",
        f"{N_ALLIANCES:,} running Luoyang alliances (bulk inserts, `tests/bench/evaluation_bench.py`), "
        f"a campaign over all of them with two third-party evaluators ({pg['tasks']:,} tasks, "
        "every one submitted with per-indicator scores and its weighted total), after last "
        f"year's campaign of the same alliances (the evaluation table holds "
        f"{pg['evaluation_rows']:,} rows). Measured in one process through the services and "
        "selectors the pages use. *Ranking*: `services.advance` into 核定 — the mean of each "
        "alliance's submitted totals, final score, grade from the profile's thresholds "
        "(`policy.evaluation.grade_of`), rank with ties, every row written. *XLSX*: "
        "`exports.results_xlsx` (write-only workbook streamed from `selectors.evaluations`). "
        f"Target: ranking + XLSX under {TARGET_S:.0f} s. *s*: wall-clock seconds; *CPU s*: "
        "this process's CPU seconds (the database server's work is in the wall time only). "
        "Load average (1 min) when ranking started: "
        + ", ".join(f"{db} {r['load']:.1f}" for db, r in results.items())
        + " — other work on the machine (2 cores) makes the wall times vary.",
        "",
        "| step | SQLite s | PostgreSQL s | SQLite CPU s | PostgreSQL CPU s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    steps = [
        ("open the campaign (10,000 evaluation rows)", "open_s"),
        (f"assign two evaluators ({pg['tasks']:,} tasks, conflict check)", "assign_s"),
        ("**ranking**: advance into 核定 (means, grades, ranks)", "rank_s"),
        ("distribution (grades and bins)", "distribution_s"),
        ("**results XLSX** (10,000 rows)", "xlsx_s"),
        ("**ranking + XLSX**", "rank_plus_xlsx_s"),
    ]
    sq = results["SQLite"]
    for label, key in steps:
        lines.append(
            f"| {label} | {sq[key]:.2f} | {pg[key]:.2f} | "
            f"{sq[key + '_cpu']:.2f} | {pg[key + '_cpu']:.2f} |"
        )
    verdict = all(r["rank_plus_xlsx_s"] < TARGET_S for r in results.values())
    lines += [
        "",
        f"Target met on both databases: {'yes' if verdict else 'NO'}. Results XLSX: "
        f"{pg['xlsx_bytes'] / 1024:.0f} KiB, {pg['xlsx_rows']:,} rows. Grades: "
        + ", ".join(f"{k} {v:,}" for k, v in pg["grades"].items())
        + ".",
        "",
        "Query plans (PostgreSQL, EXPLAIN ANALYZE after ANALYZE; SQLite: EXPLAIN QUERY PLAN):",
        "",
        "| query | PostgreSQL plan (top node) | PostgreSQL seq scans | SQLite plan |",
        "| --- | --- | --- | --- |",
    ]
    for p_pg, p_sq in zip(pg["plans"], sq["plans"], strict=True):
        top = p_pg["plan"].splitlines()[0].split("  (")[0].strip()
        timing = next(
            (line.strip() for line in p_pg["plan"].splitlines() if "Execution Time" in line), ""
        )
        lines.append(
            f"| {p_pg['name']} | {top}; {timing} | {_seq_scans(p_pg['plan'])} | "
            + "; ".join(line.strip() for line in p_sq["plan"].splitlines())
            + " |"
        )
    lines += [
        "",
        "What the first runs showed and what changed (SQLite, the same machine under load): "
        "ranking took 19.4 s — `bulk_update` of 10,000 rows twice (means, then final score, "
        "grade and rank), whose CASE expressions the database evaluates row by row; "
        "`services._write_back` now writes only the rows that changed, with one UPDATE run by "
        "`executemany` on SQLite and one `UPDATE … FROM unnest(arrays)` per 5,000 rows on "
        "PostgreSQL (an adjustment rewrites one row instead of the campaign). The XLSX took "
        "6.1 s: the export now reads plain tuples (`values_list`, no model instance per row) "
        "and `documents.xlsx.write_table` hands openpyxl plain values where no cell object is "
        "needed (numbers, texts that cannot start a formula), so it reuses one cell. The row "
        "list of one grade read the campaign's rows by rank and filtered the grade (PostgreSQL "
        "removed 7,633 of 10,000 rows for a page of 20, 11 ms): index `evaluation_grade_rank` "
        "(campaign, grade, rank; migration evaluation 0002, replacing its prefix "
        "(campaign, grade)) now serves the page on both databases (PostgreSQL: index scan on "
        "`evaluation_grade_rank`, 20 rows read), and on SQLite the count and the grade counts "
        "as a covering index; PostgreSQL answers those two from the campaign index in a few "
        "ms (right after the bulk update an index-only scan would still visit the heap). The "
        "distribution's score list no longer sorts by the model's default order. Reading every row of one "
        "campaign by the campaign index is the right plan for the distribution and the export "
        "(all of the campaign's rows are wanted); no sequential scan over the evaluation table.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
