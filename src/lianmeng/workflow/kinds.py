"""The kinds of things that have a life on the engine (proposal today; alliance, report,
evaluation, rectification, reward claim next).

The app that owns a model registers its kind once, in ``AppConfig.ready()``: which table of
the profile it follows, who may see which ones, how its states are named when the table does
not name them, and which transition kinds only another service fires. The engine, the history
and the routing look everything up here by the subject's kind, never by importing the model.

A subject is a model instance with ``profile`` (a profile id), a state field (``status``) and,
for the routing by jurisdiction level, ``region``, ``zone``, ``lead_unit`` and ``document``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q

from lianmeng.policy.lifecycle import Lifecycle
from lianmeng.policy.models import Profile

__all__ = [
    "Owner",
    "SubjectKind",
    "get_kind",
    "kind_of",
    "register_kind",
    "registered_kinds",
    "subject_key",
]


@dataclass(frozen=True)
class Owner:
    """A transition kind only one service fires, and the page where a person does it."""

    #: the service's name, passed to the engine as ``via``
    service: str
    #: the page's name and a hint, both marked for the catalogue with ``gettext_noop``
    page: str
    hint: str = ""


@dataclass(frozen=True)
class SubjectKind:
    #: the key of the history: ``proposal``, ``alliance`` …
    name: str
    model: type[models.Model]
    #: the table of a profile this kind follows (None: the profile has none)
    table: Callable[[Profile], Lifecycle | None]
    #: what ``actor`` may see of this kind (the engine locks only what the actor sees)
    visible: Callable[[Any], Q]
    #: "not found, or you may not see it", marked for the catalogue with ``gettext_noop``
    not_found: str
    #: names of states the table may not list (the filing side's own states)
    state_names: Callable[[], Mapping[str, str]] = field(default=lambda: {})
    #: transition kinds fired only by one service (decisions, expert review)
    owners: Mapping[str, Owner] = field(default_factory=dict)
    #: the audit action of a transition is ``<audit_prefix>.<transition id>``
    audit_prefix: str = ""
    state_field: str = "status"
    #: what the owner's edits change (a proposal's ``revision``): recorded with a return, so
    #: that the return can be reopened (``engine.reopen_last``) only while nothing changed
    version: Callable[[Any], Any] | None = None
    #: the life of an alliance that already exists (the alliance, its reports and filings):
    #: when its policy is no longer in force the lead unit's own steps (a report, a change,
    #: dissolution) go on and are recorded as such, the department's need a 依据, and a return
    #: is allowed since the lead unit can still resubmit (docs/decisions/0012-policy-validity.md)
    supervision: bool = False

    def audit_action(self, transition: str) -> str:
        return f"{self.audit_prefix or 'lianmeng.' + self.name}.{transition}"


_KINDS: dict[str, SubjectKind] = {}
_BY_MODEL: dict[type[models.Model], SubjectKind] = {}


def register_kind(kind: SubjectKind) -> SubjectKind:
    """Register (or replace, on a reload) the kind ``kind.name``."""
    _KINDS[kind.name] = kind
    _BY_MODEL[kind.model] = kind
    return kind


def registered_kinds() -> list[SubjectKind]:
    return list(_KINDS.values())


def get_kind(name: str) -> SubjectKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(
            f"no subject kind {name!r} is registered; known: {', '.join(sorted(_KINDS))}"
        ) from None


def kind_of(subject: Any) -> SubjectKind:
    """The kind of a model instance (or model class)."""
    model = subject if isinstance(subject, type) else type(subject)
    for klass in model.__mro__:
        if klass in _BY_MODEL:
            return _BY_MODEL[klass]
    raise LookupError(f"{model.__name__} is not a registered subject kind")


def subject_key(subject: Any) -> dict[str, Any]:
    """The history's key of ``subject``: ``{"subject_kind": …, "subject_id": …}``."""
    return {"subject_kind": kind_of(subject).name, "subject_id": subject.pk}
