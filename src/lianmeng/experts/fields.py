"""How close an expert's fields (专业领域) are to a proposal's (重点领域、产业、产品).

Three grades, used by the automatic assignment (lianmeng.experts.balance) to take experts of
the proposal's own field first and, when none of them is free, the nearest ones:

- ``MATCH`` (0): a field of the expert names the proposal's field or is named in it
  (“新材料” and “铝基新材料”, “轴承” and “精密轴承制造”);
- ``NEAR`` (1): both lie in one family of related fields (“有色金属” and “再生铝”: 有色金属;
  “先进装备制造” and “数控机床”: 装备制造);
- ``OTHER`` (2): nothing in common (“轴承” for a recycled-aluminium proposal).

The families are a short list of the words the profiles' 重点领域 and the usual 产业 names
use; a word may sit in more than one family (铝 is a non-ferrous metal and a material).
"""

from __future__ import annotations

from collections.abc import Iterable

MATCH, NEAR, OTHER = 0, 1, 2

#: family → words that place a field in it
FAMILIES: dict[str, tuple[str, ...]] = {
    "有色金属": ("有色", "铝", "铜", "镁", "锌", "钛", "镍", "钨", "钼", "稀土", "贵金属"),
    "新材料": (
        "材料",
        "合金",
        "铝",
        "复合",
        "纳米",
        "高分子",
        "超硬",
        "陶瓷",
        "钢",
        "石墨",
        "碳纤维",
        "耐火",
    ),
    "装备制造": (
        "装备",
        "机械",
        "轴承",
        "机床",
        "数控",
        "农机",
        "机器人",
        "汽车",
        "零部件",
        "矿山",
        "工程机械",
    ),
    "新能源": ("能源", "光伏", "风电", "储能", "电池", "氢", "核电", "太阳能"),
    "信息技术": (
        "信息",
        "软件",
        "电子",
        "集成电路",
        "芯片",
        "通信",
        "大数据",
        "人工智能",
        "互联网",
        "物联网",
    ),
    "生物医药": ("生物", "医药", "药", "医疗", "疫苗", "中药", "健康", "器械"),
    "现代农业": ("农业", "种业", "育种", "农药", "畜牧", "养殖", "粮", "果", "蔬菜", "食品"),
    "资源环境": ("环保", "环境", "节能", "资源", "再生", "循环", "固废", "水处理", "低碳"),
}


def proposal_words(*values: str | None) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]


def _families(words: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for word in words:
        for family, keys in FAMILIES.items():
            if family in word or any(key in word for key in keys):
                found.add(family)
    return found


def affinity(expert_fields: Iterable[str], words: Iterable[str]) -> int:
    """``MATCH``, ``NEAR`` or ``OTHER`` for an expert's fields against a proposal's words."""
    fields = [f.strip() for f in expert_fields if f and f.strip()]
    words = [w for w in words if w]
    if not fields or not words:
        return OTHER
    if any(f in w or w in f for f in fields for w in words):
        return MATCH
    if _families(fields) & _families(words):
        return NEAR
    return OTHER
