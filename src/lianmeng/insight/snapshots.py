"""Read and store the precomputed figures (:class:`~lianmeng.insight.models.Snapshot`).

Each kind registers the function that computes its data for one jurisdiction
(:func:`register`); :func:`refresh` runs it and stores the result, :func:`get` reads the stored
row (one query) and returns None when the kind was never computed for the area.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianmeng.core.models import Jurisdiction

from .models import Snapshot

Compute = Callable[[Jurisdiction], dict[str, Any]]

_COMPUTE: dict[str, Compute] = {}


def register(kind: str, compute: Compute) -> None:
    _COMPUTE[kind] = compute


def get(scope: Jurisdiction, kind: str) -> Snapshot | None:
    return Snapshot.objects.filter(scope=scope, kind=kind).first()


def refresh(scope: Jurisdiction, kind: str) -> Snapshot:
    """Compute the kind's figures for ``scope`` now and store them (replacing the last)."""
    compute = _COMPUTE[kind]
    started = time.monotonic()
    data = compute(scope)
    took = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        row, _ = Snapshot.objects.update_or_create(
            scope=scope,
            kind=kind,
            defaults={"data": data, "computed_at": timezone.now(), "duration_ms": took},
        )
    return row
