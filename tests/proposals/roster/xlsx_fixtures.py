"""Roster workbooks for tests, built on the downloadable template (so the layout is the real one).

``roster_xlsx_with_bad_rows()`` is the file of the acceptance journey: 12 units, of which the
row with a wrong check digit and the row repeating an earlier unit are refused, the other ten
imported. Where the bad rows are (Excel row numbers, the header being row 1):

- ``CHECK_DIGIT_ROW`` (6): a USCC whose 18th character is wrong;
- ``DUPLICATE_ROW`` (9): the same USCC as ``DUPLICATED_ROW`` (3).
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from stdnum.cn import uscc as stdnum_uscc

CHECK_DIGIT_ROW = 6
DUPLICATE_ROW = 9
DUPLICATED_ROW = 3

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

#: (name, kind label, USCC prefix, chain position, platform, platform level)
_UNITS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("洛阳精密轴承有限公司", "企业", "91", "中游", "河南省精密轴承工程技术研究中心", "省级"),
    (
        "河南科技大学",
        "高等院校",
        "12",
        "上游",
        "高端轴承摩擦学技术与应用国家地方联合工程实验室",
        "国家级",
    ),
    ("洛阳特种钢材有限公司", "企业", "91", "上游", "", ""),
    ("中国船舶集团第七二五研究所", "科研院所", "12", "上游", "河南省船舶材料重点实验室", "省级"),
    ("洛阳数控机床股份有限公司", "企业", "91", "中游", "洛阳市数控装备企业技术中心", "市级"),
    ("洛阳风电装备有限公司", "企业", "91", "下游", "", ""),
    ("洛阳职业技术学院", "职业院校", "52", "", "", ""),
    ("洛阳热处理技术有限公司", "企业", "91", "中游", "", ""),
    (
        "河南省轴承检测中心有限公司",
        "中介机构",
        "91",
        "下游",
        "河南省轴承质量检测工程技术研究中心",
        "省级",
    ),
    ("洛阳润滑材料有限公司", "企业", "91", "上游", "", ""),
    ("洛阳矿山机械有限公司", "企业", "91", "下游", "", ""),
    ("洛阳轴承研究院有限公司", "科研院所", "91", "中游", "", ""),
)


def make_uscc(region: str, serial: int, prefix: str = "91") -> str:
    """A USCC registered in ``region`` with correct check characters."""
    body = f"{serial:08d}"
    remainder = 11 - sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    org = body + {10: "X", 11: "0"}.get(remainder, str(remainder))
    code = f"{prefix}{region}{org}"
    return code + stdnum_uscc.calc_check_digit(code)


def wrong_check_digit(code: str) -> str:
    """The same code with a different, wrong 18th character."""
    right = code[17]
    return code[:17] + next(c for c in _ALPHABET if c != right)


def template_bytes() -> bytes:
    from lianmeng.proposals.roster import roster_template_xlsx

    return roster_template_xlsx("henan")


def workbook_from_rows(rows: list[dict[str, Any]], *, bare: bool = False) -> bytes:
    """The template with ``rows`` (header → value) written from row 2 on.

    ``bare``: a plain workbook with only the template's header row (much faster to build; for
    tests that make hundreds of files).
    """
    if bare:
        from openpyxl import Workbook

        from lianmeng.proposals.roster_xlsx import COLUMNS

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "成员单位名单"
        sheet.append([c.header for c in COLUMNS])
    else:
        workbook = load_workbook(io.BytesIO(template_bytes()))
        sheet = workbook["成员单位名单"]
    headers = [cell.value for cell in sheet[1]]
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=number, column=headers.index(header) + 1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_rows(
    lead_region: str = "410305", count: int = 10, serial_base: int = 70_000
) -> list[dict]:
    rows = []
    for index in range(count):
        name, kind, prefix, chain, platform, level = _UNITS[index % len(_UNITS)]
        if index >= len(_UNITS):
            name = f"{name}（{index + 1}）"
        row = {
            "单位名称": name,
            "单位类别": kind,
            "统一社会信用代码": make_uscc(lead_region, serial_base + index, prefix),
            "产业链位置": chain,
            "法定代表人": f"法人{index + 1}",
            "联系人": f"联络人{index + 1}",
            "手机": f"1380379{index:04d}",
            "电子邮箱": f"contact{index + 1}@example.cn",
            "法定代表人已签署协议": "是",
        }
        if platform:
            row |= {"研发平台名称": platform, "平台级别": level}
        rows.append({k: v for k, v in row.items() if v})
    return rows


def roster_xlsx_with_bad_rows(
    lead_region: str = "410305", good: int = 10, bad: int = 2, *, serial_base: int = 70_000
) -> bytes:
    """``good + bad`` units; the first bad row has a wrong check digit (row 6), the second
    repeats the unit of row 3 (row 9), further bad rows have wrong check digits too.

    Units are registered in ``lead_region`` (so they count as local); ``serial_base`` varies
    the codes when one test needs two different files.
    """
    rows = good_rows(lead_region, good + bad, serial_base)
    bad_positions = [CHECK_DIGIT_ROW, DUPLICATE_ROW][:bad]
    bad_positions += [len(rows) + 1 - i for i in range(bad - len(bad_positions))]
    for position in bad_positions:
        row = rows[position - 2]
        if position == DUPLICATE_ROW:
            row["统一社会信用代码"] = rows[DUPLICATED_ROW - 2]["统一社会信用代码"]
            row["单位名称"] = rows[DUPLICATED_ROW - 2]["单位名称"] + "（重复填报）"
        else:
            row["统一社会信用代码"] = wrong_check_digit(row["统一社会信用代码"])
    return workbook_from_rows(rows)
