"""成员单位名单的 Excel 工作簿：模板、导出与逐行读取（M-12）。

One layout for the downloadable template, the export and the import, so an exported roster
imports back unchanged. Columns are found by their Chinese header (not by position), so a
workbook whose columns were moved or that lacks the optional ones still reads; enumerations
are written as Chinese labels with drop-downs and read back from the label or the English id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from lianmeng.core.errors import ValidationFailed
from lianmeng.documents.xlsx import put, workbook_bytes
from lianmeng.documents.xlsx_reader import read_table

from .roster_fields import (
    CHAIN_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    PLATFORM_KIND_LABELS,
    norm_text,
)

DATA_SHEET = "成员单位名单"
HELP_SHEET = "填写说明"
#: rows of the data sheet that carry the drop-downs and text format
FORMATTED_ROWS = 1000
#: the most data rows an import reads (a roster is tens of units, not thousands)
MAX_ROWS = 2000
#: bounds of the import's reader: a filled template inflates to well under 1 MB; a part that
#: inflates beyond these is not a roster (XLSX bomb, issue 12)
MAX_PART_INFLATED = 16 * 1024 * 1024
MAX_TOTAL_INFLATED = 48 * 1024 * 1024
#: cells read (empty ones included): 2000 rows of 50 columns
MAX_CELLS = MAX_ROWS * 50
#: the whole read, well within the worker's timeout
MAX_SECONDS = 3.0
#: separator of several platforms in one cell (full-width; the half-width one is read too)
SEP = "；"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    note: str
    aliases: tuple[str, ...] = ()
    text: bool = False  # stored as text so Excel does not turn codes into numbers


COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", 6, "可不填，导入时不读取"),
    Column("name", "单位名称", 34, "必填，与营业执照或法人证书一致", ("成员单位名称", "名称")),
    Column("kind", "单位类别", 11, "必填，从下拉列表选择", ("类别", "单位性质")),
    Column(
        "uscc",
        "统一社会信用代码",
        22,
        "18 位，系统校验第 18 位校验码；没有统一社会信用代码的单位填写组织机构代码",
        ("信用代码", "社会信用代码"),
        True,
    ),
    Column(
        "org_code",
        "组织机构代码",
        14,
        "9 位，如 12345678-8；已有统一社会信用代码的可不填",
        ("机构代码",),
        True,
    ),
    Column(
        "region_code",
        "注册地区划代码(可空)",
        16,
        "6 位行政区划代码；不填时按统一社会信用代码第 3–8 位确定注册地",
        ("注册地区划代码", "区划代码", "注册地代码"),
        True,
    ),
    Column("chain_position", "产业链位置", 11, "从下拉列表选择上游、中游或下游", ("产业链",)),
    Column("legal_representative", "法定代表人", 11, "签署联盟协议的法定代表人姓名"),
    Column("liaison.name", "联系人", 10, "联盟工作联络人", ("联络人", "联盟工作联络人")),
    Column("liaison.mobile", "手机", 14, "联络人手机号码", ("手机号码", "移动电话"), True),
    Column("liaison.email", "电子邮箱", 24, "联络人电子邮箱", ("email", "邮箱", "e-mail")),
    Column(
        "standing",
        "在行业中的地位",
        40,
        "限 100 字",
        ("在行业(领域)中的地位", "行业地位"),
    ),
    Column(
        "platform.name",
        "研发平台名称",
        34,
        f"多个平台用“{SEP}”分隔，或在下一行只填写平台三列",
        ("平台名称",),
    ),
    Column("platform.level", "平台级别", 10, "国家级、省级或市级；多个平台时与名称一一对应"),
    Column("platform.kind", "平台类别", 16, "可不填；多个平台时与名称一一对应"),
    Column("liaison.phone", "联系电话", 14, "联络人固定电话（可不填）", ("固定电话", "电话"), True),
    Column("liaison.fax", "传真", 14, "可不填", (), True),
    Column(
        "signed_agreement",
        "法定代表人已签署协议",
        12,
        "是或否；可不填",
        ("已签署协议", "签署协议"),
    ),
)
#: a column only the export writes, for people; the import ignores it
REGION_NAME_HEADER = "注册地（系统识别）"

_YES = {"是", "已签署", "已签", "√", "✓", "y", "yes", "true", "1"}
_NO = {"否", "未签署", "未签", "×", "✗", "n", "no", "false", "0"}


def _header_key(text: object) -> str:
    cleaned = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    cleaned = re.sub(r"\s+", "", cleaned)
    return cleaned


_BY_HEADER: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.aliases):
        _BY_HEADER[_header_key(_name)] = _column.key
        _BY_HEADER[_header_key(re.sub(r"[(（].*?[)）]", "", _name))] = _column.key


# -- writing ---------------------------------------------------------------------------------

_THIN = Side(style="thin", color="B7C3D0")
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
_HEADER_FONT = Font(name="宋体", bold=True, size=11)
_BODY_FONT = Font(name="宋体", size=11)


def _list_validation(column: Column, labels: Iterable[str], *, strict: bool) -> DataValidation:
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(labels) + '"',
        allow_blank=True,
        showDropDown=False,  # openpyxl's name is inverted: False shows the arrow
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle=column.header,
        error=f"请从下拉列表中选择{column.header}。"
        + ("" if strict else f"填写多个平台时请用“{SEP}”分隔。"),
        showInputMessage=True,
        promptTitle=column.header,
        prompt=column.note[:250],
    )
    return dv


_ENUM_COLUMNS: dict[str, tuple[dict[str, str], bool]] = {
    "kind": (KIND_LABELS, True),
    "chain_position": (CHAIN_LABELS, True),
    "platform.level": (LEVEL_LABELS, False),
    "platform.kind": (PLATFORM_KIND_LABELS, False),
    "signed_agreement": ({"yes": "是", "no": "否"}, True),
}


def _data_sheet(ws: Worksheet, *, extra_headers: tuple[str, ...] = ()) -> None:
    ws.title = DATA_SHEET
    headers = [c.header for c in COLUMNS] + list(extra_headers)
    ws.append(headers)
    for index, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
        width = COLUMNS[index - 1].width if index <= len(COLUMNS) else 28
        ws.column_dimensions[get_column_letter(index)].width = width
        _ = header
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"
    last = FORMATTED_ROWS + 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        if column.key in _ENUM_COLUMNS:
            labels, strict = _ENUM_COLUMNS[column.key]
            dv = _list_validation(column, labels.values(), strict=strict)
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last}")
        elif column.key == "standing":
            dv = DataValidation(
                type="textLength",
                operator="lessThanOrEqual",
                formula1="100",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error="在行业中的地位限 100 字。",
            )
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last}")
        if column.text:
            for row in range(2, last + 1):
                ws.cell(row=row, column=index).number_format = "@"


def _help_sheet(wb: Workbook, title: str, notes: Iterable[str]) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 90
    ws.append([title])
    ws["A1"].font = Font(name="宋体", bold=True, size=14)
    ws.merge_cells("A1:B1")
    ws.append([])
    for line in notes:
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=2)
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.append([])
    ws.append(["列名", "填写要求"])
    for cell in ws[ws.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for column in COLUMNS:
        ws.append([column.header, column.note])
        ws.cell(row=ws.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.append([])
    ws.append(["可选取值", ""])
    ws.cell(row=ws.max_row, column=1).font = _HEADER_FONT
    for label, values in (
        ("单位类别", KIND_LABELS),
        ("产业链位置", CHAIN_LABELS),
        ("平台级别", LEVEL_LABELS),
        ("平台类别", PLATFORM_KIND_LABELS),
    ):
        ws.append([label, "、".join(values.values())])
    ws.append([])
    ws.append(["示例", ""])
    ws.cell(row=ws.max_row, column=1).font = _HEADER_FONT
    ws.append(["单位名称", "洛阳某某轴承有限公司"])
    ws.append(["研发平台名称", f"河南省轴承工程技术研究中心{SEP}洛阳市精密轴承重点实验室"])
    ws.append(["平台级别", f"省级{SEP}市级"])


def _workbook_bytes(wb: Workbook) -> bytes:
    return workbook_bytes(wb)


def _notes(scope: str) -> list[str]:
    return [
        f"1. 在“{DATA_SHEET}”工作表中每行填写一个成员单位，第 1 行为列名，请勿修改列名。",
        "2. 每个单位须有统一社会信用代码（18 位）；没有统一社会信用代码的单位填写组织机构代码。"
        "系统逐行校验代码，代码错误、单位重复的行不导入，并报告行号和原因；其余各行照常导入。",
        "3. 注册地按统一社会信用代码第 3–8 位（行政区划代码）自动识别；代码中没有区划的单位"
        "请填写“注册地区划代码”。",
        "4. 单位类别、产业链位置、平台级别、平台类别请从下拉列表中选择。",
        f"5. 一个单位有多个研发平台时，在同一单元格中用“{SEP}”分隔，平台级别、平台类别与名称"
        "一一对应；也可以在该单位下一行只填写平台三列。",
        f"6. 牵头单位若在表中，按“二、牵头单位基本情况”识别，只更新其联系人、平台等信息。{scope}",
    ]


def template_workbook(title: str, scope: str = "") -> bytes:
    wb = Workbook()
    _data_sheet(wb.active)
    _help_sheet(wb, title, _notes(scope))
    wb.active = 0
    return _workbook_bytes(wb)


def _cell_values(member: Mapping[str, Any], seq: int) -> list[Any]:
    liaison = member.get("liaison") or {}
    platforms = member.get("platforms") or []
    signed = member.get("signed_agreement")
    values: dict[str, Any] = {
        "seq": seq,
        "name": member.get("name", ""),
        "kind": KIND_LABELS.get(member.get("kind", ""), member.get("kind", "")),
        "uscc": member.get("uscc", ""),
        "org_code": member.get("org_code", ""),
        "region_code": member.get("region_code", ""),
        "chain_position": CHAIN_LABELS.get(member.get("chain_position", ""), ""),
        "legal_representative": member.get("legal_representative", ""),
        "standing": member.get("standing", ""),
        "platform.name": SEP.join(p.get("name", "") for p in platforms),
        "platform.level": SEP.join(LEVEL_LABELS.get(p.get("level", ""), "") for p in platforms),
        "platform.kind": SEP.join(
            PLATFORM_KIND_LABELS.get(p.get("kind", ""), "") for p in platforms
        )
        if any(p.get("kind") for p in platforms)
        else "",
        "signed_agreement": "是" if signed is True else ("否" if signed is False else ""),
    }
    for key in ("name", "mobile", "email", "phone", "fax"):
        values[f"liaison.{key}"] = liaison.get(key, "")
    return [values[c.key] for c in COLUMNS]


def export_workbook(
    members: Iterable[Mapping[str, Any]], region_names: Mapping[int, str], title: str
) -> bytes:
    wb = Workbook()
    ws = wb.active
    _data_sheet(ws, extra_headers=(REGION_NAME_HEADER,))
    # written cell by cell: the formatted empty rows below the header make append() start
    # after them
    for seq, member in enumerate(members, start=1):
        values = [*_cell_values(member, seq), region_names.get(seq - 1, "")]
        for column, value in enumerate(values, start=1):
            # ``put``: a unit named "=HYPERLINK(…)" comes back as that text, never a formula
            cell = put(ws.cell(row=seq + 1, column=column), value if value != "" else None)
            cell.font = _BODY_FONT
    _help_sheet(wb, title, _notes(""))
    wb.active = 0
    return _workbook_bytes(wb)


# -- reading ---------------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One unit as read from the sheet: its row number, raw member data, and the rows of
    platforms written below it."""

    number: int
    data: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)


