"""XLSX of the dashboard: one chart's table, or every table in one workbook (one sheet each).

Each sheet starts with the area, the chart's title and the time the figures were computed, then
the table as the page shows it (the same :class:`~lianmeng.insight.charts.Chart` rows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext

from lianmeng.core.clock import format_moment
from lianmeng.core.models import Jurisdiction
from lianmeng.documents.xlsx import append_row, escape_text, workbook_bytes

from .charts import Chart


def _sheet_title(chart: Chart, used: set[str]) -> str:
    base = escape_text(chart.title.replace(" · ", "-"))[0]
    for ch in "[]:*?/\\":
        base = base.replace(ch, "")
    title = base[:31] or "Sheet"
    n = 2
    while title in used:
        title = f"{base[:28]}-{n}"
        n += 1
    used.add(title)
    return title


def _fill(sheet, chart: Chart, scope: Jurisdiction, computed_at: datetime) -> None:  # noqa: ANN001
    from openpyxl.styles import Font

    append_row(sheet, [f"{scope.name} · {chart.title}"])
    sheet.cell(row=1, column=1).font = Font(bold=True)
    append_row(
        sheet,
        [gettext("数据更新于 %(at)s") % {"at": format_moment(computed_at, seconds=False)}],
    )
    if chart.note:
        append_row(sheet, [chart.note])
    header = append_row(sheet, chart.headers)
    for column in range(1, len(chart.headers) + 1):
        sheet.cell(row=header, column=column).font = Font(bold=True)
    for row in chart.table():
        append_row(sheet, row)
    if not chart.rows:
        append_row(sheet, [chart.empty])
    sheet.column_dimensions["A"].width = 28
    for letter in "BCDEFGH":
        sheet.column_dimensions[letter].width = 14


def chart_xlsx(chart: Chart, scope: Jurisdiction, computed_at: datetime) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(chart, set())
    _fill(sheet, chart, scope, computed_at)
    return workbook_bytes(book)


def workbook_xlsx(charts: Sequence[Chart], scope: Jurisdiction, computed_at: datetime) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for chart in charts:
        sheet = book.create_sheet(_sheet_title(chart, used))
        _fill(sheet, chart, scope, computed_at)
    return workbook_bytes(book)
