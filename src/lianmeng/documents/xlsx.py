"""One small XLSX writer for every list a department exports (申报列表、待办、受理、联盟名录 …).

``write_table(headers, rows)`` streams the rows into a write-only workbook (constant memory
at any length) and returns the ``.xlsx`` bytes. It knows no business table: callers pass the
headers in the reader's language and one sequence of plain values per row.

Cells are written so that a spreadsheet never runs what an applicant typed: a text that
starts with ``=`` ``+`` ``-`` ``@`` (also after leading spaces), a tab, a carriage return or
a line feed (OWASP "CSV injection") is stored as a string cell with Excel's quote prefix —
the apostrophe-equivalent that shows the text as typed and never evaluates it. Control
characters XML cannot hold are dropped; times are shown in Beijing time.

Every XLSX the system writes goes through this module: list exports through
``write_table``; laid-out workbooks (roster template and export, score sheet, 推荐表) set
their cells with ``put`` / ``append_row`` and save with ``workbook_bytes``, which neutralises
any formula cell left in the book before it is written (tests/documents/test_xlsx_writers.py
checks that no other module saves a workbook).

Every XLSX the system reads goes through ``read_table`` (documents/xlsx_reader.py): the
archive is checked before any XML is parsed (members, declared and actual inflated sizes),
then one sheet is streamed under row, cell and time budgets.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lianmeng.core.clock import as_beijing

__all__ = [
    "CONTENT_TYPE",
    "FORMULA_PREFIXES",
    "append_row",
    "escape_text",
    "put",
    "workbook_bytes",
    "write_table",
    "xlsx_response",
]

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: what makes Excel, LibreOffice or WPS read a cell as a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
#: the formula characters also count after leading blanks (" =1+1", "\u3000=1+1")
_FORMULA_STARTS = ("=", "+", "-", "@")
#: widths (Excel character units) never narrower / wider than these
MIN_WIDTH, MAX_WIDTH = 6, 60


def escape_text(value: str) -> tuple[str, bool]:
    """The text to store and whether it needs the quote prefix (it could start a formula)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return text, text.startswith(FORMULA_PREFIXES) or text.lstrip().startswith(_FORMULA_STARTS)


def put(cell: Any, value: Any) -> Any:
    """Set ``value`` on an openpyxl cell so that a text is never a formula: the one escaping
    rule of ``write_table``, for workbooks laid out cell by cell. Returns the cell."""
    if isinstance(value, str):
        text, risky = escape_text(value)
        cell.value = text
        if risky:
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def append_row(sheet: Any, values: Sequence[Any]) -> int:
    """``sheet.append(values)`` with every text set through ``put``; the new row's number."""
    sheet.append([None] * len(values))
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        put(sheet.cell(row=row, column=column), value)
    return row


def _neutralise(book: Any) -> None:
    """Turn every formula or formula-like text cell of ``book`` into a quoted text cell."""
    for sheet in book.worksheets:
        for cell in list(getattr(sheet, "_cells", {}).values()):
            if cell.data_type == "f" or (
                isinstance(cell.value, str) and escape_text(cell.value)[1]
            ):
                if isinstance(cell.value, str):
                    put(cell, cell.value)
                else:  # an ArrayFormula / DataTableFormula object: keep its text
                    put(cell, str(getattr(cell.value, "text", cell.value) or ""))


def workbook_bytes(book: Any) -> bytes:
    """The ``.xlsx`` bytes of an openpyxl workbook, with no cell a spreadsheet would evaluate."""
    _neutralise(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _width(value: Any) -> int:
    text = str(value or "")
    # a 汉字 is about two characters wide
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def cell(sheet: Any, value: Any, *, bold: bool = False, decimal_format: str = "") -> Any:
    """One cell of a write-only sheet: dates as dates (Beijing time), numbers as numbers
    (a Decimal in ``decimal_format`` when given, e.g. ``#,##0.00`` for 万元), text never read
    as a formula."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if isinstance(value, datetime):
        out = WriteOnlyCell(sheet, value=as_beijing(value).replace(tzinfo=None, microsecond=0))
        out.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        out = WriteOnlyCell(sheet, value=value)
        out.number_format = "yyyy-mm-dd"
    elif value is None or isinstance(value, bool):
        out = WriteOnlyCell(sheet, value="" if value is None else ("是" if value else "否"))
    elif isinstance(value, int | float | Decimal):
        out = WriteOnlyCell(sheet, value=value)
        if decimal_format and isinstance(value, Decimal):
            out.number_format = decimal_format
    else:
        text, risky = escape_text(str(value))
        out = WriteOnlyCell(sheet, value=text)
        if risky:
            # a string cell, never a formula, shown as typed (Excel's leading apostrophe)
            out.data_type = "s"
            out.quotePrefix = True
    if bold:
        out.font = Font(bold=True)
    return out


def write_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "列表",
    widths: Sequence[int] | None = None,
) -> bytes:
    """The rows under one bold header row, frozen below it, as ``.xlsx`` bytes."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=escape_text(sheet_title)[0][:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    guessed = [max(MIN_WIDTH, min(MAX_WIDTH, _width(h) + 2)) for h in headers]
    for index, width in enumerate(widths or guessed, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([cell(sheet, str(h), bold=True) for h in headers])
    for row in rows:
        sheet.append([_plain(sheet, value) for value in row])
    return workbook_bytes(book)


def _plain(sheet: Any, value: Any) -> Any:
    """:func:`cell` for a data cell, but a plain value where no cell object is needed (a number,
    a text that cannot start a formula, a blank): openpyxl writes those through one reused
    cell, which makes a 10,000-row export about a third faster (tests/bench/evaluation_bench.py)."""
    if value is None:
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text, risky = escape_text(value)
        if not risky:
            return text
    return cell(sheet, value)


def xlsx_response(content: bytes, filename: str) -> Any:
    """An ``HttpResponse`` that downloads ``content`` as ``filename`` (ASCII name, with the
    UTF-8 name for browsers that read RFC 6266's ``filename*``)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=CONTENT_TYPE)
    ascii_name = filename.encode("ascii", "ignore").decode() or "export.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