def _cell_text(value: Any, *, code: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        elif code:
            return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return norm_text(value) if code else str(value).strip()


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;；]", text)] if text.strip() else []


def _platforms(name_cell: str, level_cell: str, kind_cell: str) -> tuple[list[dict], str]:
    names, levels, kinds = _split(name_cell), _split(level_cell), _split(kind_cell)
    if not names:
        if levels or kinds:
            return [], "填写了平台级别或类别，但没有研发平台名称"
        return [], ""
    if len(levels) == 1 and len(names) > 1:
        levels = levels * len(names)
    if len(kinds) == 1 and len(names) > 1:
        kinds = kinds * len(names)
    if len(levels) != len(names) or (kinds and len(kinds) != len(names)):
        return [], (
            f"研发平台名称有 {len(names)} 个，平台级别有 {len(levels)} 个"
            + (f"、平台类别有 {len(kinds)} 个" if kinds else "")
            + f"，请用“{SEP}”一一对应"
        )
    return [
        {"name": n, "level": levels[i], "kind": kinds[i] if kinds else ""}
        for i, n in enumerate(names)
    ], ""


def _signed(text: str) -> tuple[bool | None, str]:
    lowered = text.strip().lower()
    if not lowered:
        return None, ""
    if lowered in _YES:
        return True, ""
    if lowered in _NO:
        return False, ""
    return None, f"“法定代表人已签署协议”应填写是或否，当前为“{text}”"


