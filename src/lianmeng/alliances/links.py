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


#: further pages about one alliance (the construction checklist and 验收, the 认定证书), each
#: answering a list of {"label", "url", "kind"} for a viewer — empty when he may open none
_page_links: dict[str, Callable[[Any, Any], list[dict[str, str]]]] = {}


def register_page_links(name: str, func: Callable[[Any, Any], list[dict[str, str]]]) -> None:
    _page_links[name] = func


def page_links(viewer: Any, alliance: Any) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for func in _page_links.values():
        found.extend(func(viewer, alliance))
    return found


#: panels of apps above this one on the alliance's registry page (the reports' KPI warnings),
#: each answering safe HTML for a viewer and an alliance, or "" when there is nothing to show
_panels: dict[str, Callable[[Any, Any], str]] = {}


def register_panel(name: str, func: Callable[[Any, Any], str]) -> None:
    _panels[name] = func


def panels(viewer: Any, alliance: Any) -> list[str]:
    return [html for func in _panels.values() if (html := func(viewer, alliance))]
