"""Workbooks of the base: the import templates, reading a filled one, and the export.

The template's first sheet has one header row; columns are found by their Chinese header, so
moved columns still read. Holders (drafters) are member names or USCCs separated by "；" (or
";", "、", "，"). Reading goes through the bounded reader every import shares
(lianmeng.documents.xlsx_reader); writing through lianmeng.documents.xlsx.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from lianmeng.core.errors import ValidationFailed
from lianmeng.documents.xlsx import put, workbook_bytes, write_table
from lianmeng.documents.xlsx_reader import read_table

from .models import Patent, Standard

#: the most data rows an import in the request reads
MAX_ROWS = 2000
#: the most a background import reads (lianmeng.ipbase.imports; the upload stays within 5 MB)
JOB_MAX_ROWS = 20000
#: the time a background import may take to read its workbook
JOB_MAX_SECONDS = 120.0
#: (key, header, width, note)
PATENT_COLUMNS = (
    ("number", "专利号", 22, "必填，如 ZL202010123456.2（可省略 ZL，系统核对校验位）"),
    ("title", "专利名称", 40, "必填，不超过 200 字"),
    ("kind", "专利类型", 14, "发明专利、实用新型专利或外观设计专利；不填时按专利号判断"),
    ("status", "法律状态", 10, "已申请、已授权或已失效"),
    ("holders", "专利权人", 40, "联盟成员单位名称或统一社会信用代码，多个用“；”分隔"),
    ("licences_inside", "联盟内许可数", 12, "整数，可不填（0）"),
    ("licences_outside", "联盟外许可数", 12, "整数，可不填（0）"),
)
STANDARD_COLUMNS = (
    ("number", "标准号", 22, "必填，如 GB/T 12345-2020、T/CAS 123-2021、DB41/T 2000-2020"),
    ("title", "标准名称", 40, "必填，不超过 200 字"),
    ("level", "标准层级", 12, "国家标准、行业标准、地方标准或团体标准；不填时按标准号判断"),
    ("status", "状态", 10, "制定中、已发布或已废止"),
    ("drafters", "起草单位", 40, "联盟成员单位名称或统一社会信用代码，多个用“；”分隔"),
)
SHEETS = {"patents": "专利", "standards": "标准"}


def columns(kind: str) -> tuple[tuple[str, str, int, str], ...]:
    return PATENT_COLUMNS if kind == "patents" else STANDARD_COLUMNS


def template(kind: str) -> bytes:
    """The empty template with an example row's notes and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = SHEETS[kind]
    for index, (_key, header, width, _note) in enumerate(columns(kind), start=1):
        put(sheet.cell(row=1, column=index), header).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
        # codes stay text: Excel must not turn a number into 2.0201E+11
        for row in range(2, 502):
            sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 80
    put(notes.cell(row=1, column=1), "列").font = Font(bold=True)
    put(notes.cell(row=1, column=2), "填写要求").font = Font(bold=True)
    for index, (_key, header, _width, note) in enumerate(columns(kind), start=2):
        put(notes.cell(row=index, column=1), header)
        put(notes.cell(row=index, column=2), note)
    last = len(columns(kind)) + 3
    put(
        notes.cell(row=last, column=2),
        "每行一项，从第 2 行起填写；任何一行有误时整个文件都不导入，页面会列出行号和修改方法。"
        "已在库中的编号会合并（最新状态、合并权利人/起草单位），不会重复。",
    )
    return workbook_bytes(book)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;；、，,\n]", text) if part.strip()]


def read(
    content: bytes, kind: str, *, max_rows: int | None = None, max_seconds: float | None = None
) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {key: value}) of every non-empty data row; ValidationFailed when the file
    cannot be read or lacks the number column. ``max_rows`` (MAX_ROWS) and ``max_seconds``
    (the reader's 4 s) are larger for a background import."""
    limit = max_rows or MAX_ROWS
    bounds: dict[str, Any] = {"max_seconds": max_seconds} if max_seconds else {}
    table = read_table(
        content,
        sheet=SHEETS[kind],
        max_bytes=getattr(settings, "LIANMENG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024),
        max_rows=limit,
        max_cells=limit * 20,
        **bounds,
    )
    rows = iter(table.rows)
    header = next(rows, (1, ()))[1]
    by_header = {h: key for key, h, _w, _n in columns(kind)}
    found: dict[int, str] = {}
    for index, text in enumerate(header):
        key = by_header.get(re.sub(r"\s+", "", str(text or "")))
        if key and key not in found.values():
            found[index] = key
    number_header = columns(kind)[0][1]
    if "number" not in found.values() or "title" not in found.values():
        raise ValidationFailed(
            _("第 1 行缺少“%(number)s”或名称列。请使用下载的模板，不要修改第 1 行列名。")
            % {"number": number_header}
        )
    people = "holders" if kind == "patents" else "drafters"
    result: list[tuple[int, dict[str, Any]]] = []
    for number, values in rows:
        data = {key: _cell(values[i] if i < len(values) else None) for i, key in found.items()}
        if not any(data.values()):
            continue
        data[people] = _split(data.get(people, ""))
        result.append((number, data))
    return result


def _people_text(people: Any) -> str:
    return "；".join(p.get("name", "") for p in people or [] if isinstance(p, dict))


def export_patents(rows: Iterable[Patent]) -> bytes:
    headers = [
        _("专利号"),
        _("专利名称"),
        _("专利类型"),
        _("法律状态"),
        _("专利权人"),
        _("联盟内许可数"),
        _("联盟外许可数"),
        _("报送联盟"),
        _("领域"),
        _("年度"),
    ]
    return write_table(
        headers,
        (
            [
                p.number,
                p.title,
                p.get_kind_display(),
                p.get_status_display(),
                _people_text(p.holders),
                p.licences_inside,
                p.licences_outside,
                p.alliance.name,
                _field_label(p.field),
                p.year,
            ]
            for p in rows
        ),
        sheet_title=_("专利"),
    )


def export_standards(rows: Iterable[Standard]) -> bytes:
    headers = [
        _("标准号"),
        _("标准名称"),
        _("标准层级"),
        _("状态"),
        _("起草单位"),
        _("报送联盟"),
        _("领域"),
        _("年度"),
    ]
    return write_table(
        headers,
        (
            [
                s.number,
                s.title,
                s.get_level_display(),
                s.get_status_display(),
                _people_text(s.drafters),
                s.alliance.name,
                _field_label(s.field),
                s.year,
            ]
            for s in rows
        ),
        sheet_title=_("标准"),
    )


def _field_label(value: str) -> str:
    from lianmeng.proposals.models import Proposal

    return str(dict(Proposal.Domain.choices).get(value, value))
