"""Fixtures of the key-project solicitations: Luoyang's department, two Luoyang alliances of
the industry field (the bearing one with two current members) and one of agriculture, a Henan
alliance led from Zhengzhou, their lead units' applicants, and factories of an open
solicitation and of a proposal.

The clock is pinned to 2019-11-05 10:00 Beijing time (``policies_in_force``).

    def test_x(pj, open_solicitation, make_proposal):
        s = open_solicitation()
        p = make_proposal(s, pj.applicant, pj.alliance, submit=True)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from tests.api.conftest import token_for  # noqa: F401  (fixture)
from tests.evaluation.conftest import make_alliance
from tests.web.conftest import login  # noqa: F401  (fixture)

BUDGET = {"budget_total": "1500.00", "funds_requested": "500.00", "self_raised": "1000.00"}
DATA = {
    "title": "高端轴承寿命试验关键技术",
    "goals": "寿命提高 30%",
    "summary": "材料、热处理、试验",
    "starts_on": "2020-01-01",
    "ends_on": "2021-12-31",
    **BUDGET,
}


@pytest.fixture
def pj(db, policies_in_force, make_unit, make_user):
    lead = make_unit("410305", name="洛阳轴承研究所有限公司")
    other_lead = make_unit("410305", name="洛阳新材料有限公司")
    farm_lead = make_unit("410322", name="孟津农业科技有限公司")
    zz_lead = make_unit("410105", name="郑州智能装备有限公司")
    member = make_unit("410305", name="河南科技大学", kind="university")
    member2 = make_unit("410305", name="洛阳轴承检测中心有限公司")
    alliance = make_alliance(
        "luoyang", lead, "410300", "洛阳市轴承产业技术创新战略联盟", members=[member, member2]
    )
    other_alliance = make_alliance(
        "luoyang", other_lead, "410300", "洛阳市新材料产业技术创新战略联盟", members=[member]
    )
    farm = make_alliance("luoyang", farm_lead, "410300", "洛阳市牡丹产业技术创新战略联盟")
    farm.domain = "agriculture"
    farm.save(update_fields=["domain"])
    henan = make_alliance(
        "henan", zz_lead, "410000", "河南省智能装备产业技术创新战略联盟", level="provincial"
    )
    department = make_user(["competent"], jurisdiction="410300", username="ly-kjj-pj")
    return SimpleNamespace(
        lead=lead,
        other_lead=other_lead,
        alliance=alliance,
        other_alliance=other_alliance,
        farm=farm,
        henan_alliance=henan,
        members=list(alliance.workspace.members.order_by("id")),
        applicant=make_user(["applicant"], unit=lead),
        other_applicant=make_user(["applicant"], unit=other_lead),
        farm_applicant=make_user(["applicant"], unit=farm_lead),
        zz_applicant=make_user(["applicant"], unit=zz_lead),
        department=department,
        department2=make_user(["competent"], jurisdiction="410300"),
        county=make_user(["competent"], jurisdiction="410305"),
        henan=make_user(["competent"], jurisdiction="410000"),
        baoding=make_user(["competent"], jurisdiction="130600"),
    )


@pytest.fixture
def open_solicitation(pj) -> Callable[..., Any]:
    """``open_solicitation(**overrides)``: a Luoyang solicitation of the industry field, open
    from a week ago to in 30 days."""
    from lianmeng.core import clock
    from lianmeng.projects import services

    def make(*, actor=None, open_it=True, **overrides):
        now = clock.beijing_now()
        data = {
            "title": "2019年洛阳市重大科技专项项目征集",
            "year": 2019,
            "guide": "依托联盟征集",
            "domains": ["industry"],
            "statuses": [],
            "opens_at": now - timedelta(days=7),
            "closes_at": now + timedelta(days=30),
            "max_per_alliance": 1,
            **overrides,
        }
        row = services.solicitation_create(actor=actor or pj.department, data=data)
        if open_it:
            row = services.solicitation_open(actor=actor or pj.department, solicitation_id=row.pk)
        return row

    return make


@pytest.fixture
def make_proposal(pj) -> Callable[..., Any]:
    from lianmeng.projects import services

    def make(solicitation, actor, alliance, *, submit=False, data=None, members=None):
        if members is None:
            members = [
                {"member": m.pk, "task": f"任务{i}"}
                for i, m in enumerate(alliance.workspace.members.all(), start=1)
            ]
        row = services.proposal_create(
            actor=actor,
            solicitation_id=solicitation.pk,
            alliance_id=alliance.pk,
            data=dict(DATA if data is None else data),
            members=members,
        )
        if submit:
            row = services.proposal_submit(actor=actor, proposal_id=row.pk)
        row.refresh_from_db()
        return row

    return make


def beijing(*args: int) -> datetime:
    from lianmeng.core import clock

    return datetime(*args, tzinfo=clock.BEIJING)
