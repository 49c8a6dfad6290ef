"""Downloads of rewards (lianmeng.rewards.exports): the ledger and the budgets as XLSX and PDF
for the department that keeps them, and the decision of a batch as PDF — public once the batch
is published, the department's draft copy (without a verification code) before.

Anyone else is answered 404 (nothing is revealed).
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from lianmeng.core.access import permission, public
from lianmeng.documents.xlsx import xlsx_response
from lianmeng.ui.errors import error_page

from . import exports, selectors
from .models import Batch
from .views_ledger import filtered_due, filtered_ledger, ledger_filters


def _not_found(request: HttpRequest, message: str = "") -> HttpResponse:
    return error_page(request, 404, _("未找到"), message or _("未找到该文件，或您无权查看。"))


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


def _department(request: HttpRequest) -> str | None:
    """The department's name (its first profile's), or None when the viewer keeps no ledger."""
    profiles = selectors.department_profiles(request.user)
    if not profiles:
        return None
    return exports.department_of(profiles[0])


def _uses(request: HttpRequest) -> list[selectors.BudgetUse]:
    return selectors.budget_uses(selectors.budgets(request.user).order_by("fund", "year"))


def _stamp_name(request: HttpRequest, stem: str, ext: str) -> str:
    return f"{stem}-{selectors.today().isoformat()}.{ext}"


@permission("rewards.decide")
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    """资金台账 XLSX (the filters of the ledger page apply)."""
    if _department(request) is None:
        return _not_found(request)
    filters = ledger_filters(request)
    content = exports.ledger_xlsx(
        filtered_ledger(request, filters), filtered_due(request, filters), _uses(request)
    )
    return _private(xlsx_response(content, _stamp_name(request, "奖补资金台账", "xlsx")))


@permission("rewards.decide")
def ledger_pdf(request: HttpRequest) -> HttpResponse:
    department = _department(request)
    if department is None:
        return _not_found(request)
    filters = ledger_filters(request)
    content = exports.ledger_pdf(
        filtered_ledger(request, filters),
        filtered_due(request, filters),
        _uses(request),
        department=department,
        filters=filters,
    )
    return _pdf(content, _stamp_name(request, "奖补资金台账", "pdf"), "ledger.pdf")


@permission("rewards.decide")
def budgets_xlsx(request: HttpRequest) -> HttpResponse:
    if _department(request) is None:
        return _not_found(request)
    content = exports.budgets_xlsx(_uses(request))
    return _private(xlsx_response(content, _stamp_name(request, "奖补预算执行表", "xlsx")))


@permission("rewards.decide")
def budgets_pdf(request: HttpRequest) -> HttpResponse:
    department = _department(request)
    if department is None:
        return _not_found(request)
    content = exports.budgets_pdf(_uses(request), department=department)
    return _pdf(content, _stamp_name(request, "奖补预算执行表", "pdf"), "budgets.pdf")


@public
def batch_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """奖补决定 PDF: anyone once published; the deciding department's draft before."""
    batch = Batch.objects.filter(pk=pk).first()
    if batch is None:
        return _not_found(request)
    if batch.status != Batch.Status.PUBLISHED and not (
        request.user.is_authenticated
        and selectors.decides(request.user, batch.profile)
        and batch.jurisdiction_id == request.user.jurisdiction_id
    ):
        return _not_found(request)
    content = exports.batch_pdf(batch)
    return _pdf(content, exports.batch_filename(batch), f"reward-decision-{batch.pk}.pdf")
