"""A stored call as the policy engine reads it (lianmeng.policy.models.Call)."""

from __future__ import annotations

from typing import Any


def call_terms(call: Any) -> Any:  # replaced by the calls module
    return None
