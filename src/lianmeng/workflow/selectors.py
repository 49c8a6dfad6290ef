"""Reads of the history and the deadlines (the caller has already checked that the viewer
may see the subject: these start from the subject, not from the viewer)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Deadline, StateChange


def state_history(*, subject: Any) -> QuerySet[StateChange]:
    """Who did what, when and why, oldest first."""
    return StateChange.objects.of(subject).select_related("actor").order_by("at", "id")


def deadlines_of(*, subject: Any) -> QuerySet[Deadline]:
    return Deadline.objects.of(subject).order_by("due_at", "id")
