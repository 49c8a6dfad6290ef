"""Demo key-project solicitations: Luoyang's department (``luoyang``) has an open solicitation
of this year addressed to the fields of the demo Luoyang alliances; the refractory-materials
alliance (lead ``qiantou-ly``) has one proposal submitted and one in draft (the limit is 2 per
alliance).

Idempotent: once Luoyang has a solicitation, nothing is added. Every step goes through
:mod:`lianmeng.projects.services` as the demo's accounts, so the audit trail is complete.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.db import transaction

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.models import User

from . import services
from .models import Solicitation

REFRACTORY = "洛阳市耐火材料产业技术创新战略联盟"
GUIDE = (
    "依据《河南省产业技术创新战略联盟构建与发展实施办法（试行）》六(二)，"
    "市重大科技专项主要依托联盟征集项目、通过联盟组织实施。\n"
    "一、征集范围：本市已认定、备案或筹建中的产业技术创新战略联盟。\n"
    "二、申报要求：由联盟牵头单位代表联盟填报，写明参与成员单位及其任务、项目目标和预算；"
    "申请财政资金与自筹资金之和应等于总预算。\n"
    "三、每个联盟限报 2 项。"
)


def _members(alliance: Alliance, tasks: list[str]) -> list[dict[str, str]]:
    from lianmeng.core.models import Unit
    from lianmeng.running.models import Member
    from lianmeng.running.services import workspace_ensure

    workspace = workspace_ensure(alliance=alliance)
    if not workspace.members.exists():
        # a legacy alliance's workspace starts empty: its lead unit first, as the running
        # app's demo does (lianmeng.running.demo, lianmeng.insight.demo_overlap)
        lead_unit = alliance.lead_unit
        Member.objects.create(
            workspace=workspace,
            unit=lead_unit,
            name=lead_unit.name,
            uscc=lead_unit.uscc or "",
            kind=lead_unit.kind if lead_unit.kind in Unit.Kind.values else "enterprise",
            role=Member.Role.LEAD,
            joined_on=alliance.decided_on,
        )
    rows = list(workspace.members.filter(left_on__isnull=True).order_by("role", "id")[: len(tasks)])
    return [{"member": str(m.pk), "task": task} for m, task in zip(rows, tasks, strict=False)]


def load_demo_projects() -> Iterator[str]:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=("luoyang", "qiantou-ly"), is_active=True)
    }
    department, lead = users.get("luoyang"), users.get("qiantou-ly")
    if department is None or lead is None or department.jurisdiction_id is None:
        return
    if Solicitation.objects.filter(jurisdiction_id=department.jurisdiction_id).exists():
        return
    alliance = Alliance.objects.filter(name=REFRACTORY, lead_unit_id=lead.unit_id).first()
    domains = sorted(
        set(
            Alliance.objects.filter(profile="luoyang")
            .exclude(domain="")
            .values_list("domain", flat=True)
        )
    )
    now = clock.beijing_now().replace(second=0, microsecond=0)
    year = now.year
    with transaction.atomic():
        solicitation = services.solicitation_create(
            actor=department,
            data={
                "title": f"{year}年洛阳市重大科技专项项目征集（依托产业技术创新战略联盟）",
                "year": year,
                "guide": GUIDE,
                "domains": domains,
                "statuses": [],
                "opens_at": (now - timedelta(days=7)).replace(hour=9, minute=0),
                "closes_at": (now + timedelta(days=45)).replace(hour=17, minute=0),
                "max_per_alliance": 2,
            },
        )
        services.solicitation_open(actor=department, solicitation_id=solicitation.pk)
    yield f"项目征集：{solicitation.title}（征集中）"
    if alliance is None:
        return
    with transaction.atomic():
        first = services.proposal_create(
            actor=lead,
            solicitation_id=solicitation.pk,
            alliance_id=alliance.pk,
            data={
                "title": "高温窑炉用长寿命定形耐火材料关键技术研究与产业化",
                "goals": "突破高纯原料合成与低导热结构设计技术，产品使用寿命提高 30% 以上，"
                "形成 3 项发明专利和 1 项团体标准，建成示范生产线 1 条。",
                "summary": "1. 高纯镁铝尖晶石原料低能耗合成；\n2. 梯度复合结构设计与烧成工艺；\n"
                "3. 在钢铁、水泥窑炉开展示范应用。",
                "starts_on": f"{year + 1}-01-01",
                "ends_on": f"{year + 2}-12-31",
                "budget_total": "1500.00",
                "funds_requested": "500.00",
                "self_raised": "1000.00",
            },
            members=_members(alliance, ["总体负责、工艺研究", "原料合成", "示范应用"]),
        )
        services.proposal_submit(actor=lead, proposal_id=first.pk)
    yield f"项目申报书：{first.title}（已提交）"
    with transaction.atomic():
        second = services.proposal_create(
            actor=lead,
            solicitation_id=solicitation.pk,
            alliance_id=alliance.pk,
            data={
                "title": "耐火材料窑炉智能检测与寿命预测平台",
                "goals": "建立耐火材料在役状态在线检测与寿命预测模型。",
                "budget_total": "600.00",
                "funds_requested": "200.00",
                "self_raised": "400.00",
            },
            members=_members(alliance, ["平台建设"]),
        )
    yield f"项目申报书：{second.title}（草稿）"
