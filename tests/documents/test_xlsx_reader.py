"""The bounded XLSX reader every import shares (issue 12, finding 3) and the rule that every
workbook the system writes is saved through the escaping writer (finding 2)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from lianmeng.core.errors import ValidationFailed
from lianmeng.documents.xlsx_reader import read_table

from . import xlsx_payloads as payloads

SRC = Path(__file__).resolve().parents[2] / "src" / "lianmeng"


def _refused(data: bytes, **bounds) -> str:
    started = time.monotonic()
    with pytest.raises(ValidationFailed) as caught:
        read_table(data, sheet=payloads.SHEET, **bounds)
    assert time.monotonic() - started < 5
    return caught.value.message


def test_a_plain_workbook_reads_its_rows():
    table = read_table(payloads.workbook(), sheet=payloads.SHEET)
    assert table.title == payloads.SHEET
    assert table.rows == [(1, ("单位名称", "统一社会信用代码"))]


def test_a_bomb_is_refused_by_its_declared_size():
    assert "文件解压后超过 16 MB" in _refused(payloads.bomb(100))


def test_a_bomb_that_lies_about_its_size_is_caught_while_inflating():
    assert "文件可能已损坏" in _refused(payloads.lying_bomb(20))


def test_a_part_inflated_beyond_the_ratio_is_a_bomb():
    assert "压缩比异常" in _refused(payloads.bomb(10))


def test_rows_far_below_and_rows_too_wide_are_refused():
    assert "超过 2000 行" in _refused(payloads.far_row())
    assert "单元格超过" in _refused(payloads.wide_rows())
    assert "超过 50 行" in _refused(payloads.undeclared_rows(60), max_rows=50)


def test_a_sheet_without_dimension_is_bounded_in_time():
    message = _refused(payloads.undeclared_rows(300_000), max_seconds=1.0)
    assert "超过 1 秒" in message


@pytest.mark.parametrize(
    "name", ["xl/embeddings/inner.xlsx", "../evil.xml", "/etc/passwd", "xl/a\\b.xml"]
)
def test_nested_and_odd_members_are_refused(name):
    message = _refused(payloads.workbook(extra=[(name, "x")]))
    assert "夹带了其他压缩文件" in message or "名称异常" in message


def test_too_many_members_and_not_a_workbook():
    extra = [(f"xl/media/image{i}.png", "x") for i in range(250)]
    assert "个部件" in _refused(payloads.workbook(extra=extra))
    assert "不是 Excel 工作簿" in _refused(b"PK\x03\x04not a zip")
    assert "不是 Excel 工作簿" in _refused("名称,代码".encode())


def test_every_workbook_written_goes_through_the_escaping_writer():
    """No module but documents/xlsx.py saves an openpyxl workbook itself."""
    offenders = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.relative_to(SRC).as_posix() == "documents/xlsx.py":
            continue
        if re.search(r"\bWorkbook\(", text) and (
            re.search(r"\.save\(", text) or "workbook_bytes" not in text
        ):
            offenders.append(str(path.relative_to(SRC)))
        if "load_workbook" in text and path.name != "xlsx_reader.py":
            offenders.append(f"{path.relative_to(SRC)} (reads without the bounded reader)")
    assert offenders == []
