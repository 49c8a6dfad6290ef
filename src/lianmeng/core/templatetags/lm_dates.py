"""``{{ value|moment }}``, ``{{ value|moment:"seconds" }}``, ``{{ value|day }}``: dates in the
reader's language (lianmeng.core.dates)."""

from __future__ import annotations

from typing import Any

from django import template

from lianmeng.core.dates import show_day, show_moment

register = template.Library()


@register.filter
def moment(value: Any, precision: str = "") -> str:
    return show_moment(value, seconds=precision == "seconds")


@register.filter
def day(value: Any) -> str:
    return show_day(value)
