"""Fixtures of ipbase (专利池与标准信息库): two Luoyang alliances sharing a member, a Henan
alliance in another field, their lead units' applicants, and helpers to report.

    def test_x(ip, report_patent):
        patent, created = report_patent(ip.applicant, ip.alliance, number="ZL202010123456.2")
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from tests.api.conftest import token_for  # noqa: F401  (fixture)
from tests.evaluation.conftest import make_alliance
from tests.experts.fixtures import _fast_passwords  # noqa: F401  (fixture)
from tests.web.conftest import login  # noqa: F401  (fixture)

#: valid patent numbers (check characters computed by the CNIPA rule)
P1 = "ZL202010123456.2"
P2 = "ZL202120345678.9"


@pytest.fixture
def ip(db, make_unit, make_user):
    """- ``alliance``: 洛阳市耐火材料产业技术创新战略联盟 (industry), lead ``lead`` (applicant
      ``applicant``), members ``university`` and ``shared``;
    - ``other_alliance``: 洛阳市机器人产业技术创新战略联盟, lead ``other_lead``
      (``other_applicant``), members ``shared`` and ``robotics``;
    - ``farm_alliance``: 河南省小麦产业技术创新战略联盟 (agriculture), lead ``farm_lead``
      (``farm_applicant``);
    - ``member_user``: an applicant of the member unit ``university`` (leads no alliance);
    - ``department``: competent staff of 410300."""
    from lianmeng.alliances.models import Alliance

    lead = make_unit("410305", name="洛阳耐火材料集团有限公司")
    other_lead = make_unit("410305", name="洛阳机器人有限公司")
    farm_lead = make_unit("410105", name="河南小麦种业有限公司")
    university = make_unit("410305", name="河南科技大学", kind="university")
    shared = make_unit("410305", name="洛阳理工学院", kind="university")
    robotics = make_unit("410305", name="洛阳智能装备研究院", kind="research_institute")
    alliance = make_alliance(
        "luoyang",
        lead,
        "410300",
        "洛阳市耐火材料产业技术创新战略联盟",
        members=[university, shared],
    )
    other_alliance = make_alliance(
        "luoyang",
        other_lead,
        "410300",
        "洛阳市机器人产业技术创新战略联盟",
        members=[shared, robotics],
    )
    farm_alliance = make_alliance(
        "henan", farm_lead, "410000", "河南省小麦产业技术创新战略联盟", level="provincial"
    )
    Alliance.objects.filter(pk=farm_alliance.pk).update(domain="agriculture")
    farm_alliance.refresh_from_db()
    return SimpleNamespace(
        lead=lead,
        other_lead=other_lead,
        farm_lead=farm_lead,
        university=university,
        shared=shared,
        robotics=robotics,
        alliance=alliance,
        other_alliance=other_alliance,
        farm_alliance=farm_alliance,
        applicant=make_user(["applicant"], unit=lead),
        other_applicant=make_user(["applicant"], unit=other_lead),
        farm_applicant=make_user(["applicant"], unit=farm_lead),
        member_user=make_user(["applicant"], unit=university),
        department=make_user(["competent"], jurisdiction="410300"),
    )


@pytest.fixture
def report_patent(ip) -> Callable[..., Any]:
    from lianmeng.ipbase import services

    def report(actor, alliance, *, year=2023, holders=None, **data):
        payload = {
            "number": P1,
            "title": "一种耐火材料的制备方法",
            "kind": "",
            "status": "granted",
            "licences_inside": 2,
            "licences_outside": 1,
            "holders": holders if holders is not None else [alliance.lead_unit.uscc],
            **data,
        }
        return services.patent_report(actor=actor, alliance_id=alliance.pk, data=payload, year=year)

    return report


@pytest.fixture
def report_standard(ip) -> Callable[..., Any]:
    from lianmeng.ipbase import services

    def report(actor, alliance, *, year=2023, drafters=None, **data):
        payload = {
            "number": "GB/T 12345-2020",
            "title": "耐火材料 常温耐压强度试验方法",
            "level": "",
            "status": "published",
            "drafters": drafters if drafters is not None else [alliance.lead_unit.uscc],
            **data,
        }
        return services.standard_report(
            actor=actor, alliance_id=alliance.pk, data=payload, year=year
        )

    return report
