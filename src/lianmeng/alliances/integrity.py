"""Published decisions are sealed in the audit chain (lianmeng.core.integrity)."""

from __future__ import annotations

from typing import Any

from lianmeng.core.integrity import canonical_digest, register, row_values

from .models import Decision

KIND = "alliances.decision"


def decision_rows(ids: list[str]) -> dict[str, Any]:
    wanted = [int(i) for i in ids if i.isdigit()]
    return {str(d.pk): d for d in Decision.objects.filter(pk__in=wanted)}


def decision_digest(decision: Decision) -> str:
    """Every column of the decision: kind, reason, basis, category, name, status, 文号,
    verification code, who and when."""
    return canonical_digest(row_values(decision))


def register_integrity() -> None:
    register(KIND, decision_rows, decision_digest, label="决定")
