"""Pages of the feasibility report and the agreement written online, and the DOCX draft."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from lianmeng.core.access import permission
from lianmeng.core.errors import Conflict, DomainError
from lianmeng.ui.errors import error_page

from . import writeups
from .editing import require_base
from .editor import editor_context
from .materials import material_slots
from .models import Proposal
from .views_roster import with_proposal

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _sections(
    proposal: Proposal, part: str, *, typed: dict[str, str] | None = None, conflict: str = ""
) -> list[dict[str, Any]]:
    typed = typed or {}
    rows = []
    for section in writeups.sections_of(part):
        saved = writeups.section_text(proposal, part, section.key)
        rows.append(
            {
                "key": section.key,
                "anchor": section.key.replace(".", "-"),
                "title": section.title,
                "guidance": section.guidance,
                "optional": section.optional,
                "text": typed.get(section.key, saved),
                "saved": writeups.sanitise(saved),
                "base": writeups.digest(saved),
                "chars": len(writeups.plain_text(saved)),
                "conflict": writeups.sanitise(conflict) if section.key in typed else "",
            }
        )
    return rows


@permission("proposals.edit_drafts")
@with_proposal
def writeups_page(request: HttpRequest, proposal: Proposal, part: str) -> HttpResponse:
    if part not in writeups.PARTS:
        return error_page(request, 404, _("未找到"), _("没有这一部分。"))
    typed: dict[str, str] = {}
    conflict = ""
    if request.method == "POST":
        key = request.POST.get("section", "")
        text = request.POST.get("html", "")
        try:
            saved = writeups.writeup_save(
                actor=request.user,
                pk=proposal.pk,
                part=part,
                section=key,
                html=text,
                # the form always sends it; without it the save could overwrite a colleague's
                base=require_base(request.POST.get("base") or None),
            )
        except Conflict as exc:
            messages.error(request, exc.message)
            proposal.refresh_from_db()
            typed[key] = writeups.sanitise(text)
            conflict = exc.details.get("current", "")
        except DomainError as exc:
            messages.error(request, exc.message)
            typed[key] = writeups.sanitise(text)
        else:
            title = writeups.section_of(part, key).title
            if saved.changed:
                messages.success(request, _("已保存“%(title)s”。") % {"title": title})
            else:
                messages.info(request, _("“%(title)s”没有改动。") % {"title": title})
            url = reverse("proposals:writeups", args=[proposal.pk, part])
            return redirect(f"{url}#s-{key.replace('.', '-')}")
    title, _sections_def = writeups.PARTS[part]
    kind = writeups.PART_MATERIAL[part]
    uploaded = next((s.items for s in material_slots(proposal) if s.kind == kind), [])
    context = editor_context(
        proposal,
        part,
        part_name=title,
        part_slug=part,
        sections=_sections(proposal, part, typed=typed, conflict=conflict),
        uploaded=uploaded,
        materials_url=reverse("proposals:materials", args=[proposal.pk]) + f"#k-{kind}",
        complete=writeups.feasibility_complete(proposal.writeups or {})
        if part == "feasibility"
        else None,
    )
    return render(request, "proposals/writeups/writeups.html", context)


@permission("proposals.edit_drafts")
@with_proposal
def agreement_docx_view(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    content = writeups.agreement_docx(proposal)
    response = HttpResponse(content, content_type=DOCX)
    name = f"{proposal.name or '联盟'}协议书（草稿）.docx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
