"""Confirmation of irreversible actions (退回修改, 不予受理, 结束评审, 提交评分, 发布决定).

The server decides: an irreversible POST acts only with ``confirmed=1``. Without it the view
answers with :func:`confirmation_page` — the consequence spelt out, every posted field kept,
a button that posts them again with ``confirmed=1`` and a way back — so nothing happens by a
stray click, with or without JavaScript. On pages that load ``ui/confirm.js`` the same text is
shown first in a ``<dialog>`` (``ui/_confirm_dialog.html``) and the form is sent confirmed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FIELD = "confirmed"
_SKIPPED = {"csrfmiddlewaretoken", FIELD}


def confirmed(request: HttpRequest) -> bool:
    """Whether the POST carries the confirmation (``confirmed=1``)."""
    return request.POST.get(FIELD) == "1"


def confirmation_page(
    request: HttpRequest,
    *,
    title: str,
    consequence: str,
    confirm_label: str,
    back_url: str,
    details: list[str] | None = None,
    danger: bool = True,
) -> HttpResponse:
    """The page asking to confirm what was just posted to ``request.path``."""
    fields = [
        (name, value)
        for name in request.POST
        if name not in _SKIPPED
        for value in request.POST.getlist(name)
    ]
    context = {
        "title": title,
        "consequence": consequence,
        "confirm_label": confirm_label,
        "back_url": back_url,
        "details": details or [],
        "fields": fields,
        "action": request.get_full_path(),
        "danger": danger,
    }
    return render(request, "ui/confirm.html", context)


__all__ = ["FIELD", "confirmation_page", "confirmed"]
