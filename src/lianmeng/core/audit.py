"""Tamper-evident audit trail (B-4).

Every write a service performs records one entry, in the same transaction as the change:
if the entry cannot be written the change rolls back. Each entry holds the hash of the one
before it; `lianmeng audit verify` recomputes the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Model

from .context import client_ip
from .models import AuditEntry, User

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x4C4D4155  # "LMAU": serialises appends to the chain on PostgreSQL


def _canonical(entry: AuditEntry) -> str:
    at = entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fields = [
        entry.prev_hash,
        at,
        str(entry.actor_id or ""),
        entry.actor_label,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.object_label,
        json.dumps(entry.summary, sort_keys=True, ensure_ascii=False, default=str),
        entry.ip or "",
    ]
    return "\x1f".join(fields)


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry).encode("utf-8")).hexdigest()


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Append one entry. Must run inside the transaction that makes the change."""
    if not connection.in_atomic_block:
        raise RuntimeError(
            "audit_record() must run inside the transaction of the change it records"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    summary: dict[str, Any] = {}
    if before is not None:
        summary["before"] = before
    if after is not None:
        summary["after"] = after
    if note:
        summary["note"] = note
    entry = AuditEntry(
        at=datetime.now(UTC),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.get_username() if actor is not None and actor.pk else "system"),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        summary=json.loads(json.dumps(summary, ensure_ascii=False, default=str)),
        ip=client_ip.get(),
        prev_hash=last or GENESIS,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class VerifyResult:
    intact: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


def audit_verify() -> VerifyResult:
    """Walk the chain in order; report the first entry whose link or content is wrong."""
    prev = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            return VerifyResult(
                False, checked, entry.pk, "上一条记录的哈希不符（记录被删除或插入）"
            )
        if entry_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.pk, "记录内容与其哈希不符（记录被篡改）")
        prev = entry.hash
        checked += 1
    return VerifyResult(True, checked)
