"""Several machines, on loopback: a fresh PostgreSQL database and a Redis database of its own,
``lianmeng setup`` (its migrations) and ``lianmeng demo`` into them, two app servers (gunicorn,
each with its own data directory, as on two machines; files on the S3-compatible store), a
small round-robin reverse proxy in front that passes X-Forwarded-For, and one ``lianmeng
worker`` (Celery worker + beat). It proves what issue 17 asks of several machines:

- a user signs in through one app server and continues on the other with the same cookie;
- the per-account sign-in limit counts the attempts of both servers together (Redis);
- a task queued by one app server (the dashboard's 刷新) is run by the worker;
- a due reminder goes out once, in the inbox and by e-mail, while both app servers' reminder
  threads and the worker's beat run the job every second or three.

PostgreSQL and Redis only (skipped on SQLite, or when either is unreachable).
"""

from __future__ import annotations

import html
import http.client
import itertools
import json
import os
import re
import secrets
import signal
import socket
import subprocess  # noqa: S404 - our own programs, never through a shell
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
import requests
from django.db import connection

from .conftest import redis_up
from .gunicorn_conf import RAN

#: a line of an app server's reminder thread (gunicorn_conf.py), and of Celery's log
REMINDER_RAN = re.escape(RAN) + r" pid=\d+ sent=\d+"
TASK_DONE = r"Task %s\[[^\]]+\] succeeded"

#: the Redis database of this test alone (broker, cache, sessions, rate limits)
REDIS_DB = 8
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
#: the proxy reaches the app servers from this loopback address (another machine's, so to
#: speak); the browser reaches the proxy from 127.0.0.1
PROXY_ADDRESS = "127.0.0.2"
DEMO_PASSWORD = "Lianmeng-Demo-2026"  # noqa: S105 - the documented demo password
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LIANMENG = str(Path(sys.executable).with_name("lianmeng"))

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="several machines share PostgreSQL, not SQLite"
    ),
    pytest.mark.skipif(not redis_up(), reason="no Redis at 127.0.0.1:6379"),
]


# -------------------------------------------------------------------------- the machines


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg() -> dict[str, Any]:
    conf = connection.settings_dict
    return {
        "host": conf.get("HOST") or "127.0.0.1",
        "port": int(conf.get("PORT") or 5432),
        "user": conf.get("USER") or "postgres",
        "password": conf.get("PASSWORD") or "",
    }


def _admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **_pg()) as conn:
        conn.execute(statement)


class Database:
    """The fresh database, read directly (the test's own Django talks to its test database)."""

    def __init__(self, name: str) -> None:
        self.name = name
        pg = _pg()
        auth = pg["user"] + (f":{quote(pg['password'])}" if pg["password"] else "")
        self.url = f"postgres://{auth}@{pg['host']}:{pg['port']}/{name}"

    def rows(self, sql: str, *params: Any) -> list[tuple]:
        import psycopg

        with psycopg.connect(dbname=self.name, autocommit=True, **_pg()) as conn:
            return conn.execute(sql, params).fetchall()

    def value(self, sql: str, *params: Any) -> Any:
        return self.rows(sql, *params)[0][0]


class Process:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.log = logs / f"{name}.log"
        self.handle = self.log.open("wb")
        self.popen = subprocess.Popen(  # noqa: S603
            argv,
            env=env,
            cwd=ROOT,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn's and Celery's children
        )

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def terminate(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)  # gunicorn, Celery: a graceful stop

    def wait(self) -> None:
        try:
            self.popen.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)
        self.handle.close()


def _run(argv: list[str], env: dict[str, str], timeout: float = 300) -> str:
    out = subprocess.run(  # noqa: S603
        argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert out.returncode == 0, f"{argv[1:]} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}"
    return out.stdout


def _wait_for(what: str, ready: Callable[[], Any], timeout: float, logs: list[Process]) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if result := ready():
            return result
        for process in logs:
            assert process.popen.poll() is None, f"{process.name} exited:\n{process.text()[-3000:]}"
        time.sleep(0.2)
    tails = "\n".join(f"--- {p.name}\n{p.text()[-1500:]}" for p in logs)
    pytest.fail(f"waited {timeout:.0f} s for {what}\n{tails}")


def _answers(port: int, path: str = "/healthz") -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", path)
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


# ------------------------------------------------------------------- the reverse proxy

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}


