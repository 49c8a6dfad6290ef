"""Alliances that already exist, as sources the duplicate check asks (M-16).

The registry and the alliances imported from before the system are not this app's (they sit
above it, docs/decisions/0011-layers.md): the app that keeps them registers an
:class:`ExistingAllianceSource` from its ``AppConfig.ready()``; ``checks.existing_alliances``
(the rule ``alliance.unique_in_field``) and ``duplicates`` (the list of close ones) ask every
registered source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ExistingAllianceSource",
    "existing_alliance_candidates",
    "existing_alliance_rows",
    "existing_status_label",
    "register_existing_alliances",
]


@dataclass(frozen=True)
class ExistingAllianceSource:
    """Alliances that exist already, for the duplicate check and ``alliance.unique_in_field``.

    ``kind`` names the source's records in references (``"alliance"`` → ``alliance:<id>``);
    ``rows(profile_id)`` lists those of the profile still in play, oldest first, each a mapping
    with ``id``, ``name``, ``industry``, ``product``, ``focus_area``, ``status`` and
    ``lead_unit__name``; ``status_label(status)`` names one of the source's statuses for the
    reader (筹建中, 已认定 …).

    ``candidates(profile_id, facts)``, when given, answers the duplicate search: the rows of
    ``rows(profile_id)`` that can be similar to ``facts`` (the ``name``, ``industry`` and
    ``product`` of the proposal checked; at least every one ``alliance.unique_in_field`` finds
    similar, oldest first) and how many rows there are in all. Without it, all rows are read.
    """

    kind: str
    rows: Callable[[str], Iterable[Mapping[str, Any]]]
    status_label: Callable[[str], str]
    candidates: (
        Callable[[str, Mapping[str, str]], tuple[Iterable[Mapping[str, Any]], int]] | None
    ) = None


#: registered sources by kind, in the order they were registered
_SOURCES: dict[str, ExistingAllianceSource] = {}


def register_existing_alliances(source: ExistingAllianceSource) -> None:
    """Compare proposals with ``source`` too; registering a kind again replaces its source."""
    if source.kind == "proposal":
        raise ValueError("the kind 'proposal' is the proposals' own")
    _SOURCES[source.kind] = source


def existing_alliance_rows(profile_id: str) -> list[dict[str, Any]]:
    """The rows of every registered source for ``profile_id``, each with its ``reference``."""
    return [
        {**row, "reference": f"{source.kind}:{row['id']}"}
        for source in _SOURCES.values()
        for row in source.rows(profile_id)
    ]


def existing_alliance_candidates(
    profile_id: str, facts: Mapping[str, str]
) -> tuple[list[dict[str, Any]], int]:
    """The rows of every registered source for ``profile_id`` that can be similar to ``facts``
    (each with its ``reference``), and how many rows the sources hold in all."""
    found: list[dict[str, Any]] = []
    total = 0
    for source in _SOURCES.values():
        if source.candidates is None:
            rows = list(source.rows(profile_id))
            count = len(rows)
        else:
            candidates, count = source.candidates(profile_id, facts)
            rows = list(candidates)
        found += [{**row, "reference": f"{source.kind}:{row['id']}"} for row in rows]
        total += count
    return found, total


def existing_status_label(reference: str, status: str) -> str | None:
    """``status`` as named by the source of ``reference``; None when no registered source made
    the reference (a proposal's: its state is named from its profile's table)."""
    source = _SOURCES.get(reference.partition(":")[0])
    return None if source is None else source.status_label(status)
