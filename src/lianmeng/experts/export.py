"""评审结果与评分明细的 Excel 导出（openpyxl）。"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lianmeng.core.clock import BEIJING
from lianmeng.documents.xlsx import append_row, workbook_bytes

from .models import ReviewRound
from .results import ProposalResult, q2

HEADER = Font(bold=True)
FILL = PatternFill("solid", fgColor="DDE7F3")
WRAP = Alignment(wrap_text=True, vertical="top")


def _number(value: Any) -> float | None:
    value = q2(value) if value is not None else None
    return float(value) if value is not None else None


def _header(sheet: Any, titles: list[str], widths: list[int]) -> None:
    row = append_row(sheet, titles)
    for column, width in enumerate(widths, start=1):
        cell = sheet.cell(row=row, column=column)
        cell.font, cell.fill, cell.alignment = HEADER, FILL, WRAP
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{row + 1}"  # a string: touching the cell would add an empty row


def score_sheet_xlsx(round: ReviewRound, results: list[ProposalResult]) -> bytes:
    """Two sheets: 评审结果 (one row per proposal, ranked) and 评分明细 (one row per expert)."""
    criteria = round.criteria
    book = Workbook()
    summary = book.active
    summary.title = "评审结果"
    append_row(summary, [round.title])
    append_row(
        summary,
        [
            "说明：各项为专家平均分；加权总分 = Σ 得分/满分 × 权重；"
            "去极值平均分在 4 位及以上专家时去掉一个最高分和一个最低分后平均，否则为平均分；"
            "按去极值平均分排名。"
        ],
    )
    titles = ["排名", "联盟名称", "牵头单位", "已评/分配"]
    titles += [f"{c['title']}（权重{c['weight']}）" for c in criteria]
    titles += ["加权总分（平均）", "去极值平均分"]
    _header(summary, titles, [6, 36, 30, 10] + [14] * len(criteria) + [14, 14])
    for result in results:
        append_row(
            summary,
            [
                result.rank,
                result.proposal.name,
                result.proposal.lead_unit.name,
                f"{result.submitted}/{result.assigned}",
                *[_number(result.criterion_means.get(c["key"])) for c in criteria],
                _number(result.mean),
                _number(result.trimmed),
            ],
        )
    detail = book.create_sheet("评分明细")
    titles = ["联盟名称", "专家", "专家所在单位"]
    for c in criteria:
        titles += [f"{c['title']}（满分{c.get('max_score', 100)}）", f"{c['title']}评语"]
    titles += ["加权总分", "提交时间"]
    _header(detail, titles, [36, 12, 30] + [12, 30] * len(criteria) + [12, 20])
    for result in results:
        for sheet in result.sheets:
            row: list[Any] = [result.proposal.name, sheet.expert, sheet.unit]
            for c in criteria:
                row += [_number(sheet.scores.get(c["key"])), sheet.comments.get(c["key"], "")]
            submitted = sheet.submitted_at
            row += [
                _number(sheet.total),
                submitted.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") if submitted else "",
            ]
            # an expert's comment "=HYPERLINK(…)" is stored as text (``put``), never a formula
            for cell in detail[append_row(detail, row)]:
                cell.alignment = WRAP
    return workbook_bytes(book)
