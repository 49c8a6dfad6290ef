"""Fixtures of the alliance workspace: a decided alliance with its proposal, and its people."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from tests.api.conftest import token_for  # noqa: F401  (fixture)
from tests.conftest import make_uscc
from tests.web.conftest import login  # noqa: F401  (fixture)


@pytest.fixture
def world(db, make_unit, make_user):
    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import Jurisdiction
    from lianmeng.proposals.models import Proposal

    lead = make_unit("410305", name="洛阳轴承研究所有限公司")
    member = make_unit("410305", name="河南科技大学", kind="university")
    outsider = make_unit("410305", name="无关单位")
    members = [
        {"name": lead.name, "uscc": lead.uscc, "role": "lead", "kind": "enterprise"},
        {"name": member.name, "uscc": member.uscc, "kind": "university"},
        {"name": "未注册成员单位", "uscc": make_uscc("410305"), "kind": "enterprise"},
    ]
    proposal = Proposal.objects.create(
        profile="luoyang",
        call_year=2020,
        name="洛阳市轴承产业技术创新战略联盟",
        domain="industry",
        lead_unit=lead,
        region=lead.region,
        status="submitted",
        document={
            "members": members,
            "contact": {"name": "王联络", "mobile": "13812345678", "email": "wang@example.com"},
            "lead_unit": {"name": lead.name, "address": "洛阳市涧西区建设路 1 号"},
            "governance": {"has_decision_body": True, "has_advisory_body": True},
            "agreement": {"signed_on": "2020-05-01", "term_years": 5},
        },
        member_count=len(members),
    )
    alliance = Alliance.objects.create(
        proposal=proposal,
        profile="luoyang",
        level="municipal",
        name=proposal.name,
        domain="industry",
        lead_unit=lead,
        jurisdiction=Jurisdiction.objects.get(code="410300"),
        member_count=3,
        status=Alliance.Status.RECOGNISED,
        decided_on=date(2020, 11, 16),
        authority="洛阳市科学技术局",
    )
    return SimpleNamespace(
        alliance=alliance,
        proposal=proposal,
        lead_user=make_user(["applicant"], unit=lead),
        member_user=make_user(["member"], unit=member),
        outsider_user=make_user(["applicant"], unit=outsider),
        expert_of_lead=make_user(["expert"], unit=lead),
        luoyang=make_user(["competent"], jurisdiction="410300"),
        henan=make_user(["competent"], jurisdiction="410000"),
        baoding=make_user(["competent"], jurisdiction="130600"),
    )


def _alliance(profile, lead, members, *, level, jurisdiction, status, decided_on, agreement=None):
    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import Jurisdiction
    from lianmeng.proposals.models import Proposal

    proposal = Proposal.objects.create(
        profile=profile,
        call_year=2020,
        name=f"{lead.name}牵头的产业技术创新战略联盟",
        domain="industry",
        lead_unit=lead,
        region=lead.region,
        status="submitted",
        document={
            "members": members,
            "lead_unit": {"name": lead.name, "address": "原办公地址 1 号"},
            "agreement": agreement or {},
        },
        member_count=len(members),
    )
    return Alliance.objects.create(
        proposal=proposal,
        profile=profile,
        level=level,
        name=proposal.name,
        domain="industry",
        lead_unit=lead,
        jurisdiction=Jurisdiction.objects.get(code=jurisdiction),
        member_count=len(members),
        status=status,
        decided_on=decided_on,
    )


@pytest.fixture
def henan(db, make_unit, make_user):
    """A recognised Henan alliance of exactly 10 members (the minimum, 001 二(一)2(3)): the
    lead unit, a university, an institute and seven enterprises of Zhengzhou."""
    lead = make_unit("410102", name="郑州智能装备有限公司")
    university = make_unit("410102", name="郑州工学院", kind="university")
    institute = make_unit("410102", name="河南省装备研究院", kind="research_institute")
    rows = [
        {"name": lead.name, "uscc": lead.uscc, "role": "lead", "kind": "enterprise"},
        {"name": university.name, "uscc": university.uscc, "kind": "university"},
        {"name": institute.name, "uscc": institute.uscc, "kind": "research_institute"},
    ]
    rows += [
        {"name": f"郑州配套企业{i}", "uscc": make_uscc("410102"), "kind": "enterprise"}
        for i in range(7)
    ]
    alliance = _alliance(
        "henan",
        lead,
        rows,
        level="provincial",
        jurisdiction="410000",
        status="recognised",
        decided_on=date(2021, 6, 1),
    )
    return SimpleNamespace(
        alliance=alliance,
        lead_user=make_user(["applicant"], unit=lead),
        university_user=make_user(["member"], unit=university),
        province=make_user(["competent"], jurisdiction="410000"),
        zhengzhou=make_user(["competent"], jurisdiction="410100"),
        luoyang=make_user(["competent"], jurisdiction="410300"),
        outsider=make_user(["applicant"], unit=make_unit("410102", name="无关企业")),
        university=university,
    )


@pytest.fixture
def hlj(db, make_unit, make_user):
    """A Heilongjiang pilot alliance of three members whose agreement (3 years) has run out."""
    lead = make_unit("230102", name="哈尔滨新材料有限公司")
    member = make_unit("230102", name="哈尔滨材料大学", kind="university")
    rows = [
        {"name": lead.name, "uscc": lead.uscc, "role": "lead", "kind": "enterprise"},
        {"name": member.name, "uscc": member.uscc, "kind": "university"},
        {"name": "未注册的配套企业", "uscc": make_uscc("230102"), "kind": "enterprise"},
    ]
    alliance = _alliance(
        "heilongjiang",
        lead,
        rows,
        level="provincial",
        jurisdiction="230000",
        status="pilot",
        decided_on=date(2020, 3, 1),
        agreement={"signed_on": "2020-03-01", "term_years": 3},
    )
    return SimpleNamespace(
        alliance=alliance,
        lead_user=make_user(["applicant"], unit=lead),
        member_user=make_user(["member"], unit=member),
        coordination=make_user(["coordination"], jurisdiction="230000"),
    )
