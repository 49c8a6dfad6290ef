"""Business-table integrity: the hash of each sealed record kept in the audit chain.

A record that must never change once written (a submitted proposal version, a published
decision) is *sealed*: the audit entry written with it carries ``after["sha256"]``, a
digest of the row as stored. The audit chain protects that digest; ``lianmeng audit
verify`` recomputes the digest of the row as it is now and names every row that differs
from its last seal (changed or deleted directly in the database).

Core does not know those tables: each app registers its *integrity source* in
``AppConfig.ready()`` with :func:`register` — the audit ``object_type`` of its rows, a
function that loads rows by id and the digest of one row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import Model

from .models import AuditEntry


@dataclass(frozen=True)
class IntegritySource:
    #: the sealed rows' ``AuditEntry.object_type`` (``Model._meta.label_lower``)
    kind: str
    #: what a person calls one row, in Chinese (申报版本, 决定)
    label: str
    #: ids (as stored in ``AuditEntry.object_id``) -> {id: row}; rows that are gone are absent
    fetch_rows: Callable[[list[str]], dict[str, Any]]
    #: the SHA-256 (hex) of one row as stored
    digest: Callable[[Any], str]


_SOURCES: dict[str, IntegritySource] = {}


def register(
    kind: str,
    fetch_rows: Callable[[list[str]], dict[str, Any]],
    digest: Callable[[Any], str],
    *,
    label: str,
) -> None:
    """Register (or replace) the integrity source for ``kind``; called from ready()."""
    _SOURCES[kind] = IntegritySource(kind=kind, label=label, fetch_rows=fetch_rows, digest=digest)


def sources() -> list[IntegritySource]:
    return [_SOURCES[k] for k in sorted(_SOURCES)]


def canonical_digest(values: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``values``: sorted keys, no spaces, UTF-8;
    datetimes as UTC with microseconds, so a value restored exactly hashes the same."""

    def exact(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return str(value)

    text = json.dumps(
        values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=exact
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_values(obj: Model) -> dict[str, Any]:
    """Every stored column of ``obj`` (foreign keys as ids, files as their stored names)."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        values[field.attname] = (
            getattr(value, "name", value) if hasattr(value, "storage") else value
        )
    return values


def file_sha256(field_file: Any) -> str:
    """SHA-256 of a stored file's bytes; "missing" when it has none or cannot be read."""
    if not field_file:
        return "missing"
    digest = hashlib.sha256()
    try:
        with field_file.storage.open(field_file.name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return "missing"
    return digest.hexdigest()


def seal(obj: Model) -> dict[str, str]:
    """``{"sha256": …}`` of ``obj`` as stored (read back from the database, so the digest
    is of exactly what verification will read), for the ``after`` of its audit entry."""
    source = _SOURCES.get(obj._meta.label_lower)
    if source is None:
        raise RuntimeError(f"no integrity source registered for {obj._meta.label_lower}")
    stored = source.fetch_rows([str(obj.pk)]).get(str(obj.pk))
    if stored is None:
        raise RuntimeError(f"{obj._meta.label_lower} #{obj.pk} is not stored")
    return {"sha256": source.digest(stored)}


@dataclass(frozen=True)
class Mismatch:
    kind: str
    label: str
    object_id: str
    audit_id: int
    deleted: bool

    @property
    def message(self) -> str:
        what = "已被删除" if self.deleted else "与审计记录不符"
        return (
            f"业务数据被修改：{self.label} #{self.object_id} {what}"
            f"（第 {self.audit_id} 号审计记录中的哈希）"
        )


@dataclass(frozen=True)
class IntegrityResult:
    checked: int
    mismatches: list[Mismatch]

    @property
    def intact(self) -> bool:
        return not self.mismatches


def _last_seals(kind: str) -> dict[str, tuple[int, str]]:
    """object_id -> (audit id, sealed digest) of the last sealing entry of each row."""
    seals: dict[str, tuple[int, str]] = {}
    entries = (
        AuditEntry.objects.filter(object_type=kind, summary__after__has_key="sha256")
        .order_by("id")
        .values_list("id", "object_id", "summary")
    )
    for pk, object_id, summary in entries.iterator(chunk_size=2000):
        digest = (summary or {}).get("after", {}).get("sha256")
        if isinstance(digest, str) and object_id:
            seals[object_id] = (pk, digest)
    return seals


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def integrity_verify() -> IntegrityResult:
    """Recompute the digest of every sealed row and compare it with its last seal."""
    checked = 0
    mismatches: list[Mismatch] = []
    for source in sources():
        seals = _last_seals(source.kind)
        ids = sorted(seals, key=lambda i: (len(i), i))
        for chunk in _chunks(ids):
            rows = source.fetch_rows(chunk)
            for object_id in chunk:
                audit_id, sealed = seals[object_id]
                checked += 1
                row = rows.get(object_id)
                if row is None or source.digest(row) != sealed:
                    mismatches.append(
                        Mismatch(source.kind, source.label, object_id, audit_id, row is None)
                    )
    return IntegrityResult(checked, mismatches)
