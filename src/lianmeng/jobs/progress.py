"""Helpers for the functions of a job kind: progress over a stream of rows, and the request a
list export's filters are read from (the query string it was started with, and its owner)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext

from .registry import ReportProgress


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
