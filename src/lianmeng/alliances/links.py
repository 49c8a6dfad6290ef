"""Links from the public registry page to pages of apps above this one.

An upper app (``running``: the alliance workspace) registers a function that answers the URL
of its page for a viewer and an alliance, or None when the viewer may not open it; the
registry detail page shows the link without importing that app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_workspace_link: Callable[[Any, Any], str | None] | None = None


def register_workspace_link(func: Callable[[Any, Any], str | None]) -> None:
    global _workspace_link  # noqa: PLW0603
    _workspace_link = func


def workspace_link(viewer: Any, alliance: Any) -> str | None:
    return _workspace_link(viewer, alliance) if _workspace_link is not None else None
