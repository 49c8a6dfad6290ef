"""The Celery app (``celery -A lianmeng.schedule.celery``, or ``lianmeng worker``): the broker
is Redis at REDIS_URL; beat runs the reminder job every LIANMENG_REMINDER_INTERVAL_MINUTES.
Without REDIS_URL the embedded scheduler of ``lianmeng serve`` runs it instead
(docs/decisions/0016-task-queue.md).
"""

from __future__ import annotations

import os
from datetime import datetime

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianmeng.config.settings")

TASK = "lianmeng.schedule.send_due_reminders"

app = Celery("lianmeng")
# CELERY_* of lianmeng.config.settings: broker from REDIS_URL, beat schedule, time zone
app.config_from_object("django.conf:settings", namespace="CELERY")
# background jobs (lianmeng.jobs, issue 17): the task that runs one job and the cleanup
import lianmeng.jobs.tasks  # noqa: E402, F401


@app.task(name=TASK, ignore_result=True)
def send_due_reminders_task(now: str | None = None) -> list[str]:
    """The reminder job; ``now`` (ISO 8601) only for trying a moment by hand."""
    from django.db import connection

    from .reminders import send_due_reminders

    moment = datetime.fromisoformat(now) if now else None
    try:
        return [sent.line() for sent in send_due_reminders(moment)]
    finally:
        if not connection.in_atomic_block:
            connection.close()  # a job every few minutes keeps no connection open between runs
