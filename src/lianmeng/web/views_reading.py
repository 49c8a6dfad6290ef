"""阅读申报材料: the proposal as filed, read-only, for everyone who may see it.

The lead unit, the recommending and competent departments of its area, the coordination
group and the experts assigned to it (without conflict) read the submitted version's PDF
(shown in the page and downloadable), every material and write-up, the eligibility findings
with the explanations given, the duplicate check, the state history and the earlier versions.
Every file is fetched through :mod:`lianmeng.web.reading`, which starts from what the viewer
may see: anyone else gets a 404.
"""

from __future__ import annotations

import io

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from lianmeng.core.access import permission
from lianmeng.core.errors import NotFound
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.proposals import materials as materials_mod
from lianmeng.proposals.contacts import reading_copy_pdf
from lianmeng.proposals.duplicates import LIST_THRESHOLD, duplicate_candidates
from lianmeng.proposals.presenters_form import candidate_rows, eligibility_view
from lianmeng.ui.errors import error_page

from . import reading


def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return error_page(request, 404, _("未找到"), _(exc.message))


def _profile_name(profile_id: str) -> str:
    try:
        return get_profile(profile_id).name.value
    except UnknownProfileError:
        return ""


def _findings(read: reading.Reading) -> dict:
    """The eligibility view of the filed document, each failed 原则上 rule with the
    explanation the lead unit gave on submission."""
    view = eligibility_view(read.as_filed)
    for finding in view.get("findings") or []:
        finding.explanation = read.explanations.get(finding.rule, "")
    view["explained"] = [
        f for f in view.get("findings") or [] if f.status == "fail" and f.severity == "principle"
    ]
    return view


@permission("proposals.view_proposal")
def proposal_read(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    try:
        read = reading.reading_get(viewer=request.user, pk=pk, number=number)
    except NotFound as exc:
        return _not_found(request, exc)
    proposal = read.proposal
    rows = reading.material_rows(read)
    context = {
        "read": read,
        "proposal": proposal,
        "profile_name": _profile_name(proposal.profile),
        "materials": rows,
        "missing": [r for r in rows if r.required and not r.provided],
        "writeups": [
            (
                part,
                reading.writeup_sections(read, part) if reading.written(read, part) else None,
                title,
                kind,
            )
            for part, kind, title in (
                ("feasibility", "feasibility_report", _("可行性研究报告")),
                ("agreement", "agreement", _("联盟协议书")),
            )
        ],
        "eligibility": _findings(read),
        "candidates": candidate_rows(duplicate_candidates(read.as_filed), proposal.profile),
        "list_threshold": int(LIST_THRESHOLD),
        "assignment_id": reading.expert_assignment_id(viewer=request.user, proposal=proposal),
        "inline_types": reading.INLINE_TYPES,
        "human_size": materials_mod.human_size,
    }
    for older, newer in zip(read.versions[1:], read.versions, strict=False):
        newer.previous = older.number
    for row in rows:
        for material in row.files:
            material.size_text = materials_mod.human_size(material.size)
            material.inline = material.content_type in reading.INLINE_TYPES
    return render(request, "web/reading/read.html", context)


@permission("proposals.view_proposal")
@xframe_options_sameorigin
def version_pdf_inline(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The version's PDF to show in the page (Content-Disposition: inline); the download
    button uses the versions' own PDF link, which saves it as a file."""
    try:
        version = reading.version_for_reading(viewer=request.user, pk=pk, number=number)
    except NotFound as exc:
        return _not_found(request, exc)
    missing = _("该版本的 PDF 文件缺失，请联系系统管理员。")
    if not version.pdf:  # printed by a job right after the submission (issue 17)
        from lianmeng.proposals.views_submission import pdf_pending_page

        return pdf_pending_page(request, version)
    # a reader who needs no liaison numbers gets a reading copy with them masked
    copy = reading_copy_pdf(request.user, version)
    try:
        handle = io.BytesIO(copy) if copy is not None else version.pdf.open("rb")
    except OSError:
        return error_page(request, 404, _("未找到"), missing)
    name = f"{version.proposal.name or '联盟构建建议书'}-第{version.number}版.pdf"
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=False, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@permission("proposals.view_proposal")
@xframe_options_sameorigin
def material_file(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    """An uploaded material: PDFs and images shown in the browser, anything else (and
    ``?download=1``) saved as a file under its original name."""
    try:
        material = reading.material_for_reading(viewer=request.user, pk=pk, mid=mid)
        handle = materials_mod.material_open(material)
    except NotFound as exc:
        return _not_found(request, exc)
    except (FileNotFoundError, OSError):
        return error_page(request, 404, _("未找到"), _("未找到该附件，或您无权查看。"))
    inline = material.content_type in reading.INLINE_TYPES and not request.GET.get("download")
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=material.original_name,
        content_type=material.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if not inline:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
