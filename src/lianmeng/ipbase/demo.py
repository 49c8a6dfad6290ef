"""Demo patents and standards (M-61): the refractory-materials alliance (lead ``qiantou-ly``)
reports three patents and two standards, the robot alliance (``qiantou-ly2``) two patents and a
group standard — one of its patents, a joint one, has the number the refractory alliance
reported first, typed differently ("CN 2019 1 …"), and is merged — and the Baoding
power-equipment alliance (``qiantou-bd``) a patent and an industry standard.

Idempotent: once any patent exists, nothing is added. Every row goes through
:mod:`lianmeng.ipbase.services` as the lead unit's account (so the audit trail is complete).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.errors import DomainError
from lianmeng.core.models import User

from . import selectors, services
from .models import Patent
from .numbers import patent_check_char

ALLIANCES = {
    "qiantou-ly": "洛阳市耐火材料产业技术创新战略联盟",
    "qiantou-ly2": "洛阳市机器人及智能装备产业技术创新战略联盟",
    "qiantou-bd": "保定市输变电装备产业技术创新战略联盟",
}


def _number(digits: str) -> str:
    return f"ZL{digits}.{patent_check_char(digits)}"


SHARED = "201910456789"  # the joint patent both Luoyang alliances report

PATENTS: dict[str, list[dict[str, Any]]] = {
    "qiantou-ly": [
        {
            "number": _number("202010123456"),
            "title": "一种耐火材料的制备方法",
            "kind": "invention",
            "status": "granted",
            "licences_inside": 3,
            "licences_outside": 1,
            "holders": 1,
        },
        {
            "number": _number("202120345678"),
            "title": "一种高温窑炉用耐火砖成型模具",
            "kind": "utility",
            "status": "granted",
            "licences_inside": 1,
            "holders": 2,
        },
        {
            "number": _number(SHARED),
            "title": "基于机器人的耐火砖自动码垛系统",
            "kind": "invention",
            "status": "applied",
            "holders": 1,
            "year_back": 1,
        },
    ],
    "qiantou-ly2": [
        {
            # the same patent, spelt the way a clerk types it: merged, not repeated
            "number": f"CN {SHARED[:4]} {SHARED[4]} {SHARED[5:]}.{patent_check_char(SHARED)}",
            "title": "基于机器人的耐火砖自动码垛系统",
            "kind": "invention",
            "status": "granted",
            "licences_inside": 2,
            "holders": 1,
        },
        {
            "number": _number("202220567890"),
            "title": "一种工业机器人关节减速器",
            "kind": "utility",
            "status": "granted",
            "licences_outside": 4,
            "holders": 2,
        },
    ],
    "qiantou-bd": [
        {
            "number": _number("202110987654"),
            "title": "一种特高压变压器绕组绝缘结构",
            "kind": "invention",
            "status": "granted",
            "licences_inside": 2,
            "licences_outside": 2,
            "holders": 2,
        },
    ],
}
STANDARDS: dict[str, list[dict[str, Any]]] = {
    "qiantou-ly": [
        {
            "number": "T/CAS 123—2021",
            "title": "定形耐火材料 高温抗折强度试验方法",
            "status": "published",
            "drafters": 2,
        },
        {
            "number": "DB41/T 2000-2020",
            "title": "耐火材料行业绿色工厂评价导则",
            "status": "published",
            "drafters": 1,
        },
    ],
    "qiantou-ly2": [
        {
            "number": "T/CAS 456-2022",
            "title": "工业机器人 关节减速器 通用技术条件",
            "status": "drafting",
            "drafters": 2,
        },
    ],
    "qiantou-bd": [
        {
            "number": "JB/T 10001-2022",
            "title": "电力变压器 绕组绝缘 技术要求",
            "status": "published",
            "drafters": 1,
        },
    ],
}


def _people(members: list[dict[str, str]], count: int) -> list[str]:
    return [m["uscc"] or m["name"] for m in members[: max(1, count)]]


def load_demo_ipbase() -> Iterator[str]:
    if Patent.objects.exists():
        return
    users = {
        u.username: u for u in User.objects.filter(username__in=list(ALLIANCES), is_active=True)
    }
    year = clock.beijing_now().year - 1
    for username, name in ALLIANCES.items():
        user = users.get(username)
        if user is None:
            continue
        alliance = Alliance.objects.filter(name=name, lead_unit_id=user.unit_id).first()
        if alliance is None:
            continue
        members = selectors.members_of(alliance)
        for item in PATENTS.get(username, []):
            data = {**item, "holders": _people(members, item["holders"])}
            try:
                patent, created = services.patent_report(
                    actor=user,
                    alliance_id=alliance.pk,
                    data=data,
                    year=year - item.get("year_back", 0),
                )
            except DomainError as exc:
                yield f"专利未能报送（{item['number']}）：{exc.message}"
                continue
            verb = "报送专利" if created else "合并专利（编号已由其他联盟报送）"
            yield f"{alliance.name}{verb}：{patent.number} {patent.title}"
        for item in STANDARDS.get(username, []):
            data = {**item, "drafters": _people(members, item["drafters"])}
            try:
                standard, created = services.standard_report(
                    actor=user, alliance_id=alliance.pk, data=data, year=year
                )
            except DomainError as exc:
                yield f"标准未能报送（{item['number']}）：{exc.message}"
                continue
            yield f"{alliance.name}报送标准：{standard.number} {standard.title}"
