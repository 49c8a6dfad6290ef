"""The task queue: Celery on Redis when REDIS_URL is set (the broker, the beat schedule, a real
round trip through a worker), and the embedded scheduler thread of `lianmeng serve` without."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

from lianmeng.schedule.models import Reminder

from .conftest import beijing

REDIS = "redis://127.0.0.1:6379/15"


def _settings_in_a_fresh_process(env: dict[str, str]) -> dict:
    code = (
        "import json, django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE']='lianmeng.config.settings';"
        "django.setup();"
        "from django.conf import settings;"
        "from lianmeng.schedule.celery import app;"
        "print(json.dumps({'broker': app.conf.broker_url,"
        " 'beat': {k: [v['task'], v['schedule']] for k, v in app.conf.beat_schedule.items()},"
        " 'embedded': settings.LIANMENG_EMBEDDED_SCHEDULER}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_celery_takes_redis_from_redis_url_and_beat_runs_the_job_every_n_minutes():
    conf = _settings_in_a_fresh_process(
        {"REDIS_URL": "redis://queue.example:6379/2", "LIANMENG_REMINDER_INTERVAL_MINUTES": "5"}
    )
    assert conf["broker"] == "redis://queue.example:6379/2"
    assert conf["beat"] == {
        "send-due-reminders": ["lianmeng.schedule.send_due_reminders", 300.0],
        "jobs-cleanup": ["lianmeng.jobs.cleanup", 3600],  # expired export results (issue 17)
    }
    assert conf["embedded"] is False  # the worker runs it; serve's thread stays off
    conf = _settings_in_a_fresh_process({})
    assert conf["broker"] == "memory://" and conf["embedded"] is True


def test_worker_command_without_redis_says_what_to_do(monkeypatch, capsys):
    from lianmeng.cli import main

    monkeypatch.delenv("REDIS_URL", raising=False)
    assert main(["worker"]) == 2
    assert "REDIS_URL" in capsys.readouterr().err


def test_the_task_runs_the_job(file_proposal, applicant, deadline, at):
    from lianmeng.schedule.celery import send_due_reminders_task

    at(2021, 1, 1, 9)
    proposal = file_proposal("henan")
    applicant(proposal)
    deadline(proposal, beijing(2021, 3, 1, 10))
    lines = send_due_reminders_task.apply(args=["2021-02-28T09:00+08:00"]).get()
    assert len(lines) == 1 and "还有 1 天到期" in lines[0]
    assert Reminder.objects.get().step == "before_1"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the worker's thread needs its own real connection (PostgreSQL)",
)
def test_a_task_sent_through_redis_is_run_by_a_worker(
    transactional_db, file_proposal, applicant, deadline, at
):
    from celery.contrib.testing.worker import start_worker

    from lianmeng.schedule.celery import app, send_due_reminders_task

    at(2021, 1, 1, 9)
    proposal = file_proposal("henan")
    applicant(proposal)
    deadline(proposal, beijing(2021, 3, 1, 10))
    before = {k: app.conf[k] for k in ("broker_url", "result_backend")}
    app.conf.broker_url = REDIS
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            send_due_reminders_task.delay("2021-02-22T09:00+08:00")
            deadline_at = time.monotonic() + 20
            while not Reminder.objects.exists() and time.monotonic() < deadline_at:
                time.sleep(0.1)
    finally:
        app.conf.update(before)
    assert list(Reminder.objects.values_list("step", flat=True)) == ["before_7"]


def test_the_embedded_scheduler_runs_the_job_every_interval_until_stopped():
    from lianmeng.schedule.scheduler import start

    runs: list[float] = []
    ran_twice = threading.Event()

    def job() -> int:
        runs.append(time.monotonic())
        if len(runs) >= 2:
            ran_twice.set()
        return 0

    thread, stop = start(interval_seconds=0.05, first_delay=0, job=job)
    assert ran_twice.wait(5)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()


def test_serve_workers_start_the_scheduler_only_without_redis(monkeypatch, settings):
    from lianmeng.config import gunicorn
    from lianmeng.documents import pdf
    from lianmeng.schedule import scheduler

    started = []
    monkeypatch.setattr(pdf, "warm_up", lambda: None)
    monkeypatch.setattr(scheduler, "start", lambda **kw: started.append(kw))
    settings.LIANMENG_EMBEDDED_SCHEDULER = True
    gunicorn.post_worker_init(None)
    assert len(started) == 1
    settings.LIANMENG_EMBEDDED_SCHEDULER = False
    gunicorn.post_worker_init(None)
    assert len(started) == 1
