"""``put`` and ``workbook_bytes``: laid-out workbooks escape like ``write_table`` does."""

from __future__ import annotations

import io

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from lianmeng.documents.xlsx import append_row, escape_text, put, workbook_bytes

#: what a spreadsheet would read as the start of a formula, with leading blanks too
RISKY = ["=1+1", " =1+1", '\u3000=HYPERLINK("x")', "+1", " -1", "@A1", "\t=1", "\r=1", "\n=1"]


def _cells(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row]


def test_put_and_append_row_store_text_with_the_quote_prefix():
    book = openpyxl.Workbook()
    sheet = book.active
    for number, text in enumerate(RISKY, start=1):
        put(sheet.cell(row=number, column=1), text)
    append_row(sheet, ["=cmd|' /C calc'!A0", 3, None])
    cells = _cells(workbook_bytes(book))
    texts = [c for c in cells if isinstance(c.value, str)]
    assert [c.value for c in texts] == [escape_text(t)[0] for t in RISKY] + ["=cmd|' /C calc'!A0"]
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)
    assert 3 in [c.value for c in cells]


def test_workbook_bytes_neutralises_a_formula_set_directly():
    book = openpyxl.Workbook()
    book.active["A1"] = "=SUM(1,2)"  # a writer that forgot ``put``
    (cell,) = _cells(workbook_bytes(book))
    assert cell.data_type == "s" and cell.value == "=SUM(1,2)" and cell.quotePrefix


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_no_text_put_in_a_workbook_becomes_a_formula(text):
    book = openpyxl.Workbook()
    put(book.active["A1"], text)
    cells = _cells(workbook_bytes(book))
    assert all(c.data_type != "f" for c in cells)
    if cells and escape_text(text)[1]:
        assert cells[0].quotePrefix
