"""Documents recommending departments stamp: the 推荐表 (seed 001 附件3) as XLSX and PDF, and
Baoding's 推荐公函 (seed 004 第十条(一)) as PDF.

The 推荐表 has exactly the seed's columns, in its order, under its title
"2020年度河南省产业技术创新战略联盟推荐表" and the line "推荐单位/部门（盖章）：…", with the
seed's note on the domain column below. PDFs embed their fonts (subsets), as the proposal PDF
of ``lianmeng.documents`` does, so 汉字 print everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from lianmeng.core.clock import as_beijing

from .selectors import RecommendationRow

#: seed 001 附件3, in order
COLUMNS: tuple[str, ...] = (
    "序号",
    "联盟名称",
    "牵头单位",
    "所属领域",
    "推荐部门",
    "成员总数",
    "企业数量",
    "高校数量",
    "研究机构数量",
    "备注",
)
NOTE = "备注：所属领域中请填写工业、农业、社会发展"
#: column widths in Excel character units
WIDTHS = (6, 34, 30, 10, 24, 8, 8, 8, 10, 16)


def font_family() -> str:
    """The same font stack as the proposal PDF (AR PL UMing: fast to subset, embedded)."""
    try:
        from lianmeng.documents.pdf import DEFAULT_FONT, FONTS

        return FONTS[DEFAULT_FONT]
    except (ImportError, KeyError, AttributeError):
        return '"AR PL UMing CN", "DejaVu Sans", serif'


@dataclass(frozen=True)
class TableHeading:
    title: str
    department: str
    year: int


def table_heading(*, profile_name: str, year: int, department: str) -> TableHeading:
    return TableHeading(
        title=f"{year}年度{profile_name}产业技术创新战略联盟推荐表",
        department=department,
        year=year,
    )


def _row_values(row: RecommendationRow) -> list[Any]:
    return [
        row.number,
        row.name,
        row.lead_unit,
        row.domain,
        row.department,
        row.members,
        row.enterprises,
        row.universities,
        row.institutes,
        row.note,
    ]


def recommendation_table_xlsx(heading: TableHeading, rows: list[RecommendationRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    from lianmeng.documents.xlsx import put, workbook_bytes

    book = Workbook()
    sheet = book.active
    sheet.title = "推荐表"
    last = get_column_letter(len(COLUMNS))
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrapped = Alignment(vertical="center", wrap_text=True)

    sheet.merge_cells(f"A1:{last}1")
    put(sheet["A1"], heading.title)
    sheet["A1"].font = Font(name="宋体", size=16, bold=True)
    sheet["A1"].alignment = centred
    sheet.row_dimensions[1].height = 32

    sheet.merge_cells(f"A2:{last}2")
    put(sheet["A2"], f"推荐单位/部门（盖章）：{heading.department}")
    sheet["A2"].font = Font(name="宋体", size=12)
    sheet["A2"].alignment = Alignment(vertical="center")
    sheet.row_dimensions[2].height = 24

    for index, title in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=3, column=index, value=title)
        cell.font = Font(name="宋体", size=11, bold=True)
        cell.alignment = centred
        cell.border = box
    sheet.row_dimensions[3].height = 30
    for offset, row in enumerate(rows):
        for index, value in enumerate(_row_values(row), start=1):
            # ``put``: what an applicant typed (名称、单位、备注) is text, never a formula
            cell = put(sheet.cell(row=4 + offset, column=index), value)
            cell.font = Font(name="宋体", size=11)
            cell.border = box
            cell.alignment = wrapped if index in (2, 3, 5, 10) else centred
    note_row = 4 + len(rows)
    sheet.merge_cells(f"A{note_row}:{last}{note_row}")
    sheet.cell(row=note_row, column=1, value=NOTE).font = Font(name="宋体", size=10)

    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.print_title_rows = "3:3"
    sheet.freeze_panes = "A4"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    book.properties.title = heading.title
    return workbook_bytes(book)


def _fetcher() -> Any:
    """Nothing is fetched: the documents carry no outside resources."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string(template, {**context, "font_family": font_family()})
    return HTML(string=html, url_fetcher=_fetcher(), base_url=".").write_pdf()


def _date(moment: datetime) -> str:
    local = as_beijing(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def recommendation_table_pdf(
    heading: TableHeading, rows: list[RecommendationRow], *, printed_at: datetime
) -> bytes:
    return _pdf(
        "reviews/recommendation_table_pdf.html",
        {
            "heading": heading,
            "columns": COLUMNS,
            "rows": [_row_values(row) for row in rows],
            "note": NOTE,
            "printed": _date(printed_at),
        },
    )


def recommendation_letter_pdf(
    *,
    proposal: Any,
    department: str,
    addressee: str,
    category: str,
    opinion: str,
    recommended_at: datetime,
    policy_title: str,
    policy_number: str,
) -> bytes:
    """保定：县（市、区）、开发区科技行政主管部门推荐公函, one page, ready to stamp."""
    return _pdf(
        "reviews/recommendation_letter_pdf.html",
        {
            "proposal": proposal,
            "department": department,
            "addressee": addressee,
            "category": category,
            "opinion": opinion,
            "date": _date(recommended_at),
            "policy_title": policy_title,
            "policy_number": policy_number,
        },
    )
