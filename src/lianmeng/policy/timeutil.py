"""北京时间：截止时间与有效期一律按 Asia/Shanghai 判断。

A date that ends a window closes at 23:59:59.999999 Beijing time on that day; a date that
opens one opens at 00:00. Naive datetimes are Beijing time.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

__all__ = ["BEIJING", "as_beijing", "closes_at", "format_beijing", "opens_at"]

BEIJING = ZoneInfo("Asia/Shanghai")


def as_beijing(moment: datetime) -> datetime:
    """The same instant in Beijing time; a naive datetime is taken as Beijing time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING)


def opens_at(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return as_beijing(value)
    return datetime.combine(value, time.min, tzinfo=BEIJING)


def closes_at(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return as_beijing(value)
    return datetime.combine(value, time.max, tzinfo=BEIJING)


def format_beijing(moment: datetime) -> str:
    """ISO 8601 in Beijing time, e.g. ``2020-09-20T23:59:59+08:00``."""
    return as_beijing(moment).isoformat()
