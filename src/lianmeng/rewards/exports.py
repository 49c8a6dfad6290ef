"""Printable and spreadsheet forms of rewards (M-51): the payment ledger and the budgets as XLSX
and PDF, and the decision of a published batch as PDF.

- XLSX: write-only workbooks saved through :func:`lianmeng.documents.xlsx.workbook_bytes`
  (texts escaped with :func:`~lianmeng.documents.xlsx.escape_text`: what an applicant typed is
  never a formula); every amount is a number cell (the stored ``Decimal``) shown as
  ``#,##0.00`` 万元, never a text.
- PDF: rendered like the evaluation's documents (:func:`lianmeng.documents.pdf.html_to_pdf`,
  Noto Serif CJK embedded). A published batch's decision carries its verification code and a
  QR code of ``/verify/<code>``, registered with :mod:`lianmeng.proposals.verifiable`
  (:func:`register`).

Who may export what is the views' business (lianmeng.rewards.views_exports); these functions
print what they are given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lianmeng.alliances.plaque import chinese_date
from lianmeng.core import clock
from lianmeng.core.site import absolute_url
from lianmeng.documents.pdf import (
    DEFAULT_FONT,
    FONTS,
    code_display,
    html_to_pdf,
    normalise_code,
    qr_data_uri,
)
from lianmeng.documents.xlsx import cell, escape_text, workbook_bytes
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.policy.rewards import money
from lianmeng.proposals.verifiable import Verified, register_verifiable

from .models import Award, Batch, Instalment, Payment
from .selectors import BudgetUse

#: rows read per round trip when streaming the ledger
CHUNK = 2_000
MONEY_FORMAT = "#,##0.00"
ZERO = Decimal("0.00")

__all__ = [
    "batch_pdf",
    "batch_rows",
    "budgets_pdf",
    "budgets_xlsx",
    "department_of",
    "kinds_of",
    "ledger_pdf",
    "ledger_xlsx",
    "register",
]


# -- helpers -------------------------------------------------------------------------------------


def department_of(profile_id: str) -> str:
    """The department that decides the profile's rewards and signs its documents."""
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return ""
    if profile.authority is not None:
        return profile.authority.value
    return profile.issuer.value


def kinds_of(profile_id: str, *, translate: bool = False) -> dict[str, dict[str, str]]:
    """{kind id: {"label", "article"}} of a profile's reward rules; the labels in the reader's
    language with ``translate`` (pages), as the profile states them otherwise (documents)."""
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return {}
    if profile.rewards is None:
        return {}
    return {
        k.id: {"label": _(k.label) if translate else k.label, "article": profile.cite(k.citation)}
        for k in profile.rewards.kinds
    }


class _Kinds:
    """Kind labels of several profiles, looked up once each."""

    def __init__(self) -> None:
        self._by_profile: dict[str, dict[str, dict[str, str]]] = {}

    def label(self, profile_id: str, kind: str) -> str:
        if profile_id not in self._by_profile:
            self._by_profile[profile_id] = kinds_of(profile_id)
        return self._by_profile[profile_id].get(kind, {}).get("label", kind)


def _stream(rows: Any) -> Iterable[Any]:
    iterator = getattr(rows, "iterator", None)
    return iterator(chunk_size=CHUNK) if callable(iterator) else rows


def _render(template: str, context: dict[str, Any]) -> bytes:
    with translation.override("zh-hans"):
        html = render_to_string(template, {**context, "font_family": FONTS[DEFAULT_FONT]})
    return html_to_pdf(html)


def _stamp(code: str) -> dict[str, str]:
    if not code:
        return {}
    url = absolute_url(reverse("documents:verify", args=[code]))
    return {"code": code_display(code), "verify_url": url, "qr": qr_data_uri(url)}


def _today_text() -> str:
    return clock.beijing_now().strftime("%Y-%m-%d %H:%M")


# -- XLSX ----------------------------------------------------------------------------------------


def _cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
    return cell(sheet, value, bold=bold, decimal_format=MONEY_FORMAT)


