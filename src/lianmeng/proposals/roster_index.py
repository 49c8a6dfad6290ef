"""The roster index (``RosterEntry``): which proposals' rosters list a unit, read from an index.

``roster_rows(document)`` is the index's content for one document; ``roster_index_sync`` puts a
saved proposal's rows in step (connected to ``post_save`` in ``apps.py``: every path that saves
a document through ``Model.save()`` is covered); ``unit_keys`` are the keys a unit's codes match
under, as ``roster.member_position`` matches them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .roster_fields import identity_keys, member_code

#: longer keys are no code at all (a valid one has 9 characters) and are not indexed
KEY_MAX = 64


def _org_keys(member: dict[str, Any]) -> list[str]:
    # a unit matching by USCC always matches by the organisation code inside it, so the "org"
    # keys alone decide a match (roster.member_position)
    return [key for kind, key in identity_keys(member) if kind == "org" and key]


def roster_rows(document: Any) -> list[tuple[int, str, str]]:
    """(position, key, member code) of every member of ``document``'s roster."""
    members = document.get("members") if isinstance(document, dict) else None
    if not isinstance(members, list):
        return []
    rows: list[tuple[int, str, str]] = []
    for position, member in enumerate(members):
        if not isinstance(member, dict):
            continue
        code = member_code(member)
        rows += [(position, key, code) for key in _org_keys(member) if len(key) <= KEY_MAX]
    return rows


def unit_keys(codes: Iterable[str]) -> set[str]:
    """The keys under which a unit with ``codes`` (its USCC, its organisation code) is listed."""
    return {
        key
        for code in codes
        if code
        for key in _org_keys({"uscc": code} if len(code) == 18 else {"org_code": code})
    }


def roster_index_sync(proposal: Any) -> None:
    """Bring ``proposal``'s index rows in step with its document (nothing written when they
    already are: one read on a save that leaves the roster alone)."""
    from .models import RosterEntry

    wanted = set(roster_rows(proposal.document))
    existing = {
        (position, key, code): pk
        for pk, position, key, code in RosterEntry.objects.filter(
            proposal_id=proposal.pk
        ).values_list("pk", "position", "key", "member_code")
    }
    stale = [pk for row, pk in existing.items() if row not in wanted]
    if stale:
        RosterEntry.objects.filter(pk__in=stale).delete()
    new = sorted(wanted - existing.keys())
    if new:
        RosterEntry.objects.bulk_create(
            RosterEntry(proposal_id=proposal.pk, position=p, key=k, member_code=c)
            for p, k, c in new
        )


def on_proposal_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """``post_save`` of a proposal: index its roster when its document was written."""
    if update_fields is not None and "document" not in update_fields:
        return
    if "document" in instance.get_deferred_fields():
        return
    roster_index_sync(instance)
