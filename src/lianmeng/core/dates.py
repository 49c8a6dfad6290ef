"""Dates and times as a page shows them: in Beijing time, in the reader's language.

The one helper for what is *shown*: ``2026年9月20日 23:59`` to a reader of Chinese,
``20 September 2026 23:59`` to a reader of English. What is *stored* or *printed on an
official form* (the PDF of the 建议书, a notification's text, a decision document) keeps the
Chinese :func:`lianmeng.core.clock.format_moment`; those are documents, not pages.

Templates: ``{% load lm_dates %}`` then ``{{ value|moment }}``, ``{{ value|moment:"seconds" }}``
and ``{{ value|day }}``; a value may be a datetime, a date or an ISO 8601 string.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import dateformat, translation

from .clock import as_beijing

__all__ = ["as_moment", "is_chinese", "show_day", "show_moment"]

#: Django date formats by language: (day, minutes, seconds)
_FORMATS = {
    "zh": ("Y年n月j日", "Y年n月j日 H:i", "Y年n月j日 H:i:s"),
    "en": ("j F Y", "j F Y H:i", "j F Y H:i:s"),
}


def is_chinese(language: str | None = None) -> bool:
    return (language or translation.get_language() or "zh-hans").lower().startswith("zh")


def _formats() -> tuple[str, str, str]:
    return _FORMATS["zh"] if is_chinese() else _FORMATS["en"]


def as_moment(value: Any) -> datetime | date | None:
    """A datetime or date from a datetime, a date or an ISO 8601 string (else None)."""
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return (
                datetime.fromisoformat(text)
                if "T" in text or " " in text
                else date.fromisoformat(text)
            )
        except ValueError:
            return None
    return None


def show_moment(value: Any, *, seconds: bool = False) -> str:
    """A moment in Beijing time in the active language; a date alone shows as a day."""
    moment = as_moment(value)
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return show_day(moment)
    day, minutes, with_seconds = _formats()
    return dateformat.format(as_beijing(moment), with_seconds if seconds else minutes)


def show_day(value: Any) -> str:
    """The day (of a date, or of a moment in Beijing time) in the active language."""
    moment = as_moment(value)
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = as_beijing(moment).date()
    return dateformat.format(moment, _formats()[0])
