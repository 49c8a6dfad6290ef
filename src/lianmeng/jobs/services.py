"""Starting, running and cleaning up jobs. Every start is audited."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext, pgettext

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import DomainError

from . import registry, runner
from .models import Job

logger = logging.getLogger(__name__)

#: how often a start also clears expired results (thread mode has no beat)
CLEANUP_EVERY_SECONDS = 3600


def keep_days() -> int:
    return int(getattr(settings, "LIANMENG_JOBS_KEEP_DAYS", 7))


def stale_after() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "LIANMENG_JOBS_STALE_MINUTES", 30)))


def parameters_key(parameters: dict[str, Any]) -> str:
    text = json.dumps(parameters, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _active(owner: Any, kind: str, key: str) -> Job | None:
    return (
        Job.objects.filter(owner=owner, kind=kind, parameters_key=key, state__in=Job.ACTIVE)
        .order_by("-id")
        .first()
    )


def _give_up_if_lost(job: Job) -> bool:
    """Mark ``job`` failed when it has shown no sign of life for too long (its process
    ended); True when it was."""
    moment = job.heartbeat_at or job.created_at
    if moment >= clock.now() - stale_after():
        return False
    Job.objects.filter(pk=job.pk, state__in=Job.ACTIVE).update(
        state=Job.State.FAILED,
        error=gettext("任务已中断（服务器重启或超时），请重新开始。"),
        finished_at=clock.now(),
    )
    return True


def job_start(
    *,
    owner: Any,
    kind: str,
    parameters: dict[str, Any] | None = None,
    title: str | None = None,
    language: str | None = None,
) -> Job:
    """Store a job of ``kind`` for ``owner`` and start it after the commit.

    The same work (owner, kind and parameters) already queued or running is returned
    instead of a second job (a double click starts one job)."""
    entry = registry.get(kind)
    if entry is None:
        raise ValueError(f"unknown job kind {kind!r}")
    parameters = dict(parameters or {})
    key = parameters_key(parameters)
    existing = _active(owner, kind, key)
    if existing is not None and not _give_up_if_lost(existing):
        return existing
    now = clock.now()
    try:
        with transaction.atomic():
            job = Job.objects.create(
                owner=owner,
                kind=kind,
                title=(title or entry.title)[:200],
                parameters=parameters,
                parameters_key=key,
                language=(language or translation.get_language() or settings.LANGUAGE_CODE)[:10],
                created_at=now,
                heartbeat_at=now,
            )
            audit_record(
                actor=owner,
                action=(
                    "lianmeng.jobs.personal_data_export.started"
                    if entry.personal_data
                    else "lianmeng.jobs.started"
                ),
                obj=job,
                after={
                    "kind": kind,
                    "parameters": parameters,
                    "personal_data": entry.personal_data,
                },
            )
    except IntegrityError:
        # the other click of a double click stored it first
        existing = _active(owner, kind, key)
        if existing is None:
            raise
        return existing
    runner.dispatch(job.pk)
    _cleanup_now_and_then()
    return job


def job_run(job_id: int) -> None:
    """Run job ``job_id`` once (a second delivery of the same job does nothing)."""
    now = clock.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now, progress=0
    )
    if not claimed:
        return
    job = Job.objects.select_related("owner").get(pk=job_id)
    entry = registry.get(job.kind)
    last = {"percent": -1}

    def report_progress(percent: float, message: str = "") -> None:
        value = max(0, min(99, int(percent)))
        if value == last["percent"] and not message:
            return
        last["percent"] = value
        Job.objects.filter(pk=job.pk).update(
            progress=value, message=str(message)[:200], heartbeat_at=clock.now()
        )

    with translation.override(job.language):
        try:
            if entry is None:
                raise DomainError(gettext("该类任务已不再提供。"))
            result = entry.fn(job, report_progress)
            fields: dict[str, Any] = {}
            if result is not None:
                filename, content, content_type = result
                suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
                stored = default_storage.save(
                    f"jobs/{job.pk}/result.{suffix}", ContentFile(content)
                )
                fields = {
                    "result_name": stored,
                    "result_filename": filename[:200],
                    "result_content_type": content_type[:100],
                    "result_size": len(content),
                }
        except Exception as exc:
            if isinstance(exc, DomainError):
                error = exc.message
            else:
                logger.exception("job %s (%s) failed", job.pk, job.kind)
                error = gettext(
                    "生成时出错，请稍后重新开始；如仍失败，请联系管理员并告知任务编号 %(id)s。"
                ) % {"id": job.pk}
            Job.objects.filter(pk=job.pk).update(
                state=Job.State.FAILED, error=error, finished_at=clock.now()
            )
            return
        done = clock.now()
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.DONE,
            progress=100,
            message=pgettext("job state", "已完成"),
            finished_at=done,
            heartbeat_at=done,
            expires_at=done + timedelta(days=keep_days()),
            **fields,
        )


def jobs_cleanup(now: Any = None) -> int:
    """Delete the results (and the rows) of jobs past their expiry, and finished jobs without a
    result older than the keeping time; the number of jobs removed."""
    moment = now or clock.now()
    old = Job.objects.filter(expires_at__lt=moment) | Job.objects.filter(
        state=Job.State.FAILED, created_at__lt=moment - timedelta(days=keep_days())
    )
    removed = 0
    for job in old.only("pk", "result_name").iterator(chunk_size=500):
        if job.result_name:
            try:
                default_storage.delete(job.result_name)
            except OSError:
                logger.warning("job %s: result %s could not be deleted", job.pk, job.result_name)
                continue
        Job.objects.filter(pk=job.pk).delete()
        removed += 1
    return removed


def _cleanup_now_and_then() -> None:
    if mode_has_beat():
        return
    if cache.add("lianmeng:jobs:cleanup", 1, CLEANUP_EVERY_SECONDS):
        runner.after_commit(jobs_cleanup)


def mode_has_beat() -> bool:
    """Under Celery the beat runs the cleanup (settings CELERY_BEAT_SCHEDULE)."""
    return runner.mode() == "celery"
