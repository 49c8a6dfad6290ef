"""Pages of the attachments (申报材料附件): upload per kind, remove, download through a check."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.core.access import permission
from lianmeng.core.errors import DomainError, NotFound, ValidationFailed
from lianmeng.ui.errors import error_page

from . import materials
from .editor import editor_context
from .models import Proposal
from .views_roster import with_proposal


def _page_url(proposal: Proposal, kind: str = "") -> str:
    url = reverse("proposals:materials", args=[proposal.pk])
    return f"{url}#k-{kind}" if kind else url


@permission("proposals.edit_drafts")
@with_proposal
def materials_page(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    refused: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationFailed(_("请先选择要上传的文件。"))
            material = materials.material_upload(
                actor=request.user,
                pk=proposal.pk,
                kind=kind,
                file=upload,
                title=request.POST.get("title") or None,
            )
        except DomainError as exc:
            # shown beside the file field of its kind (and the field focused), not redirected
            refused[kind] = exc.message
            status = 422
        else:
            messages.success(
                request,
                _("已上传“%(name)s”（%(size)s）。")
                % {"name": material.original_name, "size": materials.human_size(material.size)},
            )
            return redirect(_page_url(proposal, kind))
    slots = materials.material_slots(proposal)
    for slot in slots:
        slot.error = refused.get(slot.kind, "")
    context = editor_context(
        proposal,
        "materials",
        slots=slots,
        accept=materials.ACCEPT,
        allowed=materials.ALLOWED_TEXT,
        limit=materials.human_size(materials.upload_limit()),
        limit_bytes=materials.upload_limit(),
        missing=[s for s in slots if s.required and not s.provided],
    )
    return render(request, "proposals/materials/materials.html", context, status=status)


@permission("proposals.edit_drafts")
@require_POST
@with_proposal
def material_remove_view(request: HttpRequest, proposal: Proposal, mid: int) -> HttpResponse:
    try:
        material = materials.material_remove(actor=request.user, pk=proposal.pk, mid=mid)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_page_url(proposal))
    messages.success(request, _("已删除附件“%(name)s”。") % {"name": material.original_name})
    return redirect(_page_url(proposal, material.kind))


@permission("proposals.view_proposal")
@with_proposal
def material_download(request: HttpRequest, proposal: Proposal, mid: int) -> HttpResponse:
    """The file as an attachment, for whoever may see the proposal (lead unit staff, department
    staff of its area once submitted); anyone else gets the same 404 as for a missing file."""
    try:
        material = materials.material_get(proposal=proposal, mid=mid)
        handle = materials.material_open(material)
    except (NotFound, FileNotFoundError):
        return error_page(request, 404, _("未找到"), _("未找到该附件，或您无权查看。"))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=material.original_name,
        content_type=material.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
