"""The embedded scheduler: without Redis, ``lianmeng serve`` runs the reminder job itself, every
LIANMENG_REMINDER_INTERVAL_MINUTES, in a background thread of each web worker
(docs/decisions/0016-task-queue.md). Several workers (or processes, or a Celery worker as well)
running it at once still send each reminder once: the Reminder table decides.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connection

logger = logging.getLogger("lianmeng.schedule")


def run_once() -> int:
    """Run the reminder job now; the number of reminders sent (errors are logged)."""
    from .reminders import send_due_reminders

    try:
        sent = send_due_reminders()
        for item in sent:
            logger.info("reminder sent: %s", item.line())
        return len(sent)
    except Exception:  # the next run tries again; a failure must not kill the thread
        logger.exception("reminder job failed")
        return 0
    finally:
        connection.close()  # the thread's own connection, not left open between runs


def embedded_enabled() -> bool:
    return bool(getattr(settings, "LIANMENG_EMBEDDED_SCHEDULER", True))


def start(
    *,
    interval_seconds: float | None = None,
    first_delay: float | None = None,
    job: Callable[[], int] = run_once,
) -> tuple[threading.Thread, threading.Event]:
    """Start the background thread; set the returned event to stop it."""
    interval = (
        interval_seconds
        if interval_seconds is not None
        else 60 * float(settings.LIANMENG_REMINDER_INTERVAL_MINUTES)
    )
    # a short, random first wait: workers started together do not all run at once
    delay = first_delay if first_delay is not None else 5 + random.uniform(0, 25)  # noqa: S311
    stop = threading.Event()

    def loop() -> None:
        if stop.wait(delay):
            return
        while True:
            job()
            if stop.wait(interval):
                return

    thread = threading.Thread(target=loop, name="lianmeng-reminders", daemon=True)
    thread.start()
    return thread, stop
