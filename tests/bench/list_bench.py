"""p95 latency of the competent department's proposal list at 5,000 proposals.

Runs gunicorn (2 workers) on a fresh database, SQLite and then PostgreSQL, signs in as the
province's competent department and requests the list page repeatedly over loopback.
Run: uv run python -m tests.bench.list_bench   (writes its section of docs/benchmarks.md)
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.bench.machine import machine_line, write_section

N_PROPOSALS = 5000
REQUESTS = 200
PG_URL = os.environ.get("PG_BENCH_URL", "postgres://postgres@127.0.0.1:5432/lianmeng_bench")

SEED = r"""
import random
from django.db import transaction
from lianmeng.core.models import Jurisdiction, Unit
from lianmeng.core.services import unit_create, user_create
from lianmeng.proposals.models import Proposal
from tests.conftest import make_uscc
rnd = random.Random(7)
counties = list(Jurisdiction.objects.filter(code__startswith="41", kind="county", active=True))
units = [unit_create(actor=None, name=f"基准单位{i}", kind="enterprise",
                     uscc=make_uscc(counties[i % len(counties)].code, 900000 + i)) for i in range(200)]
user_create(actor=None, username="bench", password="Lianmeng-Bench-2026", roles=["competent"],
            jurisdiction=Jurisdiction.objects.get(code="410000"))
rows = []
for i in range(N):
    u = units[i % len(units)]
    rows.append(Proposal(profile="henan", call_year=2020 + i % 6, name=f"河南省基准{i}产业技术创新战略联盟",
        domain="industry", lead_unit=u, region=u.region, member_count=10 + i % 50,
        status=rnd.choice(["submitted", "returned", "withdrawn"]),
        document={"members": [{"name": f"成员{j}"} for j in range(10)], "texts": {"plan": "计划" * 500}}))
with transaction.atomic():
    Proposal.objects.bulk_create(rows, batch_size=500)
print(Proposal.objects.count())
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "lianmeng.cli", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def bench(database_url: str | None) -> dict[str, float]:
    data = tempfile.mkdtemp(prefix="lm-bench-")
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
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
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
        url = base + "/proposals/?page=3"
        assert "基准" in opener.open(url).read().decode(), "the list did not render proposals"
        times = []
        for _ in range(REQUESTS):
            t0 = time.perf_counter()
            opener.open(url).read()
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
        "## 主管部门申报列表 / Competent department's proposal list",
        "",
        f"Machine: {machine_line()}",
        "",
        f"{N_PROPOSALS} proposals, GET /proposals/?page=3 (20 per page) as the province's competent "
        f"department, {REQUESTS} sequential requests over loopback to gunicorn (2 workers). "
        "Target: p95 under 150 ms.",
        "",
        "| database | median ms | p95 ms | max ms |",
        "| --- | --- | --- | --- |",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['median']:.1f} | {r['p95']:.1f} | {r['max']:.1f} |")
    write_section("proposal-list", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
