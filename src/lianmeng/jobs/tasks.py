"""The Celery tasks that run one job or call one function registered by name (registered on
the worker's app by lianmeng.schedule.celery, which imports this module)."""

from __future__ import annotations

from celery import shared_task

from .runner import CALL_TASK, TASK


@shared_task(name=TASK, ignore_result=True)
def run_job_task(job_id: int) -> None:
    from django.db import connection

    from .services import job_run

    try:
        job_run(int(job_id))
    finally:
        if not connection.in_atomic_block:
            connection.close()


@shared_task(name=CALL_TASK, ignore_result=True)
def call_task(name: str, args: list | None = None) -> None:
    """A function registered with :func:`lianmeng.jobs.runner.register_task` (by name: the
    worker's apps registered theirs when Django set up)."""
    from django.db import connection

    from .runner import call

    try:
        call(name, *(args or []))
    finally:
        if not connection.in_atomic_block:
            connection.close()


CLEANUP_TASK = "lianmeng.jobs.cleanup"


@shared_task(name=CLEANUP_TASK, ignore_result=True)
def cleanup_jobs_task() -> int:
    """Delete expired results (beat: CELERY_BEAT_SCHEDULE["jobs-cleanup"])."""
    from django.db import connection

    from .services import jobs_cleanup

    try:
        return jobs_cleanup()
    finally:
        if not connection.in_atomic_block:
            connection.close()
