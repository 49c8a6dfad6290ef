"""gunicorn settings of the app servers of test_several_machines.py: those of ``lianmeng serve``
(lianmeng.config.gunicorn) except the worker start-up. Each worker runs the reminder job in its
background thread (the embedded scheduler of docs/decisions/0016-task-queue.md) from the start
and every second, instead of after 5-30 s and every 15 minutes, and writes a line on stderr
each time, so the test sees both app servers and the Celery worker run the job together. The
PDF warm-up is left out: the test prints no PDF."""

from __future__ import annotations

import os
import sys
from typing import Any

from lianmeng.config.gunicorn import accesslog  # noqa: F401 - the access log on stdout

RAN = "reminder-job-ran"


def post_worker_init(worker: Any) -> None:
    from lianmeng.schedule import scheduler

    def job() -> int:
        sent = scheduler.run_once()
        print(f"{RAN} pid={os.getpid()} sent={sent}", file=sys.stderr, flush=True)
        return sent

    scheduler.start(interval_seconds=1.0, first_delay=0.0, job=job)