def start_proxy(upstreams: list[tuple[str, int]]) -> ThreadingHTTPServer:
    """Round robin over ``upstreams`` (name, port), as nginx's upstream block does: adds the
    client's address to X-Forwarded-For and names the server that answered in X-Upstream."""
    turn = itertools.count()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def forward(self) -> None:
            name, port = upstreams[next(turn) % len(upstreams)]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            earlier = self.headers.get("X-Forwarded-For")
            client = self.client_address[0]
            headers["X-Forwarded-For"] = f"{earlier}, {client}" if earlier else client
            upstream = http.client.HTTPConnection(
                "127.0.0.1", port, timeout=60, source_address=(PROXY_ADDRESS, 0)
            )
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
            upstream.close()
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():  # every Set-Cookie, one by one
                if key.lower() not in HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("X-Upstream", name)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = forward

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# ------------------------------------------------------------------------ the cluster


class Cluster:
    def __init__(self, db: Database, proxy_url: str, servers: dict[str, Process], worker: Process):
        self.db = db
        self.proxy_url = proxy_url
        self.servers = servers
        self.worker = worker
        self.ports: dict[str, int] = {}

    @property
    def processes(self) -> list[Process]:
        return [*self.servers.values(), self.worker]


@pytest.fixture
def cluster(tmp_path, s3_endpoint) -> Iterator[Cluster]:
    from .conftest import BUCKET, s3_client, s3_env

    name = f"lianmeng_machines_{os.getpid()}_{secrets.token_hex(3)}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    db = Database(name)
    queue = redis.Redis.from_url(REDIS_URL)
    queue.flushdb()
    s3 = s3_client(s3_endpoint)
    try:
        s3.create_bucket(Bucket=BUCKET)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    ports = {"a": _free_port(), "b": _free_port()}
    proxy = start_proxy([("a", ports["a"]), ("b", ports["b"])])
    proxy_url = f"http://127.0.0.1:{proxy.server_address[1]}"
    logs = tmp_path / "logs"
    logs.mkdir()
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")
    base = {k: os.environ[k] for k in keep if k in os.environ}
    base.update(
        {
            "PYTHONUNBUFFERED": "1",
            "DJANGO_SETTINGS_MODULE": "lianmeng.config.settings",
            "DATABASE_URL": db.url,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": secrets.token_urlsafe(50),  # the same on every machine
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LIANMENG_SITE_URL": proxy_url,
            "LIANMENG_TRUSTED_PROXIES": PROXY_ADDRESS,
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "LIANMENG_REMINDER_INTERVAL_MINUTES": "0.05",  # beat: every 3 s
            "LOG_LEVEL": "INFO",
            **s3_env(s3_endpoint, name),
        }
    )

    def machine(label: str) -> dict[str, str]:
        data = tmp_path / label  # each machine its own data directory
        data.mkdir()
        return {**base, "LIANMENG_DATA_DIR": str(data)}

    started: list[Process] = []
    try:
        # `lianmeng setup` is migrate + compilemessages + collectstatic: the suite has compiled
        # the messages, and static files are served from the packages (WHITENOISE_USE_FINDERS)
        _run([LIANMENG, "manage", "migrate", "-v", "0"], machine("setup"))
        demo = subprocess.Popen(  # noqa: S603 - runs while the servers start
            [LIANMENG, "demo"],
            env=machine("demo"),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        servers = {}
        for label, port in ports.items():
            servers[label] = Process(
                f"app-{label}",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "lianmeng.config.wsgi",
                    "--config",
                    str(HERE / "gunicorn_conf.py"),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                ],
                {**machine(f"app-{label}"), "LIANMENG_EMBEDDED_SCHEDULER": "1"},
                logs,
            )
            started.append(servers[label])
        worker = Process(
            "worker", [LIANMENG, "worker", "--concurrency", "1"], machine("worker"), logs
        )
        started.append(worker)
        output, _ = demo.communicate(timeout=300)
        assert demo.returncode == 0, output[-3000:]
        assert "演示账号的密码均为" in output
        for label, port in ports.items():
            _wait_for(f"app server {label}", lambda p=port: _answers(p, "/readyz"), 60, started)
        _wait_for("the worker", lambda: "ready." in worker.text(), 60, started)
        result = Cluster(db, proxy_url, servers, worker)
        result.ports = ports
        yield result
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait()
        proxy.shutdown()
        queue.flushdb()
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ----------------------------------------------------------------------- the browser


