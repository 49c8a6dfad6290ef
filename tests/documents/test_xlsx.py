"""The shared XLSX writer: real workbooks, Chinese headers, formula injection escaped."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from lianmeng.documents.xlsx import FORMULA_PREFIXES, write_table


def _read(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_headers_rows_and_types():
    sheet = _read(
        write_table(
            ["联盟名称", "成员数", "决定日期", "更新时间"],
            [
                ["河南省铝基新材料产业技术创新战略联盟", 12, date(2020, 11, 16), None],
                ["保定", 3, None, datetime(2020, 1, 1, 2, 0, tzinfo=UTC)],
            ],
            sheet_title="联盟名录",
        )
    )
    assert sheet.title == "联盟名录"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("联盟名称", "成员数", "决定日期", "更新时间")
    assert rows[1][:3] == ("河南省铝基新材料产业技术创新战略联盟", 12, datetime(2020, 11, 16))
    # times are written in Beijing time
    assert rows[2][3] == datetime(2020, 1, 1, 10, 0)
    assert sheet["A1"].font.bold


def test_formula_cells_are_text_with_the_quote_prefix():
    dangerous = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("x")']
    sheet = _read(write_table(["值"], [[v] for v in dangerous] + [["正常"]]))
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    for cell, typed in zip(cells, dangerous, strict=False):
        assert cell.data_type == "s"
        assert cell.value == typed
        assert cell.quotePrefix
    assert cells[-1].value == "正常" and not cells[-1].quotePrefix


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_no_text_ever_becomes_a_formula(text):
    sheet = _read(write_table(["值"], [[text]]))
    cell = sheet["A2"]
    assert cell.data_type != "f"
    if cell.value and str(cell.value).startswith(FORMULA_PREFIXES):
        assert cell.quotePrefix


def test_five_thousand_rows():
    rows = ([f"联盟{i}", i, f"=A{i}"] for i in range(5000))
    sheet = _read(write_table(["名称", "序号", "公式"], rows))
    assert sheet.max_row == 5001
    assert sheet.cell(row=5001, column=3).data_type == "s"
