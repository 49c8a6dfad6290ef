"""Fixtures of the annual evaluation: Luoyang and Henan alliances in scope (and one left out), the
lead units' applicants, the organising departments, an expert and the third-party evaluator."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from tests.api.conftest import token_for  # noqa: F401  (fixture)
from tests.web.conftest import login  # noqa: F401  (fixture)

BASIS = "依据《洛阳市产业技术创新战略联盟管理办法》第九条，经局务会研究"


def make_alliance(profile, lead, code, name, *, level="municipal", status="recognised", members=()):
    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import Jurisdiction
    from lianmeng.proposals.models import Proposal
    from lianmeng.running.models import Member, Workspace

    proposal = Proposal.objects.create(
        profile=profile,
        call_year=2018,
        name=name,
        domain="industry",
        lead_unit=lead,
        region=lead.region,
        status="submitted",
        document={"expected_kpis": {"core_breakthroughs": 4, "funding": {"lead_unit": 200}}},
    )
    alliance = Alliance.objects.create(
        proposal=proposal,
        profile=profile,
        level=level,
        name=name,
        domain="industry",
        lead_unit=lead,
        jurisdiction=Jurisdiction.objects.get(code=code),
        member_count=3,
        status=status,
        decided_on=date(2018, 12, 1),
        authority="科学技术局",
    )
    from lianmeng.core import clock

    workspace = Workspace.objects.create(
        alliance=alliance, created_at=clock.now(), updated_at=clock.now()
    )
    for unit in members:
        Member.objects.create(workspace=workspace, unit=unit, name=unit.name, uscc=unit.uscc)
    return alliance


@pytest.fixture
def world(db, make_unit, make_user):
    lead = make_unit("410305", name="洛阳轴承研究所有限公司")
    lead2 = make_unit("410305", name="洛阳新材料有限公司")
    firm = make_unit("410305", name="洛阳第三方评估有限公司", kind="enterprise")
    member = make_unit("410305", name="河南科技大学", kind="university")
    hn_lead = make_unit("410105", name="郑州智能装备有限公司")
    hn_lead2 = make_unit("410105", name="郑州生物医药有限公司")
    bearing = make_alliance(
        "luoyang", lead, "410300", "洛阳市轴承产业技术创新战略联盟", members=[member, firm]
    )
    materials = make_alliance("luoyang", lead2, "410300", "洛阳市新材料产业技术创新战略联盟")
    provincial = make_alliance("luoyang", lead2, "410300", "洛阳市省级示范联盟", level="provincial")
    building = make_alliance("luoyang", lead2, "410300", "洛阳市筹建中联盟", status="building")
    smart = make_alliance(
        "henan", hn_lead, "410000", "河南省智能装备产业技术创新战略联盟", level="provincial"
    )
    bio = make_alliance(
        "henan", hn_lead2, "410000", "河南省生物医药产业技术创新战略联盟", level="provincial"
    )
    return SimpleNamespace(
        bearing=bearing,
        materials=materials,
        provincial=provincial,
        building=building,
        smart=smart,
        bio=bio,
        lead_user=make_user(["applicant"], unit=lead),
        lead2_user=make_user(["applicant"], unit=lead2),
        hn_lead_user=make_user(["applicant"], unit=hn_lead),
        hn_lead2_user=make_user(["applicant"], unit=hn_lead2),
        pinggu=make_user(["evaluator"], unit=firm, username="pinggu_t"),
        other_firm=make_user(
            ["evaluator"], unit=make_unit("410305", name="另一评估公司", kind="enterprise")
        ),
        luoyang=make_user(["competent"], jurisdiction="410300"),
        henan=make_user(["competent"], jurisdiction="410000"),
        county=make_user(["recommender"], jurisdiction="410305"),
        baoding=make_user(["competent"], jurisdiction="130600"),
    )


@pytest.fixture
def today(monkeypatch):
    """The clock at 2026-03-02 10:00 (Beijing); ``today[0] = …`` moves it."""
    from lianmeng.core import clock

    moment = [datetime(2026, 3, 2, 10, 0, tzinfo=clock.BEIJING)]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return moment
