"""Submission pages: submit (with explanations), withdraw, versions and their comparison, PDF."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.calls.windows import time_left
from lianmeng.core import clock
from lianmeng.core.access import permission
from lianmeng.core.dates import show_moment
from lianmeng.core.errors import DomainError, NotFound, ValidationFailed
from lianmeng.documents.pdf import code_display
from lianmeng.ui.errors import error_page

from .contacts import document_for, reading_copy_pdf
from .editor import editor_context
from .models import Proposal
from .path_labels import path_label
from .selectors import proposal_get
from .submission import (
    MIN_EXPLANATION,
    AlreadySubmitted,
    proposal_explanations_save,
    proposal_submit,
    proposal_withdraw,
    return_reason,
    submission_review,
)
from .versions import compare_versions, version_get, version_list

EXPLANATION_PREFIX = "explanation-"


def _not_found(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_page(request, 404, _("未找到"), _(exc.message))


def _version_url(pk: int, number: int) -> str:
    return f"/proposals/{pk}/versions/{number}/"


def _typed_explanations(request: HttpRequest) -> dict[str, str]:
    return {
        key[len(EXPLANATION_PREFIX) :]: value
        for key, value in request.POST.items()
        if key.startswith(EXPLANATION_PREFIX)
    }


def _submit_page(
    request: HttpRequest, proposal: Proposal, typed: dict[str, str] | None = None
) -> HttpResponse:
    now = clock.now()
    review = submission_review(proposal, at=now) if proposal.status in Proposal.EDITABLE else None
    window = review["window"] if review else None
    explanations = {**(proposal.explanations or {}), **(typed or {})}
    principle = [
        {**finding, "text": explanations.get(finding["rule"], "")}
        for finding in (review["principle"] if review else [])
    ]
    latest = proposal.versions.order_by("-number").first()
    context = editor_context(
        proposal,
        "submit",
        review=review,
        window=window,
        window_state=window.state(now) if window else None,
        time_left=time_left(_Closing(window), now) if window else "",
        principle=principle,
        min_explanation=MIN_EXPLANATION,
        latest=latest,
        latest_code=code_display(latest.verification_code) if latest else "",
        latest_time=show_moment(latest.submitted_at, seconds=True) if latest else "",
        returned_reason=return_reason(proposal)
        if proposal.status == Proposal.Status.RETURNED
        else "",
    )
    return render(request, "proposals/submission/submit.html", context)


class _Closing:
    def __init__(self, window: Any) -> None:
        self.online_closes_at = window.closes


@permission("proposals.edit_drafts")
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        proposal = proposal_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    if request.method != "POST":
        return _submit_page(request, proposal)
    typed = _typed_explanations(request)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = None
    try:
        version = proposal_submit(
            actor=request.user,
            pk=pk,
            explanations=typed,
            revision=revision,
            site_url=request.build_absolute_uri("/"),
        )
    except AlreadySubmitted as exc:
        messages.info(request, _("已提交，无需重复提交。"))
        if exc.version is not None:
            return redirect(_version_url(pk, exc.version.number))
        return redirect(f"/proposals/{pk}/submit/")
    except NotFound as exc:
        return _not_found(request, exc)
    except ValidationFailed as exc:
        messages.error(request, _(exc.message))
        if typed:
            try:
                proposal_explanations_save(
                    actor=request.user, pk=pk, explanations=typed, revision=revision
                )
            except DomainError:
                pass  # the typed text is still on the page below
        proposal = proposal_get(viewer=request.user, pk=pk)
        return _submit_page(request, proposal, typed)
    except DomainError as exc:
        messages.error(request, _(exc.message))
        proposal = proposal_get(viewer=request.user, pk=pk)
        return _submit_page(request, proposal, typed)
    messages.success(
        request,
        _("提交成功：第 %(n)s 版，核验码 %(code)s。请下载 PDF 打印，盖章后按通知要求报送。")
        % {"n": version.number, "code": code_display(version.verification_code)},
    )
    return redirect(_version_url(pk, version.number))


@permission("proposals.edit_drafts")
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        proposal_withdraw(actor=request.user, pk=pk, reason=request.POST.get("reason", ""))
    except NotFound as exc:
        return _not_found(request, exc)
    except DomainError as exc:
        messages.error(request, _(exc.message))
    else:
        messages.success(request, _("申报已撤回。"))
    return redirect(f"/proposals/{pk}/submit/")


def _version_row(version: Any) -> dict[str, Any]:
    return {
        "v": version,
        "code": code_display(version.verification_code),
        "time": show_moment(version.submitted_at, seconds=True),
    }


@permission("proposals.view_proposal")
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        proposal, queryset = version_list(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    rows = [_version_row(v) for v in queryset[:200]]
    comparison = None
    numbers = [r["v"].number for r in rows]
    a, b = request.GET.get("a"), request.GET.get("b")
    if not (a and b) and len(numbers) >= 2:
        a, b = str(numbers[1]), str(numbers[0])
    if a and b and a.isdigit() and b.isdigit() and a != b:
        try:
            old = version_get(viewer=request.user, pk=pk, number=int(a))
            new = version_get(viewer=request.user, pk=pk, number=int(b))
        except NotFound as exc:
            messages.error(request, _(exc.message))
        else:
            # compared as the viewer may see them: liaisons' numbers masked (contacts.py)
            old.document = document_for(request.user, proposal, old.document)
            new.document = document_for(request.user, proposal, new.document)
            comparison = {"old": old, "new": new, **compare_versions(old, new)}
            for change in comparison["fields"] + comparison["changed"]:
                change["label"] = path_label(change["path"])  # as the form names it
    return render(
        request,
        "proposals/submission/versions.html",
        {"proposal": proposal, "rows": rows, "comparison": comparison, "a": a, "b": b},
    )


@permission("proposals.view_proposal")
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    try:
        version = version_get(viewer=request.user, pk=pk, number=number)
    except NotFound as exc:
        return _not_found(request, exc)
    return render(
        request,
        "proposals/submission/version.html",
        {"proposal": version.proposal, **_version_row(version)},
    )


def pdf_pending_page(request: HttpRequest, version: Any) -> HttpResponse:
    """“正在生成…”: the PDF of a just-submitted version is being printed by a job (started
    again here when an earlier one was lost, so it always comes)."""
    from .submission import version_pdf_ensure

    version_pdf_ensure(version)
    response = render(
        request,
        "proposals/submission/pdf_pending.html",
        {"proposal": version.proposal, "v": version},
        status=202,
    )
    response["Retry-After"] = "5"
    response["Cache-Control"] = "private, no-store"
    return response


@permission("proposals.view_proposal")
def version_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    try:
        version = version_get(viewer=request.user, pk=pk, number=number)
    except NotFound as exc:
        return _not_found(request, exc)
    if not version.pdf:
        return pdf_pending_page(request, version)
    # a reader who needs no liaison numbers gets a reading copy with them masked (contacts.py)
    copy = reading_copy_pdf(request.user, version)
    try:
        handle = io.BytesIO(copy) if copy is not None else version.pdf.open("rb")
    except OSError:
        return error_page(request, 404, _("未找到"), _("该版本的 PDF 文件缺失，请联系系统管理员。"))
    name = f"{version.proposal.name or '联盟构建建议书'}-第{version.number}版.pdf"
    # 下载 PDF: saved as a file to print, under the proposal's name
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
