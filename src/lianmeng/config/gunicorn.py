"""gunicorn settings for `lianmeng serve` (``-c python:lianmeng.config.gunicorn``).

Without Redis (no Celery worker), each worker also runs the deadline reminder job in a
background thread every LIANMENG_REMINDER_INTERVAL_MINUTES (lianmeng.schedule.scheduler); the
Reminder table makes two workers send each reminder once (docs/decisions/0016-task-queue.md).

Each worker renders a one-page PDF when it starts, so the first applicant who downloads a
建议书 from that worker does not wait for WeasyPrint and the CJK fonts to load (measured in
docs/benchmarks.md, “first after warm-up”).
"""

from __future__ import annotations

import logging
from typing import Any

accesslog = "-"


def post_worker_init(worker: Any) -> None:
    try:
        from lianmeng.documents.pdf import warm_up

        warm_up()
    except Exception:  # a failed warm-up only costs the first PDF its speed
        logging.getLogger("lianmeng.documents").warning("PDF warm-up failed", exc_info=True)
    try:
        from lianmeng.schedule.scheduler import embedded_enabled, start

        if embedded_enabled():
            start()
    except Exception:  # the site serves even when the reminder thread cannot start
        logging.getLogger("lianmeng.schedule").exception("reminder scheduler did not start")
