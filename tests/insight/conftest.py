"""Fixtures of the dashboard (insight): alliances in Henan — province-decided ones in 郑州
(410105) and 洛阳 (410305 涧西区), Luoyang's own in 涧西区 and 老城区 (410302) — one in 保定
(130600, another province), proposals in the pipeline with their history, accepted Luoyang
self-evaluations against the annual plans, published evaluation grades, budgets and patents.

``dash.henan`` / ``dash.luoyang`` / ``dash.jianxi`` / ``dash.baoding`` are department staff
of 410000 / 410300 / 410305 / 130600; ``dash.applicant`` a lead unit's applicant.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from tests.evaluation.conftest import make_alliance
from tests.web.conftest import login  # noqa: F401  (fixture)

BEIJING = None


def _at(y: int, m: int, d: int) -> datetime:
    from lianmeng.core import clock

    return datetime(y, m, d, 10, 0, tzinfo=clock.BEIJING)


def add_alliance(
    profile,
    lead,
    code,
    name,
    *,
    level="municipal",
    status="recognised",
    year=2018,
    domain="industry",
    members=3,
):
    alliance = make_alliance(profile, lead, code, name, level=level, status=status)
    alliance.decided_on = date(year, 6, 1)
    alliance.domain = domain
    alliance.member_count = members
    alliance.save(update_fields=["decided_on", "domain", "member_count"])
    return alliance


def add_proposal(lead, status, *, profile="henan", history=()):
    from lianmeng.proposals.models import Proposal
    from lianmeng.workflow.models import StateChange

    proposal = Proposal.objects.create(
        profile=profile,
        call_year=2019,
        name=f"{lead.name}联盟申报{status}",
        domain="industry",
        lead_unit=lead,
        region=lead.region,
        status=status,
        document={},
        submitted_at=_at(2019, 9, 1),
    )
    for from_state, to_state, at in history:
        StateChange.objects.create(
            subject_kind="proposal",
            subject_id=proposal.pk,
            from_state=from_state,
            to_state=to_state,
            transition=to_state,
            label=to_state,
            at=at,
        )
    return proposal


def add_report(alliance, kind, year, table):
    from lianmeng.reporting.models import Report

    return Report.objects.create(
        alliance=alliance,
        profile=alliance.profile,
        kind=kind,
        year=year,
        content={"kpis": table},
        status="accepted",
        region=alliance.lead_unit.region,
        lead_unit=alliance.lead_unit,
        created_at=_at(year, 12, 1),
        submitted_at=_at(year, 12, 1),
    )


def add_evaluation(campaign, alliance, grade):
    from lianmeng.evaluation.models import Evaluation

    return Evaluation.objects.create(
        campaign=campaign,
        alliance=alliance,
        region=alliance.lead_unit.region,
        lead_unit=alliance.lead_unit,
        grade=grade,
    )


def add_patent(alliance, number, year):
    from lianmeng.core import clock
    from lianmeng.ipbase.models import Patent

    return Patent.objects.create(
        number=number,
        title=f"专利{number}",
        kind="invention",
        status="granted",
        alliance=alliance,
        region=alliance.lead_unit.region,
        field=alliance.domain,
        year=year,
        created_at=clock.now(),
        updated_at=clock.now(),
    )


@pytest.fixture
def dash(db, policies_in_force, make_unit, make_user):
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction
    from lianmeng.evaluation.models import Campaign
    from lianmeng.rewards.models import Budget

    zz = make_unit("410105", name="郑州智能装备有限公司")
    ly = make_unit("410305", name="洛阳轴承研究所有限公司")
    lc = make_unit("410302", name="老城区文旅科技有限公司")
    bd = make_unit("130602", name="保定新能源有限公司")
    w = SimpleNamespace(zz=zz, ly=ly, lc=lc, bd=bd)
    w.hn_zz = add_alliance(
        "henan", zz, "410000", "河南省智能装备联盟", level="provincial", year=2014
    )
    w.hn_zz2 = add_alliance(
        "henan",
        zz,
        "410000",
        "河南省生物医药联盟",
        level="provincial",
        year=2016,
        domain="social_development",
    )
    w.hn_ly = add_alliance(
        "henan", ly, "410000", "河南省轴承联盟", level="provincial", year=2019, status="building"
    )
    w.hn_gone = add_alliance(
        "henan", zz, "410000", "河南省已撤销联盟", level="provincial", year=2015, status="revoked"
    )
    w.ly_jx = add_alliance("luoyang", ly, "410300", "洛阳市轴承联盟", year=2018, members=12)
    w.ly_jx2 = add_alliance(
        "luoyang", ly, "410300", "洛阳市新材料联盟", year=2019, domain="agriculture"
    )
    w.ly_lc = add_alliance(
        "luoyang", lc, "410300", "洛阳市文旅联盟", year=2019, domain="social_development"
    )
    w.bd = add_alliance("baoding", bd, "130600", "保定市新能源联盟", year=2019)
    from lianmeng.workflow.models import StateChange

    StateChange.objects.create(
        subject_kind="alliance",
        subject_id=w.hn_gone.pk,
        from_state="recognised",
        to_state="revoked",
        transition="revoke",
        kind="revoke",
        label="撤销",
        at=_at(2017, 3, 1),
    )
    # the pipeline: two in 郑州 waiting to be accepted, one in 涧西区 at the county, one draft
    w.p1 = add_proposal(
        zz,
        "recommended",
        history=[
            ("draft", "submitted", _at(2019, 9, 1)),
            ("submitted", "county_recommended", _at(2019, 9, 5)),
            ("county_recommended", "recommended", _at(2019, 9, 15)),
        ],
    )
    w.p2 = add_proposal(zz, "recommended")
    w.p3 = add_proposal(ly, "submitted", history=[("draft", "submitted", _at(2019, 9, 2))])
    w.p4 = add_proposal(ly, "draft")
    # Luoyang: annual plans and accepted self-evaluations (actual against plan)
    add_report(
        w.ly_jx, "annual_plan", 2019, {"funding": {"lead_unit": 100}, "awards": {"national": 2}}
    )
    add_report(
        w.ly_jx,
        "self_evaluation",
        2019,
        {"funding": {"lead_unit": 80, "government": 5}, "awards": {"national": 1}},
    )
    add_report(w.ly_lc, "self_evaluation", 2019, {"funding": {"lead_unit": 30}})
    # published Luoyang evaluation of 2019
    staff = make_user(["competent"], jurisdiction="410300")
    campaign = Campaign.objects.create(
        profile="luoyang",
        year=2019,
        title="2019 年度评价",
        jurisdiction=Jurisdiction.objects.get(code="410300"),
        stage="published",
        self_due=date(2019, 10, 1),
        scoring_due=date(2019, 10, 20),
        created_by=staff,
        created_at=clock.now(),
    )
    add_evaluation(campaign, w.ly_jx, "excellent")
    add_evaluation(campaign, w.ly_jx2, "pass")
    add_evaluation(campaign, w.ly_lc, "pass")
    Budget.objects.create(
        profile="luoyang",
        jurisdiction=Jurisdiction.objects.get(code="410300"),
        fund="洛阳市资金",
        year=2019,
        amount="500",
        created_by=staff,
        created_at=clock.now(),
    )
    add_patent(w.ly_jx, "ZL2019100001", 2019)
    add_patent(w.ly_jx, "ZL2019100002", 2019)
    add_patent(w.hn_zz, "ZL2018100003", 2018)
    add_patent(w.bd, "ZL2019100004", 2019)
    w.henan = make_user(["competent"], jurisdiction="410000", username="hn-insight")
    w.luoyang = staff
    w.jianxi = make_user(["recommender", "competent"], jurisdiction="410305")
    w.baoding = make_user(["competent"], jurisdiction="130600")
    w.applicant = make_user(["applicant"], unit=ly)
    w.now = clock.now()
    w.later = w.now + timedelta(days=1)
    return w