def _raw(values: tuple[Any, ...], columns: Mapping[int, str], key: str) -> Any:
    index = next((i for i, k in columns.items() if k == key), None)
    return values[index] if index is not None and index < len(values) else None


def read_rows(content: bytes, *, max_bytes: int | None = None) -> list[SheetRow]:
    """Rows of the roster sheet as member data; raises ValidationFailed if the file as a whole
    cannot be read (not an XLSX workbook, a zip bomb, no header row, too many rows or cells,
    too slow) — through the bounded reader every import shares (documents.xlsx_reader)."""
    table = read_table(
        content,
        sheet=DATA_SHEET,
        max_bytes=max_bytes or settings.LIANMENG_UPLOAD_MAX_BYTES,
        max_part_inflated=MAX_PART_INFLATED,
        max_total_inflated=MAX_TOTAL_INFLATED,
        max_rows=MAX_ROWS,
        max_cells=MAX_CELLS,
        max_seconds=MAX_SECONDS,
    )
    rows = iter(table.rows)
    header = next(rows, (1, ()))[1]
    columns: dict[int, str] = {}
    for index, text in enumerate(header):
        key = _BY_HEADER.get(_header_key(text)) or _BY_HEADER.get(
            _header_key(re.sub(r"[(（].*?[)）]", "", str(text or "")))
        )
        if key and key not in columns.values():
            columns[index] = key
    found = set(columns.values())
    if "name" not in found or not found & {"uscc", "org_code"}:
        raise ValidationFailed(
            gettext(
                "第 1 行缺少“单位名称”或“统一社会信用代码”列。"
                "请使用下载的成员名单模板，不要修改第 1 行列名。"
            )
        )
    code_keys = {c.key for c in COLUMNS if c.text}
    result: list[SheetRow] = []
    for number, values in rows:
        cells = {
            key: _cell_text(values[i] if i < len(values) else None, code=key in code_keys)
            for i, key in columns.items()
        }
        if not any(v for k, v in cells.items() if k != "seq"):
            continue
        platforms, platform_error = _platforms(
            cells.get("platform.name", ""),
            cells.get("platform.level", ""),
            cells.get("platform.kind", ""),
        )
        identity = cells.get("name") or cells.get("uscc") or cells.get("org_code")
        if not identity and (platforms or platform_error):
            # a row below a unit carrying only further platforms of that unit
            if result and not platform_error:
                result[-1].data.setdefault("platforms", []).extend(platforms)
                continue
            row = SheetRow(number, {})
            row.errors["platforms"] = platform_error or "该行只有研发平台，上方没有所属单位"
            result.append(row)
            continue
        signed, signed_error = _signed(cells.get("signed_agreement", ""))
        data: dict[str, Any] = {
            "name": cells.get("name", ""),
            "kind": cells.get("kind", ""),
            "uscc": cells.get("uscc", ""),
            "org_code": cells.get("org_code", ""),
            "region_code": cells.get("region_code", ""),
            "chain_position": cells.get("chain_position", ""),
            "legal_representative": cells.get("legal_representative", ""),
            "standing": cells.get("standing", ""),
            "liaison": {
                key: cells.get(f"liaison.{key}", "")
                for key in ("name", "phone", "mobile", "fax", "email")
            },
            "platforms": platforms,
        }
        if signed is not None:
            data["signed_agreement"] = signed
        row = SheetRow(number, data)
        raw_uscc = _raw(values, columns, "uscc")
        if isinstance(raw_uscc, int | float) and not isinstance(raw_uscc, bool):
            row.errors["uscc"] = (
                "统一社会信用代码被 Excel 存成了数字，末几位可能已丢失；"
                "请把该列设为“文本”格式后重新输入代码"
            )
        if platform_error:
            row.errors["platforms"] = platform_error
        if signed_error:
            row.errors["signed_agreement"] = signed_error
        result.append(row)
    return result
