"""The dashboard's refresh on the task queue (Celery over Redis when REDIS_URL is set,
docs/decisions/0016-task-queue.md); without a queue lianmeng.insight.services refreshes inline.

Imported by lianmeng.insight.dashboard (so a worker started on ``lianmeng.schedule.celery``
knows the task once Django's apps are ready)."""

from __future__ import annotations

from lianmeng.schedule.celery import app

TASK = "lianmeng.insight.refresh_snapshot"


@app.task(name=TASK, ignore_result=True)
def refresh_snapshot_task(code: str, kind: str = "dashboard") -> None:
    from django.db import connection

    from lianmeng.core.models import Jurisdiction

    from . import snapshots

    try:
        scope = Jurisdiction.objects.filter(code=code).first()
        if scope is not None:
            snapshots.refresh(scope, kind)
    finally:
        if not connection.in_atomic_block:
            connection.close()
