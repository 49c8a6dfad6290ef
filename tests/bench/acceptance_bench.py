"""p95 latency of the competent department's acceptance list (M-21) at 5,000 recommended
proposals, each with its recommendation in the history and half with paper copies received.

Runs gunicorn (2 workers) on a fresh database, SQLite and then PostgreSQL, signs in as the
province's competent department and requests the list page repeatedly over loopback.
Run: uv run python -m tests.bench.acceptance_bench   (writes its section of docs/benchmarks.md)
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.bench.list_bench import _free_port, _run
from tests.bench.machine import machine_line, write_section

N_PROPOSALS = 5000
REQUESTS = 200
PG_URL = os.environ.get(
    "PG_ACCEPTANCE_BENCH_URL", "postgres://postgres@127.0.0.1:5432/lianmeng_bench_acceptance"
)
URL = "/reviews/acceptance/?page=3"

SEED = r"""
from datetime import datetime
from zoneinfo import ZoneInfo
from django.db import transaction
from lianmeng.core.models import Jurisdiction, User
from lianmeng.core.services import unit_create, user_create
from lianmeng.proposals.models import Proposal
from lianmeng.reviews.models import PaperReceipt
from lianmeng.workflow.models import StateChange
from tests.conftest import make_uscc
at = datetime(2020, 9, 18, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
counties = list(Jurisdiction.objects.filter(code__startswith="41", kind="county", active=True))
units = [unit_create(actor=None, name=f"基准单位{i}", kind="enterprise",
                     uscc=make_uscc(counties[i % len(counties)].code, 910000 + i)) for i in range(200)]
bench = user_create(actor=None, username="bench", password="Lianmeng-Bench-2026",
                    roles=["competent"], jurisdiction=Jurisdiction.objects.get(code="410000"))
rows = []
for i in range(N):
    u = units[i % len(units)]
    rows.append(Proposal(profile="henan", call_year=2020, name=f"河南省基准{i}产业技术创新战略联盟",
        domain="industry", lead_unit=u, region=u.region, member_count=10 + i % 50,
        status="recommended" if i % 5 else "accepted",
        document={"members": [{"name": f"成员{j}"} for j in range(10)], "texts": {"plan": "计划" * 500}}))
with transaction.atomic():
    Proposal.objects.bulk_create(rows, batch_size=500)
    ids = list(Proposal.objects.values_list("pk", flat=True))
    StateChange.objects.bulk_create([
        StateChange(subject_kind="proposal", subject_id=pk, from_state=a, to_state=b, transition=t, kind=k, label=l, at=at)
        for pk in ids
        for a, b, t, k, l in (("draft", "submitted", "submit", "submit", "提交"),
                              ("submitted", "county_recommended", "recommend_county", "recommend", "推荐"),
                              ("county_recommended", "recommended", "recommend_city", "recommend", "推荐"))
    ], batch_size=1000)
    PaperReceipt.objects.bulk_create([
        PaperReceipt(proposal_id=pk, copies=2, received_at=at, received_by="张超",
                     recorded_by=bench, recorded_at=at)
        for pk in ids[::2]
    ], batch_size=1000)
print(Proposal.objects.count())
"""


def bench(database_url: str | None) -> dict[str, float]:
    data = tempfile.mkdtemp(prefix="lm-bench-acceptance-")
    env = {
        **os.environ,
        "LIANMENG_DATA_DIR": data,
        "DJANGO_SETTINGS_MODULE": "lianmeng.config.settings",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
        db = urllib.parse.urlparse(database_url).path.lstrip("/")
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    else:
        env.pop("DATABASE_URL", None)
    _run(env, "setup")
    code = f"import django; django.setup()\nN = {N_PROPOSALS}\n" + SEED
    subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, cwd=Path.cwd(), stdout=subprocess.DEVNULL
    )
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
    try:
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        for _ in range(50):
            try:
                page = opener.open(base + "/accounts/login/").read().decode()
                break
            except OSError:
                time.sleep(0.2)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"username": "bench", "password": "Lianmeng-Bench-2026", "csrfmiddlewaretoken": token}
        ).encode()
        opener.open(
            urllib.request.Request(base + "/accounts/login/", data=body, headers={"Referer": base})
        )
        first = opener.open(base + URL).read().decode()
        assert "基准" in first and "5,000" in first or "5000" in first, "the list did not render"
        times = []
        for _ in range(REQUESTS):
            t0 = time.perf_counter()
            opener.open(base + URL).read()
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        return {
            "median": statistics.median(times),
            "p95": times[int(len(times) * 0.95) - 1],
            "max": times[-1],
        }
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    results = {"SQLite": bench(None), "PostgreSQL": bench(PG_URL)}
    lines = [
        "## 受理列表 / Acceptance list (M-21)",
        "",
        f"Machine: {machine_line()}",
        "",
        f"{N_PROPOSALS} recommended proposals (3 history rows each, half with paper copies), "
        f"GET {URL} (20 per page, newest first; paper copies and recommendation time from "
        "subqueries) as the "
        f"province's competent department, {REQUESTS} sequential requests over loopback to "
        "gunicorn (2 workers). Target: p95 under 150 ms.",
        "",
        "| database | median ms | p95 ms | max ms |",
        "| --- | --- | --- | --- |",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['median']:.1f} | {r['p95']:.1f} | {r['max']:.1f} |")
    write_section("acceptance-list", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
