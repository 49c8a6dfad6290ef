"""What follows a state change once it is recorded, registered per subject kind.

The engine calls every listener of the subject's kind inside the transaction of the change;
a listener that talks to the world (the inbox and e-mail of lianmeng.reviews.notifications)
defers its work with ``transaction.on_commit`` so that nothing is sent for a change rolled
back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[[Any, str | None], None]
_LISTENERS: dict[str, list[Listener]] = {}


def on_change(kind: str) -> Callable[[Listener], Listener]:
    """Call ``listener(change, event)`` after each change of a ``kind`` subject is recorded
    (``event``: the transition's notification event, or None)."""

    def decorate(listener: Listener) -> Listener:
        registered = _LISTENERS.setdefault(kind, [])
        if listener not in registered:
            registered.append(listener)
        return listener

    return decorate


def changed(change: Any, event: str | None) -> None:
    for listener in _LISTENERS.get(change.subject_kind, ()):
        listener(change, event)
