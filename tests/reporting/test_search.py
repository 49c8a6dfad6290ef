"""The department's report inbox searched by name (``?q=``): by the alliance's name or by the
report's lead unit (the one it was filed by, even after the alliance changed its lead unit),
exactly as a substring, on SQLite and on PostgreSQL (there through the name indexes)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from lianmeng.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _january_2020(monkeypatch):
    moment = datetime(2020, 1, 20, 10, 0, tzinfo=clock.BEIJING)
    monkeypatch.setattr(clock, "now", lambda: moment)


def _report(world, name: str, lead_unit):
    from lianmeng.alliances.models import Alliance
    from lianmeng.reporting.models import Report

    alliance = Alliance.objects.create(
        profile="luoyang",
        level="municipal",
        name=name,
        lead_unit=lead_unit,
        jurisdiction=world.alliance.jurisdiction,
        status="recognised",
        decided_on=world.alliance.decided_on,
    )
    Report.objects.create(
        alliance=alliance,
        profile="luoyang",
        kind="self_evaluation",
        year=2019,
        status="submitted",
        region=lead_unit.region,
        lead_unit=lead_unit,
        created_at=clock.now(),
        submitted_at=clock.now(),
    )
    return alliance


def _found(client, q: str) -> set[str]:
    page = client.get(reverse("reporting:inbox"), {"q": q}).content.decode()
    names = ("洛阳新材料产业联盟", "洛阳铸造产业联盟", "洛阳农机产业联盟")
    return {name for name in names if name in page}


def test_search_by_alliance_or_lead_unit_name(client, login, world, make_unit):
    materials = _report(world, "洛阳新材料产业联盟", world.alliance.lead_unit)
    foundry_lead = make_unit("410305", name="洛阳中重新材料科技有限公司")
    _report(world, "洛阳铸造产业联盟", foundry_lead)
    _report(world, "洛阳农机产业联盟", make_unit("410305", name="洛阳拖拉机有限公司"))
    login(world.luoyang)

    assert _found(client, "新材料") == {"洛阳新材料产业联盟", "洛阳铸造产业联盟"}
    assert _found(client, "拖拉机") == {"洛阳农机产业联盟"}
    assert _found(client, "铸造") == {"洛阳铸造产业联盟"}
    assert _found(client, "不存在的名字") == set()
    # a substring, not each character somewhere: 材新 is in no name
    assert _found(client, "材新") == set()

    # the alliance takes another lead unit: its report keeps the unit that filed it
    materials.lead_unit = make_unit("410305", name="洛阳其他单位有限公司")
    materials.save()
    assert _found(client, "轴承研究所") == {"洛阳新材料产业联盟"}
    assert _found(client, "新材料") == {"洛阳新材料产业联盟", "洛阳铸造产业联盟"}
