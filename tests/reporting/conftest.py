"""Fixtures of alliance reports: a recognised Luoyang alliance and a filed Baoding one, their
lead units' applicants and the departments around them."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from tests.api.conftest import token_for  # noqa: F401  (fixture)
from tests.web.conftest import login  # noqa: F401  (fixture)


def _alliance(profile, lead, code, name, status, decided, document=None):
    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import Jurisdiction
    from lianmeng.proposals.models import Proposal

    proposal = Proposal.objects.create(
        profile=profile,
        call_year=decided.year,
        name=name,
        domain="industry",
        lead_unit=lead,
        region=lead.region,
        status="submitted",
        document=document or {},
    )
    return Alliance.objects.create(
        proposal=proposal,
        profile=profile,
        level="municipal",
        name=name,
        domain="industry",
        lead_unit=lead,
        jurisdiction=Jurisdiction.objects.get(code=code),
        member_count=3,
        status=status,
        decided_on=decided,
        authority="科学技术局",
    )


@pytest.fixture
def world(db, make_unit, make_user):
    lead = make_unit("410305", name="洛阳轴承研究所有限公司")
    bd_lead = make_unit("130602", name="保定新能源装备有限公司")
    luoyang = _alliance(
        "luoyang",
        lead,
        "410300",
        "洛阳市轴承产业技术创新战略联盟",
        "recognised",
        date(2018, 12, 1),
        {"expected_kpis": {"core_breakthroughs": 6, "funding": {"lead_unit": 300}}},
    )
    baoding = _alliance(
        "baoding", bd_lead, "130600", "保定市新能源装备产业技术创新联盟", "filed", date(2019, 3, 1)
    )
    return SimpleNamespace(
        alliance=luoyang,
        baoding_alliance=baoding,
        lead_user=make_user(["applicant"], unit=lead),
        bd_lead_user=make_user(["applicant"], unit=bd_lead),
        member_user=make_user(["member"], unit=make_unit("410305", name="河南科技大学")),
        outsider_user=make_user(["applicant"], unit=make_unit("410305", name="无关单位")),
        luoyang=make_user(["competent"], jurisdiction="410300"),
        henan=make_user(["competent"], jurisdiction="410000"),
        baoding=make_user(["competent"], jurisdiction="130600"),
    )


PLAN = {"core_breakthroughs": 4, "funding.lead_unit": 200, "talent.phd": 10}


def filed_plan(world, year=2019, rows=None):
    """The Luoyang alliance's annual plan of ``year``, submitted and accepted."""
    from lianmeng.reporting import services

    plan = services.report_create(
        actor=world.lead_user, alliance_id=world.alliance.pk, kind="annual_plan", year=year
    )
    plan = services.report_update(
        actor=world.lead_user,
        report_id=plan.pk,
        revision=plan.revision,
        content={"plan": "年度计划：开展轴承共性技术攻关。", "kpis": rows or PLAN},
    )
    services.report_submit(actor=world.lead_user, report_id=plan.pk)
    return services.report_accept(actor=world.luoyang, report_id=plan.pk, reason="同意")


def self_evaluation(world, year=2019, actual=None):
    from lianmeng.reporting import services

    report = services.report_create(
        actor=world.lead_user, alliance_id=world.alliance.pk, kind="self_evaluation", year=year
    )
    return services.report_update(
        actor=world.lead_user,
        report_id=report.pk,
        revision=report.revision,
        content={
            "plan_completion": "完成年度计划的主要任务。",
            "kpis": actual or {"core_breakthroughs": 1, "funding.lead_unit": 210, "talent.phd": 9},
            "funds_use": "经费按计划使用。",
            "main_results": "突破高速轴承寿命预测技术。",
            "next_year_plan": "继续推进共性技术平台建设。",
        },
    )
