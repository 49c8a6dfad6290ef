"""Small filters for the 建议书 section templates."""

from __future__ import annotations

from typing import Any

from django import template

from lianmeng.proposals.form_fields import FieldSpec

register = template.Library()


@register.filter
def item(mapping: Any, key: str) -> Any:
    """``mapping|item:key`` — a dict lookup by a key with dots (field names)."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def rows(spec: FieldSpec, at_least: int = 3) -> int:
    """Text area height by the seed's limit: 200 字 → 4 rows … unbounded → 12."""
    if spec.rows:
        return spec.rows
    limit = spec.max_length
    if limit is None:
        return max(at_least, 12)
    return max(at_least, min(12, limit // 45))
