"""gunicorn settings for `lianmeng serve` (``-c python:lianmeng.config.gunicorn``).

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
