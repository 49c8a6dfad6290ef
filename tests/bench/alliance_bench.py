"""National scale (issue 13): the department's alliance list and report inbox at 10,000
alliances, 200,000 member rows and five years of reports, as Henan's provincial competent
department.

:func:`generate` fills a fresh database with bulk inserts (a few minutes, not hours): lead units
in the counties of each profile's area, 10,000 alliances of the four profiles in every state of
their tables with the history rows the engine would have written (and the construction-period
deadlines of those in 筹建中), a workspace per alliance with 20 member rows each (one lead, a few
who left), and five years of reports per alliance (:func:`generate_reports`) with their history.
The tests use it with small numbers (tests/alliances/test_registry_scale.py).

:func:`main` runs gunicorn (2 workers) on the generated database, SQLite and then PostgreSQL,
signs in as the competent department (password and authenticator code), requests each page 200
times over loopback and writes the p95 to docs/benchmarks.md (target: under 100 ms); it also
reads the plan of every query of each page (PostgreSQL: EXPLAIN, SQLite: EXPLAIN QUERY PLAN) and
names any sequential scan over a big table.
Run: uv run python -m tests.bench.alliance_bench
"""

from __future__ import annotations

import hashlib
import hmac
import http.cookiejar
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from lianmeng.scale.alliances import PROFILES, generate_reports  # noqa: F401 - re-exported
from tests.bench.list_bench import _free_port, _run
from tests.bench.machine import machine_line, write_section

N_ALLIANCES = 10_000
MEMBERS_PER_ALLIANCE = 20  # 200,000 member rows
REPORT_YEARS = 5
REQUESTS = 200
TARGET_MS = 100
PG_URL = os.environ.get(
    "ALLIANCE_BENCH_URL", "postgres://postgres@127.0.0.1:5432/lianmeng_bench_alliances"
)
USERNAME = "bench"
PASSWORD = "Lianmeng-Bench-2026"

#: the department's alliance list: the registry with its filters (page 3 of all; one
#: profile and state; 筹建中 alliances past their period; alliances with a KPI warning)
PAGES = [
    ("alliance list", "/registry/?page=3"),
    ("alliance list, Henan 筹建中", "/registry/?profile=henan&status=building&page=2"),
    ("alliance list, construction overdue", "/registry/?profile=henan&overdue=on"),
    ("alliance list, KPI warnings", "/registry/?kpi_warning=on"),
]
#: the department's report inbox (lianmeng.reporting.selectors.report_inbox)
INBOX_PAGES = [
    ("report inbox", "/staff/reports/?page=3"),
    (
        "report inbox, Luoyang self-evaluations with warnings",
        "/staff/reports/?profile=luoyang&warning=1",
    ),
]
#: tables that grow with the country: a sequential scan over any of them is a finding
BIG_TABLES = (
    "alliances_alliance",
    "running_member",
    "running_workspace",
    "workflow_statechange",
    "workflow_deadline",
    "core_unit",
    "core_auditentry",
    "reporting_",
)

#: a generated alliance's name, as the list shows it
ROW = re.compile(r"基准\d+产业技术创新战略联盟")


def generate(
    n_alliances: int = N_ALLIANCES,
    members_per_alliance: int = MEMBERS_PER_ALLIANCE,
    report_years: int = 0,
    seed: int = 13,
    batch: int = 2000,
    first: int = 0,
) -> dict[str, Any]:
    """Fill the database (Django set up, migrated) with ``n_alliances`` alliances and their
    history, workspaces and members; ``report_years`` years of reports per alliance when the
    reporting app is there (lianmeng.scale.alliances, with the benchmark's names). Returns
    counts and the competent department's account (``bench``, with an authenticator whose key
    is ``totp_key``). ``first``: the number of alliances generated before (a second call adds
    more)."""
    from django.db import transaction

    from lianmeng.scale.alliances import generate_alliances

    with transaction.atomic():
        made = generate_alliances(
            n_alliances,
            members_per_alliance,
            report_years=report_years if reporting_ready() else 0,
            seed=seed,
            batch=batch,
            first=first,
        )
        account = _bench_account()
    return {
        "alliances": made["alliances"],
        "members": made["members"],
        "state_changes": made["state_changes"],
        "reports": made["reports"],
        **account,
    }


