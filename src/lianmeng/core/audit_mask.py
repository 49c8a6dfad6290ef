"""What the audit administrator sees of an audit entry (三员分立).

The audit administrator checks who did what to which record when; he is not one of the
departments that handle the business. The stored entry (and so the hash chain) is never
changed: only its presentation masks the values of business fields — scores, comments,
section texts, names, personal data — and keeps the field names, so that what was changed
stays visible. Values that describe the action itself (account names, roles, states,
transitions, counts of the chain check) are not business content and stay readable.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

MASK = _("（已隐去业务内容）")

#: keys whose values describe the action, not the business content: kept readable
PLAIN_KEYS = frozenset(
    {
        "username",
        "roles",
        "role",
        "is_active",
        "status",
        "state",
        "from",
        "to",
        "transition",
        "intact",
        "checked",
        "broken_id",
        "locked",
        "reason_code",
        "section",
    }
)


def _mask_value(key: str, value: Any) -> Any:
    if key in PLAIN_KEYS and isinstance(value, str | int | bool | list | type(None)):
        if isinstance(value, list) and not all(isinstance(v, str | int) for v in value):
            return str(MASK)
        return value
    return str(MASK)


def changed_fields(summary: dict[str, Any]) -> list[str]:
    """The field names the entry records (the changed ones when before and after differ), in
    alphabetical order: PostgreSQL's jsonb keeps no key order, so the stored order is not one."""
    before = summary.get("before") if isinstance(summary.get("before"), dict) else {}
    after = summary.get("after") if isinstance(summary.get("after"), dict) else {}
    keys = sorted({*after.keys(), *before.keys()})
    if before and after:
        changed = [k for k in keys if before.get(k) != after.get(k)]
        return changed or keys
    return keys


def masked_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary with business values replaced by the mask, field names kept."""
    masked: dict[str, Any] = {}
    for part, content in (summary or {}).items():
        if isinstance(content, dict):
            masked[part] = {k: _mask_value(k, v) for k, v in content.items()}
        else:
            masked[part] = str(MASK)
    return masked


def present_masked(entry: AuditEntry) -> AuditEntry:
    """Attach ``summary_masked``, ``changed_fields`` and ``object_label_masked`` for display
    (attributes only; the entry is not saved)."""
    summary = entry.summary if isinstance(entry.summary, dict) else {}
    entry.summary_masked = masked_summary(summary)
    entry.changed_fields = changed_fields(summary)
    return entry