class Browser:
    """A client of the proxy: one cookie jar, no redirect followed (each hop is seen)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.session.get(self.base + path, allow_redirects=False, timeout=60, **kwargs)

    def token(self, form: str) -> str:
        page = self.get(form)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert found, f"no form on {form}: {page.status_code}"
        return found.group(1)

    def post(
        self, path: str, data: dict[str, str], *, form: str | None = None, token: str = ""
    ) -> Any:
        """Open the form (``form``, else ``path``) for its token, then submit it."""
        payload = {"csrfmiddlewaretoken": token or self.token(form or path), **data}
        return self.session.post(self.base + path, data=payload, allow_redirects=False, timeout=60)


def _name_with_a_long_window(period: int = 60) -> str:
    """A user name whose rate-limit window has at least 40 s to run: django-ratelimit counts in
    fixed windows that end at an offset of each key's own, and eleven attempts straddling the end
    of one would each be counted in a fresh window."""
    from django_ratelimit.core import _get_window

    for n in itertools.count():
        name = f"no-such-user-{n}"
        if _get_window(name, period) - time.time() >= 40:
            return name
    raise AssertionError  # pragma: no cover - itertools.count never ends


def _totp(db: Database, username: str) -> str:
    """The current code of the account's (demo) authenticator, as the phone would show it."""
    from django_otp.oath import totp

    key, step, t0, digits, drift = db.rows(
        "SELECT d.key, d.step, d.t0, d.digits, d.drift FROM otp_totp_totpdevice d"
        " JOIN core_user u ON u.id = d.user_id WHERE u.username = %s AND d.confirmed",
        username,
    )[0]
    return f"{totp(bytes.fromhex(key), step=step, t0=t0, digits=digits, drift=drift):0{digits}d}"


# --------------------------------------------------------------------------- the test


