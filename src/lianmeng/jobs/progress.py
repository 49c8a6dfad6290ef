"""Helpers for the functions of a job kind: progress over a stream of rows, progress from
inside one long transaction, and the request a list export's filters are read from (the query
string it was started with, and its owner)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from django.db import DatabaseError, connections, router
from django.http import QueryDict
from django.utils.translation import gettext

from lianmeng.core import clock

from .registry import ReportProgress

logger = logging.getLogger(__name__)


def tracked(
    rows: Iterable[Any],
    total: int,
    report: ReportProgress | None,
    *,
    every: int = 250,
    start: int = 5,
    end: int = 95,
) -> Iterator[Any]:
    """Yield ``rows`` and report ``start``–``end`` % as they pass (every ``every`` rows)."""
    if report is not None:
        report(start, gettext("正在读取数据…"))
    done = 0
    for row in rows:
        yield row
        done += 1
        if report is not None and done % every == 0:
            share = done / total if total else 1
            report(
                start + (end - start) * min(share, 1),
                gettext("已写入 %(done)s / %(total)s 行") % {"done": done, "total": total},
            )
    if report is not None:
        report(end, gettext("正在生成文件…"))


def request_of(job: Any) -> Any:
    """What a list view reads its filters from, rebuilt for the job: ``GET`` (the query
    string saved at start), ``user`` (the owner) and ``LANGUAGE_CODE``."""
    return SimpleNamespace(
        GET=QueryDict((job.parameters or {}).get("query", "")),
        user=job.owner,
        LANGUAGE_CODE=job.language,
    )


@contextmanager
def seen_during_transaction(job: Any, report: ReportProgress) -> Iterator[ReportProgress]:
    """``report`` for work that runs in one long transaction (an evaluation's ranking): what
    it writes inside the transaction would only be seen by the progress page at the commit.
    On PostgreSQL such a report is written on a second connection of its own (committed at
    once); on SQLite, which allows one writer at a time, it is written as usual and seen at
    the commit. Outside any transaction ``report`` is called as it is."""
    from .models import Job

    main = connections[router.db_for_write(Job)]
    side: list[Any] = []

    def send(percent: float, message: str = "") -> None:
        if main.vendor != "postgresql" or not main.in_atomic_block:
            report(percent, message)
            return
        try:
            if not side:
                side.append(main.copy())
            quote = side[0].ops.quote_name
            sql = "UPDATE {} SET {} = %s, {} = %s, {} = %s WHERE {} = %s".format(  # noqa: S608  # nosec B608 (model names)
                quote(Job._meta.db_table),
                quote("progress"),
                quote("message"),
                quote("heartbeat_at"),
                quote("id"),
            )
            with side[0].cursor() as cursor:
                cursor.execute(
                    sql, [max(0, min(99, int(percent))), str(message)[:200], clock.now(), job.pk]
                )
        except DatabaseError:  # a progress report never stops the work
            logger.warning("job %s: progress not written", job.pk, exc_info=True)

    try:
        yield send
    finally:
        for connection in side:
            connection.close()
