"""Documents other apps print with a verification code, checked at the same ``/verify/<code>``
page as the proposal PDF.

The page lives here (below the apps that print certificates); an upper app registers a
function that answers a :class:`Verified` for a code it issued, or None. The page asks the
proposal versions first, then each registered source in turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Verified:
    """What the page shows for a valid code: a heading, rows (label, value) and a note."""

    kind: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""
    #: a warning (e.g. the alliance's recognition was later revoked)
    warning: str = ""


Source = Callable[[str], Verified | None]
_SOURCES: dict[str, Source] = {}


def register_verifiable(name: str, source: Source) -> None:
    """Register (or replace, on a reload) the source ``name``."""
    _SOURCES[name] = source


def verify_other(code: str) -> Verified | None:
    for source in _SOURCES.values():
        found = source(code)
        if found is not None:
            return found
    return None
