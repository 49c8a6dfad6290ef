"""The guards a profile's transitions name (``guards = [...]``), looked up by subject kind.

A guard answers ``None`` when the transition may go ahead, else the message that tells the
actor what to do first, in the reader's language (a guard runs while a page or an API call is
answered; its message is shown, never stored). Guards may add to ``ctx.data`` what they
established (the category a filing is made in), which the engine records with the change.

The names are fixed by :data:`lianmeng.policy.lifecycle.GUARDS` (a profile naming another one
does not load). The app that owns a guard's facts supplies its implementation for a subject
kind with :func:`register` — the call-window and paper-copy guards of proposals come from
``lianmeng.reviews``, ``review_round_closed`` from ``lianmeng.experts``. The system check
``lianmeng.E001`` (lianmeng.workflow.checks) proves that every guard a table names is there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lianmeng.policy.lifecycle import GUARDS, Transition
from lianmeng.policy.models import Profile

from .kinds import kind_of


@dataclass
class GuardContext:
    subject: Any
    transition: Transition
    actor: Any
    at: datetime
    profile: Profile
    data: dict[str, Any] = field(default_factory=dict)


Guard = Callable[[GuardContext], str | None]
#: guards that say whether a transition applies at all, not what to do first: a page hides
#: an action such a guard refuses (逾期不予受理 is offered only for a late recommendation)
SITUATIONAL = frozenset({"recommended_after_window"})
_REGISTRY: dict[tuple[str, str], Guard] = {}


def register(kind: str, name: str) -> Callable[[Guard], Guard]:
    """Supply (or replace) the implementation of guard ``name`` for subjects of ``kind``."""
    if name not in GUARDS:
        raise ValueError(f"unknown guard {name!r}; known: {', '.join(GUARDS)}")

    def decorate(function: Guard) -> Guard:
        _REGISTRY[(kind, name)] = function
        return function

    return decorate


def implemented(kind: str, name: str) -> bool:
    return (kind, name) in _REGISTRY


def run_guards(ctx: GuardContext) -> list[str]:
    """Messages of the guards that refuse, in the table's order (empty: all pass)."""
    return [message for _name, message in refusals(ctx)]


def refusals(ctx: GuardContext) -> list[tuple[str, str]]:
    """(guard name, message) of each guard that refuses."""
    kind = kind_of(ctx.subject).name
    found = []
    for name in ctx.transition.guards:
        guard = _REGISTRY.get((kind, name))
        if guard is None:  # the start-up check reports it; never let a missing guard pass
            raise LookupError(f"guard {name!r} has no implementation for {kind!r} subjects")
        message = guard(ctx)
        if message:
            found.append((name, message))
    return found
