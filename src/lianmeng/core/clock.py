"""The one place services read the time from, so tests can pin it (DESIGN.md "Time")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

BEIJING = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return timezone.now()


def beijing_now() -> datetime:
    return now().astimezone(BEIJING)