def test_two_app_servers_behind_a_proxy_share_sessions_limits_the_queue_and_reminders(
    cluster: Cluster,
):
    db = cluster.db

    # 1. sign in through one server, carry on through the other with the same cookie
    alice = Browser(cluster.proxy_url)
    signed_in = alice.post(
        "/accounts/login/",
        {"username": "shenbao", "password": DEMO_PASSWORD},
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    home = alice.get("/home/")
    assert home.status_code == 200 and "张申报" in home.text
    assert {signed_in.headers["X-Upstream"], home.headers["X-Upstream"]} == {"a", "b"}
    cookie = alice.session.cookies["sessionid"]
    for label, port in cluster.ports.items():  # and straight to each server
        page = requests.get(
            f"http://127.0.0.1:{port}/home/",
            cookies={"sessionid": cookie},
            allow_redirects=False,
            timeout=60,
        )
        assert page.status_code == 200 and "张申报" in page.text, label
    assert [k for k in redis.Redis.from_url(REDIS_URL).keys("*sessions*") if cookie.encode() in k]
    # the proxy passed the client's address on: the audit trail has it, not the proxy's
    audited = db.rows("SELECT DISTINCT host(ip) FROM core_auditentry WHERE ip IS NOT NULL")
    assert audited == [("127.0.0.1",)]

    # 2. ten wrong passwords for one name a minute, counted across both servers
    mallory = Browser(cluster.proxy_url)
    token = mallory.token("/accounts/login/")
    wrong = {"username": _name_with_a_long_window(), "password": "x" * 12}
    answers = [mallory.post("/accounts/login/", wrong, token=token) for _ in range(11)]
    servers = {a.headers["X-Upstream"] for a in answers}
    assert servers == {"a", "b"}
    assert [a.status_code for a in answers[:10]] == [200] * 10  # the form again, with an error
    assert answers[10].status_code == 429 and "登录尝试过于频繁" in answers[10].text

    # 3. a task queued by one app server is run by the worker
    staff = Browser(cluster.proxy_url)
    first = staff.post("/accounts/login/", {"username": "luoyang", "password": DEMO_PASSWORD})
    assert first.status_code == 302 and "/accounts/login/verify/" in first.headers["Location"]
    verified = staff.post("/accounts/login/verify/", {"code": _totp(db, "luoyang")})
    assert verified.status_code == 302, verified.text[:500]
    before = db.value(
        "SELECT s.computed_at FROM insight_snapshot s JOIN core_jurisdiction j ON j.id = s.scope_id"
        " WHERE j.code = '410300' AND s.kind = 'dashboard'"
    )
    queued = staff.post("/staff/insight/refresh/", {}, form="/staff/insight/")
    assert queued.status_code == 302
    page = staff.get("/staff/insight/")
    assert "已提交刷新任务" in page.text  # the message, read on the other server
    assert page.headers["X-Upstream"] != queued.headers["X-Upstream"]
    after = _wait_for(
        "the worker to refresh the dashboard",
        lambda: (
            db.value(
                "SELECT s.computed_at FROM insight_snapshot s"
                " JOIN core_jurisdiction j ON j.id = s.scope_id"
                " WHERE j.code = '410300' AND s.kind = 'dashboard'"
            )
            > before
        ),
        30,
        cluster.processes,
    )
    assert after
    assert re.search(TASK_DONE % "lianmeng.insight.refresh_snapshot", cluster.worker.text())

    # 4. a reminder due now goes out once, with three runners racing every second or three
    made = _run([sys.executable, "-c", DEADLINE], {**os.environ, "DATABASE_URL": db.url})
    deadline_id, change_id = json.loads(made.strip().splitlines()[-1])
    marks = {p.name: len(p.text()) for p in cluster.processes}

    def raced() -> bool:
        """Sent, and since the deadline exists every runner has run the job twice."""
        sent = db.value(
            "SELECT COUNT(*) FROM schedule_reminder WHERE deadline_id = %s", deadline_id
        )
        runs = [
            len(re.findall(REMINDER_RAN, server.text()[marks[server.name] :]))
            for server in cluster.servers.values()
        ]
        since = cluster.worker.text()[marks[cluster.worker.name] :]
        runs.append(len(re.findall(TASK_DONE % "lianmeng.schedule.send_due_reminders", since)))
        return sent >= 1 and min(runs) >= 2

    _wait_for("every runner to run the job twice", raced, 40, cluster.processes)
    (step, recipients, emails) = db.rows(
        "SELECT step, recipients, emails FROM schedule_reminder WHERE deadline_id = %s",
        deadline_id,
    )[0]
    assert recipients >= 1 and emails == 1  # shenbao has an address
    notes = db.rows(
        "SELECT n.recipient_id, COUNT(*) FROM reviews_notification n"
        " WHERE n.event = 'schedule.reminder' AND n.state_change_id = %s GROUP BY n.recipient_id",
        change_id,
    )
    assert len(notes) == recipients and all(count == 1 for _, count in notes)
    # every reminder of the run (the demo's deadlines too): one inbox entry per person...
    assert not db.rows(
        "SELECT recipient_id, state_change_id, subject FROM reviews_notification"
        " WHERE event = 'schedule.reminder'"
        " GROUP BY recipient_id, state_change_id, subject HAVING COUNT(*) > 1"
    )
    # ...and one e-mail per address the reminders counted, whichever process sent it
    printed = sum(p.text().count("To: shenbao@example.cn") for p in cluster.processes)
    assert printed == 1
    mailed = sum(p.text().count("Message-ID:") for p in cluster.processes)
    assert mailed == db.value("SELECT COALESCE(SUM(emails), 0) FROM schedule_reminder")
    # and the applicant's notifications list it once (read through the proxy again)
    subject = db.value(
        "SELECT subject FROM reviews_notification WHERE state_change_id = %s LIMIT 1", change_id
    )
    listed = alice.get("/notifications/")
    assert listed.status_code == 200 and listed.text.count(html.escape(subject)) == 1


#: a deadline of shenbao's proposal due in an hour, started by a state change that leaves the
#: proposal where it is (as the workflow engine records one); prints [deadline id, change id]
DEADLINE = """
import json, django
from datetime import timedelta
django.setup()
from lianmeng.core import clock
from lianmeng.core.models import User
from lianmeng.proposals.models import Proposal
from lianmeng.workflow.kinds import subject_key
from lianmeng.workflow.models import Deadline, StateChange
user = User.objects.get(username="shenbao")
User.objects.filter(pk=user.pk).update(email="shenbao@example.cn")
proposal = Proposal.objects.filter(lead_unit=user.unit).order_by("id").first()
now = clock.now()
change = StateChange.objects.create(
    **subject_key(proposal), from_state=proposal.status, to_state=proposal.status,
    transition="approve", label="批准筹建", actor=None, at=now,
)
deadline = Deadline.objects.create(
    **subject_key(proposal), kind="construction_period", starts_at=now,
    due_at=now + timedelta(hours=1), state_change=change,
)
print(json.dumps([deadline.pk, change.pk]))
"""
