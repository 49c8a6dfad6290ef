"""Where a problem is, as the form names it: ``$.lead_unit.employees`` → ``二、牵头单位基本情况 ·
职工总数``, ``$.members[4].kind`` → ``成员单位名单 · 第 5 行 · 单位类别``.

The interchange format, ``lianmeng check`` and the API speak in JSON paths; people read the
section and field labels of the proposal form (sections.py, the roster's member form, the
profile's materials). Labels are lazy, so they follow the reader's language.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .editor import PARTS
from .sections import SECTIONS, field_for_path

__all__ = ["path_label"]

#: the member form's labels (proposals/roster/member_form.html)
MEMBER_FIELDS: dict[str, Any] = {
    "name": _("单位名称"),
    "uscc": _("统一社会信用代码"),
    "org_code": _("组织机构代码"),
    "role": _("牵头单位"),
    "kind": _("单位类别"),
    "region_code": _("所在地"),
    "chain_position": _("产业链位置"),
    "legal_representative": _("法定代表人"),
    "signed_agreement": _("法定代表人已签署联盟协议"),
    "liaison": _("联系人"),
    "liaison.name": _("联系人"),
    "liaison.phone": _("联系电话"),
    "liaison.mobile": _("手机"),
    "liaison.fax": _("传真"),
    "liaison.email": _("电子邮箱"),
    "standing": _("在行业（领域）中的地位"),
    "platforms": _("研发平台"),
    "platforms.name": _("平台名称"),
    "platforms.level": _("平台级别"),
    "platforms.kind": _("平台类别"),
}
_MEMBER = re.compile(r"^\$?\.?members\[(\d+)\](?:\.(.+))?$")
_MATERIAL = re.compile(r"^\$?\.?materials(?:\[(\d+)\])?")
_SEP = " · "


def _part_label(key: str) -> Any:
    part = next((p for p in PARTS if p.key == key), None)
    return part.label if part else ""


def path_label(path: str, *, materials: dict[str, str] | None = None) -> Any:
    """The form's name for ``path`` (a JSON path or a dotted key); never the path itself.

    ``materials`` maps material kinds to the profile's titles, for ``$.materials[...]``.
    """
    path = (path or "").strip()
    if not path or path == "$":
        return _("建议书")
    if match := _MEMBER.match(path):
        row, rest = int(match.group(1)) + 1, match.group(2) or ""
        rest = re.sub(r"\[\d+\]", "", rest)
        label = MEMBER_FIELDS.get(rest) or MEMBER_FIELDS.get(rest.split(".", 1)[0], "")
        where = format_lazy(_("第 {row} 行"), row=row)
        return format_lazy(
            "{}{}{}{}{}", _part_label("members"), _SEP, where, _SEP if label else "", label
        )
    if _MATERIAL.match(path):
        return _part_label("materials") or _("附件")
    key, field = field_for_path(path)
    section = SECTIONS.get(key)
    spec = section.field(field) if section and field else None
    part = _part_label(key) or (section.title if section else "")
    if spec is not None:
        return format_lazy("{}{}{}", part, _SEP, spec.label)
    return part or _("建议书")


#: the interchange's fixed messages (lianmeng.policy.interchange), in the reader's language
MESSAGES: dict[str, Any] = {
    "必填字段缺失": _("必填字段缺失"),
    "未知字段": _("未知字段"),
    "应为字符串": _("应为字符串"),
    "应为布尔值 true 或 false": _("应为“是”或“否”"),
    "应为 JSON 对象": _("格式不正确"),
    "应为数组": _("格式不正确"),
}


def message_text(message: str) -> Any:
    """A fixed interchange message in the reader's language; other text as it is."""
    return MESSAGES.get(message, message)
