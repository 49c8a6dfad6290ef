"""The ``unread`` context processor: the viewer's unread notices, shown on the menu's messages
entry by the base layout (``ui/base.html``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .notifications import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_count": 0}
    return {"unread_count": unread_count(user)}
