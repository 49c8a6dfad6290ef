"""Fixtures of the calendar and reminder tests: filed proposals (reviews' fixtures), and
deadlines on them as the engine records them (a state change, then the deadline)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from tests.reviews.conftest import (  # noqa: F401 - fixtures shared with the lifecycle tests
    _fast_passwords,
    applicant,
    at,
    beijing,
    file_proposal,
    login,
    staff,
)


@pytest.fixture
def deadline(db) -> Callable[..., Any]:
    """``deadline(subject, due, kind=…, by=department user)``: a deadline started by a state
    change of ``subject`` that leaves it in its current state."""
    from lianmeng.core import clock
    from lianmeng.workflow.kinds import subject_key
    from lianmeng.workflow.models import Deadline, StateChange

    def make(subject: Any, due: datetime, *, kind: str = "construction_period", by: Any = None):
        change = StateChange.objects.create(
            **subject_key(subject),
            from_state="submitted",
            to_state=subject.status,
            transition="approve",
            label="批准筹建",
            actor=by,
            actor_jurisdiction=getattr(by, "jurisdiction", None),
            at=clock.now(),
        )
        return Deadline.objects.create(
            **subject_key(subject),
            kind=kind,
            starts_at=change.at,
            due_at=due,
            state_change=change,
        )

    return make
