"""Exports of the key-project solicitations.

- :func:`proposals_xlsx` — the department's list of one solicitation's proposals (as filtered on
  the page), one row per proposal with its budget and mean score, and a total row.
- :func:`proposal_pdf` — one submitted proposal, printable, with the verification code and the
  QR code of ``/verify/<code>`` (registered with :mod:`lianmeng.proposals.verifiable`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

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
from lianmeng.proposals.verifiable import Verified, register_verifiable

from .models import ProjectProposal, Solicitation
from .selectors import domain_label

MONEY_FORMAT = "#,##0.00"
ZERO = Decimal("0.00")
CHUNK = 2_000


def headers() -> list[str]:
    return [
        _("序号"),
        _("项目名称"),
        _("联盟"),
        _("所属领域"),
        _("牵头单位"),
        _("起始日期"),
        _("结束日期"),
        _("总预算（万元）"),
        _("申请财政资金（万元）"),
        _("自筹资金（万元）"),
        _("状态"),
        _("提交时间"),
        _("平均分"),
        _("评分人数"),
    ]


def proposals_xlsx(solicitation: Solicitation, rows: Iterable[ProjectProposal]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=escape_text(_("项目申报汇总"))[0][:31])
    sheet.freeze_panes = "A3"
    widths = [6, 36, 36, 10, 30, 12, 12, 14, 16, 14, 12, 18, 10, 10]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([cell(sheet, f"{solicitation.title}（{solicitation.year}）", bold=True)])
    sheet.append([cell(sheet, h, bold=True) for h in headers()])
    totals = [ZERO, ZERO, ZERO]
    count = 0
    iterator = rows.iterator(chunk_size=CHUNK) if hasattr(rows, "iterator") else rows
    for count, row in enumerate(iterator, start=1):  # noqa: B007
        mean = getattr(row, "score_mean", None)
        values: list[Any] = [
            count,
            row.title,
            row.alliance.name,
            domain_label(row.domain),
            row.lead_unit.name,
            row.starts_on,
            row.ends_on,
            row.budget_total,
            row.funds_requested,
            row.self_raised,
            row.get_status_display(),
            row.submitted_at,
            Decimal(mean).quantize(Decimal("0.01")) if mean is not None else None,
            getattr(row, "score_count", 0),
        ]
        totals[0] += row.budget_total
        totals[1] += row.funds_requested
        totals[2] += row.self_raised
        sheet.append([cell(sheet, v, decimal_format=MONEY_FORMAT) for v in values])
    sheet.append(
        [
            cell(sheet, _("合计（%(n)s 项）") % {"n": count}, bold=True),
            *([cell(sheet, "")] * 6),
            *[cell(sheet, t, bold=True, decimal_format=MONEY_FORMAT) for t in totals],
        ]
    )
    return workbook_bytes(book)


# -- the PDF ------------------------------------------------------------------------------------


def _stamp(code: str) -> dict[str, str]:
    url = absolute_url(reverse("documents:verify", args=[code]))
    return {"code": code_display(code), "verify_url": url, "qr": qr_data_uri(url)}


def proposal_pdf(proposal: ProjectProposal) -> bytes:
    solicitation = proposal.solicitation
    context = {
        "p": proposal,
        "solicitation": solicitation,
        "alliance": proposal.alliance,
        "members": list(proposal.members.all()),
        "domain": domain_label(proposal.domain),
        "submitted": clock.as_beijing(proposal.submitted_at).strftime("%Y-%m-%d %H:%M")
        if proposal.submitted_at
        else "",
        "printed": clock.beijing_now().strftime("%Y-%m-%d %H:%M"),
        "font_family": FONTS[DEFAULT_FONT],
        **_stamp(proposal.verification_code),
    }
    with translation.override("zh-hans"):
        html = render_to_string("projects/proposal_pdf.html", context)
    return html_to_pdf(html)


def verify_proposal(code: str) -> Verified | None:
    value = normalise_code(code)
    if not value:
        return None
    row = (
        ProjectProposal.objects.filter(verification_code=value)
        .select_related("solicitation", "alliance")
        .first()
    )
    if row is None or row.submitted_at is None:
        return None
    rows = [
        (_("文件"), _("重大项目申报书")),
        (_("项目名称"), row.title),
        (_("征集"), row.solicitation.title),
        (_("联盟"), row.alliance.name),
        (_("总预算"), _("%(amount)s 万元") % {"amount": f"{row.budget_total:,.2f}"}),
        (_("提交时间"), clock.format_moment(row.submitted_at, seconds=False)),
        (_("当前状态"), row.get_status_display()),
    ]
    return Verified(
        kind="project_proposal",
        title=_("核验码有效：这是本系统收到的项目申报书。"),
        rows=rows,
        note=_(
            "核对方法：项目名称、联盟和总预算与申报书一致即为真实；申报书重新提交后以最新提交为准。"
        ),
        warning=_("该申报书已撤回。") if row.status == ProjectProposal.Status.WITHDRAWN else "",
    )


def register() -> None:
    register_verifiable("project_proposal", verify_proposal)
