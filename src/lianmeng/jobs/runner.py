"""Hands a stored job to whatever runs it, after the transaction that stored it commits.

``LIANMENG_JOBS_MODE``:

- ``celery`` (default when ``REDIS_URL`` is set): the task ``lianmeng.jobs.run`` goes to the
  broker and a worker (``lianmeng worker``) runs it; when the broker cannot be reached the job
  runs in the web process instead (logged), so a submission never fails for it;
- ``thread`` (default without Redis, ``make run``): a small pool of threads in the web
  process (``LIANMENG_JOBS_THREADS``, 2);
- ``eager``: at once, in the caller's thread (the tests).

Besides jobs (a :class:`~lianmeng.jobs.models.Job` row with an owner and progress), short
work without a row goes the same way: a function registered by name with
:func:`register_task` (by a higher app, at its ready) and handed over with
:func:`enqueue` (the Celery task ``lianmeng.jobs.call`` looks it up by name on the worker).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction

logger = logging.getLogger(__name__)

TASK = "lianmeng.jobs.run"
#: the Celery task that calls a function registered with :func:`register_task`
CALL_TASK = "lianmeng.jobs.call"

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_sender: Any = None
_TASKS: dict[str, Callable[..., Any]] = {}


def mode() -> str:
    return str(getattr(settings, "LIANMENG_JOBS_MODE", "thread")).strip().lower()


def after_commit(fn: Callable[[], None]) -> None:
    """Run ``fn`` once the current transaction commits, or now outside any.

    A test's own wrapping transaction (Django's TestCase) does not count: there the work
    runs as it would after a real commit."""
    blocks = getattr(connection, "atomic_blocks", [])
    if connection.in_atomic_block and not all(
        getattr(block, "_from_testcase", False) for block in blocks
    ):
        transaction.on_commit(fn, robust=True)
    else:
        fn()


def dispatch(job_id: int) -> None:
    """Start job ``job_id`` after the commit, in the configured way."""
    after_commit(lambda: send(job_id))


def send(job_id: int) -> None:
    chosen = mode()
    if chosen == "eager":
        from .services import job_run

        job_run(job_id)
        return
    if chosen == "celery":
        try:
            _celery().send_task(TASK, args=[job_id])
            return
        except Exception:  # broker down: run it here rather than leave it queued
            logger.exception("job %s: the broker refused it; running it in process", job_id)
    _thread_pool().submit(_run_in_thread, job_id)


def register_task(name: str, fn: Callable[..., Any]) -> None:
    """Register (or replace) ``fn`` under ``name`` for :func:`enqueue`; its arguments must
    be JSON values (they travel through the broker)."""
    _TASKS[name] = fn


def call(name: str, *args: Any) -> Any:
    """Run the registered function ``name`` here and now (the worker's task, the threads)."""
    try:
        fn = _TASKS[name]
    except KeyError:
        raise LookupError(f"no task registered as {name!r}") from None
    return fn(*args)


def enqueue(name: str, *args: Any) -> None:
    """Call the registered function ``name`` with ``args`` after the commit, off the request:
    on the worker (celery), in the pool of threads (thread) or at once (eager)."""
    if name not in _TASKS:
        raise LookupError(f"no task registered as {name!r}")
    after_commit(lambda: send_call(name, list(args)))


def send_call(name: str, args: list[Any]) -> None:
    chosen = mode()
    if chosen == "eager":
        call(name, *args)
        return
    if chosen == "celery":
        try:
            _celery().send_task(CALL_TASK, args=[name, args])
            return
        except Exception:  # broker down: run it here rather than lose it
            logger.exception("task %s: the broker refused it; running it in process", name)
    _thread_pool().submit(_call_in_thread, name, args)


def _call_in_thread(name: str, args: list[Any]) -> None:
    close_old_connections()
    try:
        call(name, *args)
    except Exception:
        logger.exception("task %s failed", name)
    finally:
        connection.close()


def _celery() -> Any:
    """A client of the broker configured like the worker's app (lianmeng.schedule.celery)."""
    global _sender
    if _sender is None:
        from celery import Celery

        app = Celery("lianmeng-jobs-sender", set_as_current=False)
        app.config_from_object("django.conf:settings", namespace="CELERY")
        _sender = app
    return _sender


def _thread_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            size = max(1, int(getattr(settings, "LIANMENG_JOBS_THREADS", 2)))
            _pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="lianmeng-job")
        return _pool


def _run_in_thread(job_id: int) -> None:
    from .services import job_run

    close_old_connections()
    try:
        job_run(job_id)
    except Exception:
        logger.exception("job %s failed outside its own error handling", job_id)
    finally:
        connection.close()  # this thread's connection; the pool's threads live on
