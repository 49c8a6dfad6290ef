"""在线申报 from a call's page (M-10): open a draft proposal for the call and go to its first part.

The button is on the call's detail page; the URL stays beside the call pages, ``calls:apply``
(``/calls/<pk>/apply/``, see :mod:`lianmeng.proposals.urls_apply`).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.core.access import permission
from lianmeng.core.errors import DomainError, NotFound
from lianmeng.ui.errors import error_page

from .services import proposal_apply


@permission("proposals.edit_drafts")
@require_POST
def call_apply(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        proposal = proposal_apply(actor=request.user, call_pk=pk)
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    except DomainError as exc:
        messages.error(request, _(exc.message))
        return redirect("calls:detail", pk=pk)
    messages.success(request, _("已创建申报草稿，请逐项填写；每一步都会自动保存。"))
    return redirect(f"/proposals/{proposal.pk}/edit/section/facts/")