def _sheet(book: Any, title: str, headers: Sequence[str], widths: Sequence[int]) -> Any:
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title=escape_text(title)[0][:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([_cell(sheet, str(h), bold=True) for h in headers])
    return sheet


def _row(sheet: Any, values: Sequence[Any], *, bold: bool = False) -> None:
    sheet.append([_cell(sheet, v, bold=bold) for v in values])


def payment_headers() -> list[str]:
    return [
        _("拨付日期"),
        _("凭证号"),
        _("联盟名称"),
        _("申请编号"),
        _("奖补类别"),
        _("资金来源"),
        _("预算年度"),
        _("拨付金额（万元）"),
        _("备注"),
    ]


def _payments(rows: Any) -> Iterable[Payment]:
    if hasattr(rows, "select_related"):
        rows = rows.select_related("instalment__award__claim", "alliance", "budget").order_by(
            "paid_on", "id"
        )
    return _stream(rows)


def _payment_rows(rows: Any) -> Iterable[tuple[Any, ...]]:
    """The ledger's columns as plain tuples (no model instances: 40,000 payments in a few
    seconds, docs/benchmarks.md), oldest first."""
    if hasattr(rows, "values_list"):
        return (
            rows.order_by("paid_on", "id")
            .values_list(
                "paid_on",
                "voucher",
                "alliance__name",
                "instalment__award__claim__number",
                "instalment__award__claim__profile",
                "instalment__award__claim__kind",
                "budget__fund",
                "budget__year",
                "amount",
                "note",
            )
            .iterator(chunk_size=CHUNK)
        )
    return (
        (
            p.paid_on,
            p.voucher,
            p.alliance.name,
            p.instalment.award.claim.number,
            p.instalment.award.claim.profile,
            p.instalment.award.claim.kind,
            p.budget.fund,
            p.budget.year,
            p.amount,
            p.note,
        )
        for p in rows
    )


def _due(rows: Any) -> Iterable[Instalment]:
    if hasattr(rows, "select_related"):
        rows = rows.select_related("award__claim", "award__alliance", "budget").order_by(
            "year", "id"
        )
    return _stream(rows)


def summary_headers() -> list[str]:
    return [
        _("资金来源"),
        _("年度"),
        _("预算（万元）"),
        _("已安排（万元）"),
        _("已拨付（万元）"),
        _("尚可安排（万元）"),
        _("已安排未拨付（万元）"),
    ]


def summary_values(use: BudgetUse) -> list[Any]:
    b = use.budget
    return [b.fund, b.year, b.amount, use.committed, use.paid, use.available, use.unpaid]


def _summary_sheet(book: Any, uses: Sequence[BudgetUse], title: str) -> None:
    sheet = _sheet(book, title, summary_headers(), (36, 8, 14, 14, 14, 14, 18))
    totals = [ZERO] * 5
    for use in uses:
        values = summary_values(use)
        _row(sheet, values)
        totals = [t + v for t, v in zip(totals, values[2:], strict=True)]
    _row(sheet, [_("合计"), None, *totals], bold=True)


def due_headers() -> list[str]:
    return [
        _("联盟名称"),
        _("申请编号"),
        _("奖补类别"),
        _("资金来源"),
        _("拨付年度"),
        _("应拨（万元）"),
        _("已拨（万元）"),
        _("未拨（万元）"),
    ]


def ledger_xlsx(payments: Any, due: Any, uses: Sequence[BudgetUse]) -> bytes:
    """资金台账 (XLSX): 拨付记录 (one row per payment, with the total), 预算执行 (per fund
    source and year: budget, committed, paid, available) and 应拨未拨 (instalments due)."""
    from openpyxl import Workbook

    kinds = _Kinds()
    book = Workbook(write_only=True)
    sheet = _sheet(book, _("拨付记录"), payment_headers(), (12, 18, 40, 18, 26, 32, 10, 16, 24))
    total, count = ZERO, 0
    for paid_on, voucher, name, number, profile, kind, fund, year, amount, note in _payment_rows(
        payments
    ):
        _row(
            sheet,
            [paid_on, voucher, name, number, kinds.label(profile, kind), fund, year, amount, note],
        )
        total += amount
        count += 1
    _row(
        sheet,
        [_("合计"), _("%(n)s 笔") % {"n": count}, None, None, None, None, None, total],
        bold=True,
    )
    _summary_sheet(book, uses, _("预算执行"))
    sheet = _sheet(book, _("应拨未拨"), due_headers(), (40, 18, 26, 32, 10, 14, 14, 14))
    due_total = ZERO
    for row in _due(due):
        claim = row.award.claim
        remaining = row.amount - row.paid
        _row(
            sheet,
            [
                row.award.alliance.name,
                claim.number,
                kinds.label(claim.profile, claim.kind),
                row.budget.fund,
                row.year,
                row.amount,
                row.paid,
                remaining,
            ],
        )
        due_total += remaining
    _row(sheet, [_("合计"), None, None, None, None, None, None, due_total], bold=True)
    return workbook_bytes(book)


def budgets_xlsx(uses: Sequence[BudgetUse]) -> bytes:
    """预算执行表 (XLSX): one row per fund source and year, with the totals."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _summary_sheet(book, uses, _("预算执行"))
    return workbook_bytes(book)


# -- PDF -----------------------------------------------------------------------------------------


def _summary_context(uses: Sequence[BudgetUse]) -> dict[str, Any]:
    rows = [
        {
            "fund": u.budget.fund,
            "year": u.budget.year,
            "amount": u.budget.amount,
            "committed": u.committed,
            "paid": u.paid,
            "available": u.available,
            "note": u.budget.note,
        }
        for u in uses
    ]
    return {
        "budgets": rows,
        "budget_total": sum((r["amount"] for r in rows), ZERO),
        "committed_total": sum((r["committed"] for r in rows), ZERO),
        "paid_total": sum((r["paid"] for r in rows), ZERO),
        "available_total": sum((r["available"] for r in rows), ZERO),
    }


def ledger_pdf(
    payments: Any,
    due: Any,
    uses: Sequence[BudgetUse],
    *,
    department: str,
    filters: dict[str, str] | None = None,
) -> bytes:
    """资金台账 (PDF): the payments (with the total), the budgets' use and the instalments due."""
    kinds = _Kinds()
    rows = []
    for p in _payments(payments):
        claim = p.instalment.award.claim
        rows.append(
            {
                "paid_on": p.paid_on.isoformat(),
                "voucher": p.voucher,
                "alliance": p.alliance.name,
                "number": claim.number,
                "kind": kinds.label(claim.profile, claim.kind),
                "fund": p.budget.fund,
                "year": p.budget.year,
                "amount": p.amount,
            }
        )
    due_rows = []
    for row in _due(due):
        claim = row.award.claim
        due_rows.append(
            {
                "alliance": row.award.alliance.name,
                "number": claim.number,
                "kind": kinds.label(claim.profile, claim.kind),
                "year": row.year,
                "amount": row.amount,
                "paid": row.paid,
                "remaining": row.amount - row.paid,
            }
        )
    conditions = []
    filters = filters or {}
    if filters.get("year"):
        conditions.append(_("预算年度 %(y)s") % {"y": filters["year"]})
    if filters.get("fund"):
        conditions.append(filters["fund"])
    if filters.get("q"):
        conditions.append(_("含“%(q)s”") % {"q": filters["q"]})
    return _render(
        "rewards/ledger_pdf.html",
        {
            "title": _("产业技术创新战略联盟奖补资金台账"),
            "department": department,
            "rows": rows,
            "total": sum((r["amount"] for r in rows), ZERO),
            "due": due_rows,
            "due_total": sum((r["remaining"] for r in due_rows), ZERO),
            "conditions": "；".join(conditions),
            "printed": _today_text(),
            "date": chinese_date(clock.beijing_now().date()),
            **_summary_context(uses),
        },
    )


def budgets_pdf(uses: Sequence[BudgetUse], *, department: str) -> bytes:
    """预算执行表 (PDF)."""
    return _render(
        "rewards/budgets_pdf.html",
        {
            "title": _("产业技术创新战略联盟奖补资金预算执行表"),
            "department": department,
            "printed": _today_text(),
            "date": chinese_date(clock.beijing_now().date()),
            **_summary_context(uses),
        },
    )


def batch_rows(batch: Batch) -> list[dict[str, Any]]:
    """A batch's decisions as printed: the alliance, the claim, the kind, the amount, the
    article (never the figures, the evidence or the reasons)."""
    kinds = kinds_of(batch.profile)
    rows = []
    for award in (
        Award.objects.filter(batch=batch).select_related("alliance", "claim").order_by("id")
    ):
        kind = kinds.get(award.claim.kind, {})
        rows.append(
            {
                "alliance": award.alliance.name,
                "number": award.claim.number,
                "kind": kind.get("label", award.claim.kind),
                "article": kind.get("article", ""),
                "amount": award.amount,
                "granted": award.amount > 0,
            }
        )
    return rows


def batch_pdf(batch: Batch) -> bytes:
    """奖补决定 (PDF): the batch's title, 文号, the decisions, the total, the articles they rest
    on; once published with the verification code and QR of ``/verify/<code>``."""
    rows = batch_rows(batch)
    published = batch.status == Batch.Status.PUBLISHED
    day = (
        clock.as_beijing(batch.published_at).date()
        if published and batch.published_at
        else clock.beijing_now().date()
    )
    articles = sorted({r["article"] for r in rows if r["article"]})
    policy = _policy_titles(batch.profile)
    return _render(
        "rewards/batch_pdf.html",
        {
            "batch": batch,
            "title": _("关于%(title)s的决定") % {"title": batch.title},
            "department": department_of(batch.profile),
            "policy": policy,
            "rows": rows,
            "granted": sum(1 for r in rows if r["granted"]),
            "total": sum((r["amount"] for r in rows), ZERO),
            "articles": articles,
            "published": published,
            "note": "" if published else _("拟定稿（未公布，仅供主管部门内部核对）"),
            "date": chinese_date(day),
            **(_stamp(batch.verification_code) if published else {}),
        },
    )


def _policy_titles(profile_id: str) -> str:
    """《…》 of the documents whose articles set the profile's reward rules."""
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return ""
    if profile.rewards is None:
        return ""
    seeds = {k.citation.seed for k in profile.rewards.kinds}
    titles = [f"《{d.title.value}》" for d in profile.documents if d.seed in seeds]
    return "、".join(titles)


def batch_filename(batch: Batch) -> str:
    return f"{batch.title}-奖补决定.pdf"


# -- /verify/<code> ------------------------------------------------------------------------------


def verify_batch(code: str) -> Verified | None:
    value = normalise_code(code)
    if not value:
        return None
    batch = Batch.objects.filter(verification_code=value, status=Batch.Status.PUBLISHED).first()
    if batch is None:
        return None
    totals = Award.objects.filter(batch=batch).aggregate(
        total=Sum("amount"), granted=Count("id", filter=Q(amount__gt=0))
    )
    rows = [
        (_("文件"), _("关于%(title)s的决定") % {"title": batch.title}),
        (_("文号"), batch.reference or "—"),
        (_("决定部门"), department_of(batch.profile)),
        (_("给予奖补"), _("%(n)s 项") % {"n": totals["granted"]}),
        (_("合计金额"), _("%(amount)s 万元") % {"amount": money(totals["total"] or ZERO)}),
    ]
    if batch.published_at:
        rows.append(
            (_("公布日期"), clock.as_beijing(batch.published_at).strftime("%Y年%-m月%-d日"))
        )
    return Verified(
        kind="reward_batch",
        title=_("核验码有效：这是本系统公布的奖补决定。"),
        rows=rows,
        note=_("核对方法：决定文件下方印有核验码和二维码；项数和合计金额与文件一致即为真实。"),
    )


def register() -> None:
    register_verifiable("reward_batch", verify_batch)
