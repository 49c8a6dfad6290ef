"""Downloads of the annual evaluation (lianmeng.evaluation.exports): results XLSX and PDF, the
score sheets (XLSX, one alliance's PDF) and the warning notice PDF.

Who may download what is decided by :mod:`lianmeng.evaluation.selectors`; anyone else is
answered 404 (the campaign is not revealed):

- results XLSX: the organiser (every alliance, at any stage), departments below (their area's
  alliances, once the results are noticed);
- results PDF: everyone once the campaign is in its public notice or published; the organiser
  from 核定 on (a draft copy without a verification code);
- score sheets (XLSX of the campaign, PDF of one alliance): the organiser only;
- warning notice: the lead unit and the departments who see the rectification.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from lianmeng.core.access import login_only, public
from lianmeng.core.errors import NotFound
from lianmeng.documents.xlsx import xlsx_response
from lianmeng.ui.errors import error_page

from . import exports, selectors
from .models import Campaign

#: the organiser prints the results from 核定 on (the ranking exists)
PRINTABLE = (Campaign.Stage.VERIFYING, *selectors.RESULT_STAGES)


def _not_found(request: HttpRequest, message: str = "") -> HttpResponse:
    return error_page(request, 404, _("未找到"), message or _(selectors.NOT_FOUND))


def _pdf(content: bytes, filename: str, ascii_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_only
def results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """评价结果 XLSX: the organiser's whole campaign; a department below its own area's rows,
    once the results are noticed."""
    try:
        campaign, relation = selectors.campaign_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    if relation not in (selectors.ORGANISER, selectors.DEPARTMENT):
        return _not_found(request)
    if not selectors.results_visible(campaign, relation):
        return _not_found(
            request, _("评价结果在公示后才可导出；请在结果公示后再下载本地区的评价结果。")
        )
    rows = selectors.evaluations(request.user, campaign, relation)
    content = exports.results_xlsx(campaign, rows)
    return _private(xlsx_response(content, exports.results_filename(campaign, "xlsx")))


@public
def results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """评价结果 PDF: public from the notice on (with the verification code once published);
    the organiser's draft from 核定 on."""
    try:
        campaign, relation = selectors.campaign_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    if relation == selectors.ORGANISER:
        if campaign.stage not in PRINTABLE:
            return _not_found(
                request, _("评价结果在核定阶段才能打印：请先完成评分并将评价推进到“主管部门核定”。")
            )
    elif campaign.stage not in selectors.RESULT_STAGES:
        return _not_found(request)
    # the results are the same for everyone who may read them: every alliance of the campaign
    rows = selectors.evaluations(
        request.user,
        campaign,
        selectors.ORGANISER if relation == selectors.ORGANISER else selectors.PUBLIC,
    )
    content = exports.results_pdf(campaign, rows)
    return _pdf(content, exports.results_filename(campaign, "pdf"), f"results-{campaign.pk}.pdf")


@login_only
def scores_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """评分表 XLSX: every evaluator's scores and comments; the organiser only."""
    try:
        campaign, relation = selectors.campaign_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    if relation != selectors.ORGANISER:
        return _not_found(request)
    content = exports.scores_xlsx(campaign)
    return _private(xlsx_response(content, f"{campaign.title}-评分表.xlsx"))


@login_only
def score_sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One alliance's score sheet (PDF); ``pk`` is the evaluation. The organiser only."""
    try:
        row, relation = selectors.evaluation_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    if relation != selectors.ORGANISER:
        return _not_found(request)
    assignments = selectors.assignments_visible(row, request.user, relation)
    content = exports.score_sheet_pdf(row, assignments)
    return _pdf(content, exports.score_sheet_filename(row), f"scores-{row.pk}.pdf")


@login_only
def warning_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """警告并限期整改通知 (PDF): the lead unit and the departments who see the rectification."""
    try:
        rect = selectors.rectification_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    content = exports.warning_pdf(rect)
    return _pdf(content, exports.warning_filename(rect), f"warning-{rect.pk}.pdf")
