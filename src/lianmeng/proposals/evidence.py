"""The data a finding was judged on (its ``evidence``), as people read it (issue 11).

``lianmeng check`` and the API keep the evidence as machine data (keys, JSON paths, kinds);
the pages show each entry under a label, with values named as the form and the profile name
them: material kinds by the profile's titles, member kinds and chain positions by their
labels, JSON paths by the form's section and field, states by the profile's state names.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.policy.registry import KIND_NAMES, LEVEL_NAMES, POSITION_NAMES
from lianmeng.policy.rules_agreement import BODY_NAMES, CLAUSE_NAMES

from .path_labels import path_label
from .roster_fields import UI_LABELS

__all__ = ["evidence_rows"]

LABELS: dict[str, Any] = {
    "compared_with": _("比对数量"),
    "similar": _("相近的联盟"),
    "threshold": _("相似度阈值"),
    "count": _("数量"),
    "note": _("说明"),
    "advisory": _("咨询机构"),
    "decision": _("决策机构"),
    "executive": _("执行机构"),
    "call_year": _("申报年度"),
    "call_year_inferred": _("申报年度由提交时间推定"),
    "checked": _("核对的成员单位数"),
    "closes": _("网上填报截止"),
    "opens": _("网上填报开始"),
    "counties": _("成员单位所在县（市、区）"),
    "covered": _("已覆盖的产业链环节"),
    "date": _("判断日期"),
    "enterprises": _("企业数量"),
    "external_liability_party": _("对外承担责任的主体"),
    "focus_area": _("重点领域"),
    "fund_management": _("经费管理制度"),
    "has_office": _("固定办公场所"),
    "industry": _("产业（行业）"),
    "judged_at": _("判断时间"),
    "jurisdiction": _("辖区代码"),
    "kinds": _("各类成员单位数量"),
    "lead_members": _("标为牵头单位的行"),
    "lead_unit": _("牵头单位"),
    "legally_binding": _("具有法律约束力"),
    "level": _("级别"),
    "local": _("本地成员单位数"),
    "matched": _("相似度"),
    "max_years": _("最长年限"),
    "min_years": _("最短年限"),
    "member": _("成员单位"),
    "min_count": _("最少数量"),
    "min_provincial": _("省级以上平台最少数量"),
    "missing": _("缺少"),
    "more_than_share": _("应超过的比例"),
    "name": _("名称"),
    "org_code": _("组织机构代码"),
    "outside": _("辖区外的成员单位所在地"),
    "path": _("位置"),
    "platforms": _("研发平台"),
    "problem": _("问题"),
    "problems": _("问题"),
    "product": _("产品（品种）"),
    "reference": _("来源"),
    "region_code": _("注册地代码"),
    "required": _("要求"),
    "secretariat_fulltime_staff": _("秘书处专职人员数"),
    "signed_on": _("协议签署日期"),
    "source": _("依据来源"),
    "status": _("状态"),
    "supported": _("支持的重点领域"),
    "term_years": _("协议期限（年）"),
    "total": _("成员单位总数"),
    "undetermined": _("所在地无法确定的成员单位"),
    "unknown": _("所在地未知的成员单位数"),
    "unsigned": _("未签署协议的成员单位"),
    "uscc": _("统一社会信用代码"),
    "valid_from": _("有效期起"),
    "valid_until": _("有效期止"),
    "valid": _("有效"),
    "kind": _("类别"),
}
_PATH = re.compile(r"^\$?\.?(members\[\d+\]|lead_unit|agreement|governance|materials)[\w.\[\]]*$")
_SOURCES = {"政策配置": _("政策档案")}


def _names(profile_id: str) -> dict[str, str]:
    """Value names: the profile's material titles, then the form's fixed names."""
    names: dict[str, str] = {}
    for table in (KIND_NAMES, POSITION_NAMES, LEVEL_NAMES, BODY_NAMES, CLAUSE_NAMES):
        names.update(table)
    names.update({key: str(value) for key, value in UI_LABELS.items()})
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return names
    for cited in profile.materials:
        names.setdefault(f"material:{cited.value.kind}", cited.value.title)
    for call in profile.calls:
        for cited in call.materials:
            names.setdefault(f"material:{cited.value.kind}", cited.value.title)
    return names


def _state(profile_id: str, value: str) -> str:
    from lianmeng.workflow.routing import state_label

    return gettext(state_label(profile_id, value)) if value else value


class _Reader:
    def __init__(self, profile_id: str, rule: str) -> None:
        self.profile_id, self.rule = profile_id, rule
        self.names = _names(profile_id)

    def scalar(self, key: str, value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, bool):
            return str(_("是") if value else _("否"))
        if isinstance(value, float):
            return f"{value:g}"
        text = str(value)
        if key == "status":
            return _state(self.profile_id, text)
        if key == "source" and text in _SOURCES:
            return str(_SOURCES[text])
        if _PATH.match(text) and ("." in text or "[" in text):
            return str(path_label(text if text.startswith("$") else f"$.{text}"))
        if self.rule.startswith("materials.") and f"material:{text}" in self.names:
            return f"《{self.names[f'material:{text}']}》"
        return self.names.get(text, text)

    def value(self, key: str, value: Any) -> str:
        sep = pgettext("list separator", "、")
        if isinstance(value, dict):
            if {"path", "name", "problem"} <= set(value):
                where = self.scalar("path", value["path"])
                return f"{where}“{value['name']}”{gettext('：')}{value['problem']}"
            parts = []
            for k, v in value.items():
                label = LABELS.get(k) or self.names.get(k) or k
                parts.append(f"{label} {self.value(k, v)}")
            return sep.join(parts)
        if isinstance(value, list | tuple):
            if key == "similar":
                return "；".join(self._similar(item) for item in value) or "—"
            if key == "lead_members":
                return sep.join(str(_("第 {row} 行")).format(row=i + 1) for i in value) or "—"
            items = [self.value(key, item) for item in value]
            joiner = "；" if any(isinstance(i, dict) for i in value) else sep
            return joiner.join(items) or "—"
        return self.scalar(key, value)

    def _similar(self, item: Any) -> str:
        if not isinstance(item, dict):
            return self.value("", item)
        status = self.scalar("status", item.get("status")) if item.get("status") else ""
        matched = self.value("matched", item.get("matched") or {})
        head = f"{item.get('name', '')}"
        extra = pgettext("list separator", "、").join(x for x in (status, matched) if x)
        return f"{head}（{extra}）" if extra else head


def evidence_rows(
    evidence: dict[str, Any], *, profile_id: str, rule: str = ""
) -> list[tuple[str, str]]:
    """``[(label, text)]`` for a finding's evidence; never a key, JSON path or kind."""
    reader = _Reader(profile_id, rule)
    rows = []
    for key, value in evidence.items():
        label = LABELS.get(key) or reader.names.get(key) or key
        rows.append((str(label), reader.value(key, value)))
    return rows
