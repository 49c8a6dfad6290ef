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

#: (profile, share of the alliances, [(state, share, history of transitions)])
PROFILES: list[tuple[str, float, list[tuple[str, float, list[str]]]]] = [
    (
        "henan",
        0.5,
        [
            ("building", 0.2, ["approve_to_build"]),
            ("building", 0.05, ["approve_to_build", "apply_acceptance", "acceptance_fail"]),
            ("awaiting_acceptance", 0.1, ["approve_to_build", "apply_acceptance"]),
            ("recognised", 0.55, ["approve_to_build", "apply_acceptance", "acceptance_pass"]),
            ("revoked", 0.05, ["approve_to_build", "revoke"]),
            (
                "dissolved",
                0.05,
                ["approve_to_build", "apply_acceptance", "acceptance_pass", "dissolve"],
            ),
        ],
    ),
    (
        "luoyang",
        0.15,
        [("recognised", 0.9, ["recognise"]), ("dissolved", 0.1, ["recognise", "dissolve"])],
    ),
    (
        "baoding",
        0.2,
        [
            ("filed", 0.85, ["file"]),
            ("revoked", 0.05, ["file", "revoke"]),
            ("dissolved", 0.1, ["file", "dissolve"]),
        ],
    ),
    ("heilongjiang", 0.15, [("pilot", 0.9, ["pilot"]), ("dissolved", 0.1, ["pilot", "dissolve"])]),
]
#: a generated alliance's name, as the list shows it
ROW = re.compile(r"基准\d+产业技术创新战略联盟")
START_LABELS = {
    "approve_to_build": "批准筹建",
    "recognise": "认定",
    "file": "备案",
    "pilot": "确定为试点",
}


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
    reporting app is there (:func:`generate_reports`). Returns counts and the competent
    department's account (``bench``, with an authenticator whose key is ``totp_key``).
    ``first``: the number of alliances generated before (a second call adds more)."""
    import random
    from datetime import date, datetime, time, timedelta

    from django.db import transaction

    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction, Unit
    from lianmeng.policy.loader import get_profile
    from lianmeng.running.models import Member, Workspace
    from lianmeng.workflow.models import Deadline, StateChange
    from tests.conftest import make_uscc

    rnd = random.Random(seed)
    now = clock.now()
    today = now.astimezone(clock.BEIJING).date()
    labels: dict[str, str] = dict(START_LABELS)
    kinds: dict[str, str] = {}
    plan: list[tuple[str, str, list[str]]] = []  # (profile, state, history) per alliance
    for profile_id, share, states in PROFILES:
        table = get_profile(profile_id).alliance_lifecycle
        for step in table.transitions if table is not None else ():
            labels[step.id], kinds[step.id] = step.label, step.kind
        count = round(n_alliances * share)
        for state, state_share, history in states:
            plan += [(profile_id, state, history)] * max(1, round(count * state_share))
    rnd.shuffle(plan)
    plan = plan[:n_alliances]
    while len(plan) < n_alliances:
        plan.append(plan[len(plan) % max(1, len(plan))])

    serial = 10_000_000 + first * (members_per_alliance + 1)
    with transaction.atomic():
        # lead units: one per four alliances, in the counties of the profile's area
        units_by_profile: dict[str, list[Unit]] = {}
        rows: list[Unit] = []
        for profile_id, share, _states in PROFILES:
            area = Jurisdiction.objects.get(code=get_profile(profile_id).jurisdiction.value)
            counties = list(
                Jurisdiction.objects.filter(kind="county", active=True, path__startswith=area.path)
            )
            wanted = max(2, round(n_alliances * share / 4))
            units = []
            for i in range(wanted):
                serial += 1
                county = counties[i % len(counties)]
                units.append(
                    Unit(
                        name=f"基准牵头单位{serial}",
                        kind=rnd.choice(
                            ["enterprise", "enterprise", "university", "research_institute"]
                        ),
                        uscc=make_uscc(county.code, serial),
                        region=county,
                    )
                )
            units_by_profile[profile_id] = units
            rows += units
        Unit.objects.bulk_create(rows, batch_size=batch)

        jurisdictions = {
            pid: Jurisdiction.objects.get(code=get_profile(pid).jurisdiction.value)
            for pid, _s, _t in PROFILES
        }
        building_count = 0

        def _construction_deadline(building: bool, rnd: Any, today: date) -> date | None:
            """A third of those in 筹建中 are past their one-year period (the first one too)."""
            nonlocal building_count
            if not building:
                return None
            building_count += 1
            if building_count % 3 == 1:
                return today - timedelta(days=rnd.randrange(1, 200))
            return today + timedelta(days=rnd.randrange(1, 365))

        warnings = any(f.name == "kpi_warning_count" for f in Alliance._meta.get_fields())
        alliances = []
        for i, (profile_id, state, _history) in enumerate(plan):
            profile = get_profile(profile_id)
            decided = today - timedelta(days=rnd.randrange(30, 6 * 365))
            building = state == "building"
            alliances.append(
                Alliance(
                    proposal=None,
                    source=Alliance.Source.LEGACY,
                    reference=f"基准〔{decided.year}〕{first + i + 1}号",
                    profile=profile_id,
                    level=profile.level.value,
                    name=f"基准{first + i + 1}产业技术创新战略联盟",
                    domain=rnd.choice(["industry", "agriculture", "social"]),
                    industry="装备制造",
                    lead_unit=rnd.choice(units_by_profile[profile_id]),
                    jurisdiction=jurisdictions[profile_id],
                    member_count=members_per_alliance,
                    status=state,
                    category=rnd.choice([1, 2, 3]) if profile_id == "baoding" else None,
                    decided_on=decided,
                    construction_deadline=_construction_deadline(building, rnd, today),
                    authority=profile.authority.value
                    if profile.authority
                    else profile.issuer.value,
                    # one in twenty has an indicator behind plan (B-5), the first one too
                    **({"kpi_warning_count": 1 if i % 20 == 0 else 0} if warnings else {}),
                )
            )
        Alliance.objects.bulk_create(alliances, batch_size=batch)
        if alliances[0].pk is None:  # a backend that returns no keys
            alliances = list(Alliance.objects.order_by("id"))

        changes: list[StateChange] = []
        for alliance, (_p, _state, history) in zip(alliances, plan, strict=True):
            at = datetime.combine(alliance.decided_on, time(10), tzinfo=clock.BEIJING)
            before = ""
            for step in history:
                after = _target(alliance.profile, step)
                changes.append(
                    StateChange(
                        subject_kind="alliance",
                        subject_id=alliance.pk,
                        from_state=before,
                        to_state=after,
                        transition=step,
                        kind=kinds.get(step, step),
                        label=labels.get(step, step),
                        actor_office="基准",
                        at=at,
                        data={},
                    )
                )
                before, at = after, at + timedelta(days=rnd.randrange(20, 200))
        StateChange.objects.bulk_create(changes, batch_size=batch)
        if changes[0].pk is None:
            changes = list(StateChange.objects.filter(subject_kind="alliance").order_by("id"))
        last_change = {c.subject_id: c for c in changes}
        deadlines = []
        for alliance in alliances:
            if alliance.status == "building" and alliance.construction_deadline:
                change = last_change[alliance.pk]
                deadlines.append(
                    Deadline(
                        subject_kind="alliance",
                        subject_id=alliance.pk,
                        kind="construction_period",
                        starts_at=change.at,
                        due_at=datetime.combine(
                            alliance.construction_deadline, time(23, 59, 59), tzinfo=clock.BEIJING
                        ),
                        state_change=change,
                    )
                )
        Deadline.objects.bulk_create(deadlines, batch_size=batch)

        workspaces = [
            Workspace(
                alliance=a,
                office_address="河南省郑州市金水区",
                agreement_signed_on=a.decided_on,
                agreement_term_years=5,
                created_at=now,
                updated_at=now,
            )
            for a in alliances
        ]
        Workspace.objects.bulk_create(workspaces, batch_size=batch)
        if workspaces[0].pk is None:
            workspaces = list(Workspace.objects.order_by("alliance_id"))
        members: list[Member] = []
        for alliance, workspace in zip(alliances, workspaces, strict=True):
            region = alliance.lead_unit.region.code
            for j in range(members_per_alliance):
                serial += 1
                lead = j == 0
                left = not lead and j % 17 == 0
                members.append(
                    Member(
                        workspace=workspace,
                        unit=alliance.lead_unit if lead else None,
                        name=alliance.lead_unit.name if lead else f"基准成员单位{serial}",
                        uscc=alliance.lead_unit.uscc if lead else make_uscc(region, serial),
                        kind="enterprise" if j % 4 else "university",
                        role=Member.Role.LEAD if lead else Member.Role.MEMBER,
                        joined_on=alliance.decided_on,
                        left_on=(alliance.decided_on + timedelta(days=400)) if left else None,
                        left_reason="基准退出" if left else "",
                        details={"region_code": region},
                    )
                )
                if len(members) >= batch * 5:
                    Member.objects.bulk_create(members, batch_size=batch)
                    members = []
        Member.objects.bulk_create(members, batch_size=batch)

        reports = generate_reports(alliances, report_years, rnd) if report_years else 0
        account = _bench_account()
    return {
        "alliances": len(alliances),
        "members": Member.objects.count(),
        "state_changes": len(changes),
        "reports": reports,
        **account,
    }


def _target(profile_id: str, transition: str) -> str:
    from lianmeng.policy.loader import get_profile

    table = get_profile(profile_id).alliance_lifecycle
    start = table.start_state(transition)
    if start is not None:
        return start
    return table.transition(transition).to


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


def generate_reports(alliances: list[Any], years: int, rnd: Any, batch: int = 2000) -> int:
    """``years`` years of reports per alliance (issue 13 item 5): every annual report kind of
    its profile per year and one major-event report a year (an agreement renewal for
    Heilongjiang), each with the history rows the engine writes (创建 → 提交 → 接收 or 退回).
    Earlier years are mostly accepted; this year's are waiting, returned or still drafts.
    Self-evaluations carry a KPI warning now and then (B-5)."""
    from datetime import datetime, time, timedelta

    from lianmeng.core import clock
    from lianmeng.policy.loader import get_profile
    from lianmeng.reporting.models import Report
    from lianmeng.workflow.models import StateChange

    if not reporting_ready():
        return 0
    now = clock.now()
    this_year = now.astimezone(clock.BEIJING).year
    kinds: dict[str, list[tuple[str, str]]] = {}
    for profile_id, _share, _states in PROFILES:
        reporting = get_profile(profile_id).reporting
        kinds[profile_id] = [
            (k.id, k.frequency) for k in (reporting.reports if reporting is not None else ())
        ]
    labels = {"create": "创建报告", "submit": "提交", "accept": "接收", "return": "退回修改"}
    total = 0
    reports: list[Report] = []
    paths: list[list[str]] = []

    def flush() -> None:
        nonlocal total, reports, paths
        Report.objects.bulk_create(reports, batch_size=batch)
        if reports and reports[0].pk is None:
            raise RuntimeError("bulk_create returned no keys")
        changes = []
        for report, path in zip(reports, paths, strict=True):
            at = report.created_at
            before = ""
            for step, after in zip(["create", "submit", "decide"], path, strict=False):
                name = step if step != "decide" else ("accept" if after == "accepted" else "return")
                changes.append(
                    StateChange(
                        subject_kind="report",
                        subject_id=report.pk,
                        from_state=before,
                        to_state=after,
                        transition=name,
                        kind=name,
                        label=labels[name],
                        actor_office="基准",
                        at=at,
                        data={},
                    )
                )
                before, at = after, at + timedelta(days=10)
        StateChange.objects.bulk_create(changes, batch_size=batch)
        total += len(reports)
        reports, paths = [], []

    for alliance in alliances:
        for year in range(this_year - years + 1, this_year + 1):
            current = year == this_year
            for kind, frequency in kinds[alliance.profile]:
                if frequency == "agreement_term" and year != this_year - 1:
                    continue  # re-signed every few years: one in the five
                roll = rnd.random()
                if current:
                    state = (
                        "draft"
                        if roll < 0.2
                        else "returned"
                        if roll < 0.3
                        else "submitted"
                        if roll < 0.75
                        else "accepted"
                    )
                else:
                    state = "accepted" if roll < 0.95 else "returned"
                path = {
                    "draft": ["draft"],
                    "submitted": ["draft", "submitted"],
                    "accepted": ["draft", "submitted", "accepted"],
                    "returned": ["draft", "submitted", "returned"],
                }[state]
                created = datetime.combine(
                    datetime(year, 1, 1).date() + timedelta(days=rnd.randrange(0, 300)),
                    time(9),
                    tzinfo=clock.BEIJING,
                )
                created = min(created, now - timedelta(days=30))
                warned = kind == "self_evaluation" and roll > 0.9
                reports.append(
                    Report(
                        alliance=alliance,
                        profile=alliance.profile,
                        kind=kind,
                        year=year if frequency == "annual" else None,
                        event_kind="major_project" if frequency == "event" else "",
                        content={"summary": "基准报告内容" * 20},
                        status=state,
                        warnings=[{"indicator": "patents", "plan": 10, "actual": 2}]
                        if warned
                        else [],
                        warning_count=1 if warned else 0,
                        region=alliance.lead_unit.region,
                        lead_unit=alliance.lead_unit,
                        created_at=created,
                        submitted_at=created + timedelta(days=10) if state != "draft" else None,
                    )
                )
                paths.append(path)
        if len(reports) >= batch * 5:
            flush()
    flush()
    return total


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
