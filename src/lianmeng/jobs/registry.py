"""The kinds of job: each app registers its own (from its ``job_kinds`` module)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: ``report_progress(percent, message="")``: 0–100 and a short text for the owner
ReportProgress = Callable[..., None]
#: ``fn(job, report_progress) -> (filename, bytes, content_type)``, or None when the job
#: keeps its result elsewhere (a proposal version's PDF)
JobFunction = Callable[[Any, ReportProgress], tuple[str, bytes, str] | None]


@dataclass(frozen=True)
class JobKind:
    kind: str
    fn: JobFunction
    #: what the owner calls it, in Chinese (translated when shown)
    title: str
    #: the result carries personal data: starting it is audited as such
    personal_data: bool = False


_KINDS: dict[str, JobKind] = {}


def register(kind: str, fn: JobFunction, *, title: str, personal_data: bool = False) -> None:
    """Register (or replace) ``kind``; called at import of an app's ``job_kinds`` module."""
    _KINDS[kind] = JobKind(kind=kind, fn=fn, title=title, personal_data=personal_data)


def get(kind: str) -> JobKind | None:
    return _KINDS.get(kind)


def kinds() -> list[str]:
    return sorted(_KINDS)