def _bench_account() -> dict[str, str]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lianmeng.core.models import Jurisdiction, User
    from lianmeng.core.services import user_create

    user = User.objects.filter(username=USERNAME).first() or user_create(
        actor=None,
        username=USERNAME,
        password=PASSWORD,
        display_name="河南省科学技术厅（基准）",
        roles=["competent"],
        jurisdiction=Jurisdiction.objects.get(code="410000"),
    )
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="基准", confirmed=True)
    return {"username": USERNAME, "totp_key": device.key}


def reporting_ready() -> bool:
    """Whether the report inbox exists (lianmeng.reporting: its Report model and inbox)."""
    root = Path(__file__).resolve().parents[2] / "src" / "lianmeng" / "reporting"
    selectors = root / "selectors.py"
    return (root / "models.py").exists() and (
        selectors.exists() and "def report_inbox" in selectors.read_text(encoding="utf-8")
    )


# -- the run -----------------------------------------------------------------------------------


def _totp(key_hex: str, at: float | None = None) -> str:
    """The authenticator's code (RFC 6238: SHA-1, 30 s, 6 digits, as django-otp's TOTPDevice)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def _csrf(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _sign_in(opener: Any, base: str, key_hex: str) -> None:
    for _ in range(100):
        try:
            page = opener.open(base + "/accounts/login/").read().decode()
            break
        except OSError:
            time.sleep(0.2)
    body = urllib.parse.urlencode(
        {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page)}
    ).encode()
    answer = opener.open(
        urllib.request.Request(base + "/accounts/login/", data=body, headers={"Referer": base})
    )
    if "/accounts/login/verify/" in answer.geturl():
        page = answer.read().decode()
        body = urllib.parse.urlencode(
            {"code": _totp(key_hex), "csrfmiddlewaretoken": _csrf(page)}
        ).encode()
        answer = opener.open(
            urllib.request.Request(
                base + "/accounts/login/verify/", data=body, headers={"Referer": base}
            )
        )
    assert "/accounts/login" not in answer.geturl(), f"not signed in: {answer.geturl()}"


def _database(env: dict[str, str], database_url: str | None) -> None:
    if database_url:
        env["DATABASE_URL"] = database_url
        db = urllib.parse.urlparse(database_url).path.lstrip("/")
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    else:
        env.pop("DATABASE_URL", None)


EXPLAIN = r"""
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from lianmeng.core.models import User
big, urls = json.loads(sys.argv[1])
client = Client()
client.force_login(User.objects.get(username="bench"))
out = {}
for url in urls:
    client.get(url)  # warm caches (profiles, sessions)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    plans = []
    for q in ctx.captured_queries:
        sql = q["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(r[0] for r in cursor.fetchall())
                seq = sorted({t for t in big for line in plan.splitlines()
                              if "Seq Scan on" in line and (" " + t) in line})
            else:  # SQLite: a SCAN of the table itself, not of one of its indexes
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plan = "\n".join(str(r[-1]) for r in cursor.fetchall())
                seq = sorted({t for t in big for line in plan.splitlines()
                              if line.startswith("SCAN " + t) and "USING" not in line})
        plans.append({"sql": sql[:300], "seq_scans": seq, "plan": plan})
    out[url] = {"queries": len(ctx.captured_queries), "plans": plans}
print(json.dumps(out))
"""


def _explain(env: dict[str, str], urls: list[str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", EXPLAIN, json.dumps([list(BIG_TABLES), urls])],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=Path.cwd(),
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench(database_url: str | None) -> dict[str, Any]:
    data = tempfile.mkdtemp(prefix="lm-bench-alliances-")
    env = {
        **os.environ,
        "LIANMENG_DATA_DIR": data,
        "DJANGO_SETTINGS_MODULE": "lianmeng.config.settings",
    }
    _database(env, database_url)
    _run(env, "setup")
    t0 = time.perf_counter()
    code = (
        "import django, json; django.setup()\n"
        "from tests.bench.alliance_bench import generate\n"
        f"print(json.dumps(generate(report_years={REPORT_YEARS})))\n"
    )
    seeded = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        check=True,
        cwd=Path.cwd(),
        capture_output=True,
        text=True,
    )
    counts = json.loads(seeded.stdout.strip().splitlines()[-1])
    counts["seconds"] = time.perf_counter() - t0
    if database_url:
        subprocess.run(["psql", database_url, "-q", "-c", "VACUUM ANALYZE"], check=True, env=env)
    pages = PAGES + (INBOX_PAGES if counts["reports"] else [])
    explained = _explain(env, [url for _name, url in pages])
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lianmeng.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    results: dict[str, Any] = {"counts": counts, "pages": {}}
    try:
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        _sign_in(opener, base, counts["totp_key"])
        results["load"] = os.getloadavg()[0]
        for name, url in pages:
            first = opener.open(base + url).read().decode()
            assert ROW.search(first), f"{url} did not render the generated alliances"
            times = []
            for _ in range(REQUESTS):
                t0 = time.perf_counter()
                opener.open(base + url).read()
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            results["pages"][name] = {
                "url": url,
                "median": statistics.median(times),
                "p95": times[int(len(times) * 0.95) - 1],
                "max": times[-1],
                "queries": explained[url]["queries"],
                "seq_scans": sorted(
                    {t for plan in explained[url]["plans"] for t in plan["seq_scans"]}
                ),
                "plans": explained[url]["plans"],
            }
    finally:
        server.terminate()
        server.wait()
    return results


def main() -> None:
    results = {"SQLite": bench(None), "PostgreSQL": bench(PG_URL)}
    dump = Path(tempfile.gettempdir()) / "lianmeng-alliance-bench.json"
    dump.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    counts = results["PostgreSQL"]["counts"]
    inbox = bool(counts["reports"])
    lines = [
        "## 全国规模的联盟名录与报告收件箱 / Alliance list and report inbox at national scale",
        "",
        f"Machine: {machine_line()}",
        "",
        f"{counts['alliances']:,} alliances of the four profiles in every state of their tables "
        f"({counts['state_changes']:,} history rows, construction deadlines of those in 筹建中), "
        f"{counts['members']:,} member rows (one workspace per alliance), "
        + (
            f"{counts['reports']:,} reports ({REPORT_YEARS} years). "
            if inbox
            else "no reports yet (lianmeng.reporting had no inbox when this ran: "
            "`generate_reports` in tests/bench/alliance_bench.py is ready to fill in). "
        )
        + "Generated with bulk inserts by `tests/bench/alliance_bench.py` "
        f"({results['SQLite']['counts']['seconds']:.0f} s on SQLite, "
        f"{counts['seconds']:.0f} s on PostgreSQL). Signed in as Henan's provincial competent "
        f"department (password and authenticator code); {REQUESTS} sequential requests per page "
        f"over loopback to gunicorn (2 workers). Target: p95 under {TARGET_MS} ms. *Queries*: "
        "the page's SQL statements (the same at any size: "
        "tests/alliances/test_registry_scale.py). *Seq scans*: big tables the database's plan "
        "reads sequentially for the page (SQLite: EXPLAIN QUERY PLAN, a SCAN of the table "
        "itself). Load average (1 min) when the requests started: "
        + ", ".join(f"{db} {r['load']:.1f}" for db, r in results.items())
        + " — other work on the machine (2 cores) makes the figures vary.",
        "",
        "| page | database | queries | median ms | p95 ms | max ms | seq scans |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for db, result in results.items():
        for name, r in result["pages"].items():
            lines.append(
                f"| {name} `{r['url']}` | {db} | {r['queries']} | {r['median']:.1f} | "
                f"{r['p95']:.1f} | {r['max']:.1f} | {', '.join(r['seq_scans']) or '—'} |"
            )
    write_section("alliance-list-national", "\n".join(lines))
    print("\n".join(lines))
    print(f"plans: {dump}")


if __name__ == "__main__":
    main()
