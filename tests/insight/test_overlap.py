"""Overlap and chain analysis (issue 16 point 2, M-60): what lianmeng.insight.overlap computes.

The world (``ow``): three Luoyang alliances and one of the province, Baoding's, and a dissolved
one. 共享轴承 (S) is a member of A1, A2, the Henan alliance and the dissolved one; 共享钢材 (T) of
A1 and A2; 退出单位 (L) of A1 and once of A2 — but it left A2, so it is in one alliance only.
A1 covers upstream, midstream and downstream; A2 has no downstream enterprise (Luoyang requires
all three, 第六条(三)); the Henan alliance has no chain rule (its gaps are for information).
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from tests.conftest import make_uscc
from tests.evaluation.conftest import make_alliance


def add_member(alliance, name, uscc, *, kind="enterprise", position="", left=False):
    from lianmeng.running.models import Member, Workspace

    workspace = Workspace.objects.get(alliance=alliance)
    return Member.objects.create(
        workspace=workspace,
        name=name,
        uscc=uscc,
        kind=kind,
        details={"chain_position": position} if position else {},
        left_on=date(2019, 6, 1) if left else None,
    )


@pytest.fixture
def ow(db, make_unit, make_user):
    from lianmeng.alliances.models import Alliance

    lead1 = make_unit("410305", name="洛阳轴承研究所有限公司")
    lead2 = make_unit("410311", name="洛龙精密机械有限公司")
    lead3 = make_unit("410105", name="郑州智能装备有限公司")
    lead4 = make_unit("130602", name="保定输变电设备有限公司")
    lead5 = make_unit("410311", name="洛阳旧联盟牵头单位有限公司")
    a1 = make_alliance("luoyang", lead1, "410300", "洛阳市轴承产业技术创新战略联盟")
    a2 = make_alliance("luoyang", lead2, "410300", "洛阳市精密机械产业技术创新战略联盟")
    a3 = make_alliance(
        "henan", lead3, "410000", "河南省智能装备产业技术创新战略联盟", level="provincial"
    )
    a4 = make_alliance("baoding", lead4, "130600", "保定市输变电装备产业技术创新战略联盟")
    a5 = make_alliance("luoyang", lead5, "410300", "洛阳市旧材料产业技术创新战略联盟")
    Alliance.objects.filter(pk=a5.pk).update(status="dissolved")
    s, t, left = make_uscc("410305", 9001), make_uscc("410305", 9002), make_uscc("410305", 9003)
    # A1: all three positions, S and T and L
    add_member(a1, "共享轴承有限公司", s, position="upstream")
    add_member(a1, "共享钢材有限公司", t, position="midstream")
    add_member(a1, "退出单位有限公司", left, position="downstream")
    add_member(a1, "河南科技大学", make_uscc("410305", 9004), kind="university")
    # A2: no downstream
    add_member(a2, "共享轴承有限公司", s, position="upstream")
    add_member(a2, "共享钢材有限公司（洛龙）", t, position="midstream")
    add_member(a2, "退出单位有限公司", left, position="downstream", left=True)
    # the Henan alliance: S only, no position
    add_member(a3, "共享轴承有限公司", s)
    # Baoding: its own unit
    add_member(a4, "保定变压器有限公司", make_uscc("130602", 9005), position="upstream")
    # dissolved: S (not counted)
    add_member(a5, "共享轴承有限公司", s, position="upstream")
    return SimpleNamespace(
        a1=a1,
        a2=a2,
        a3=a3,
        a4=a4,
        a5=a5,
        s=s,
        t=t,
        left=left,
        luoyang=make_user(["recommender", "competent"], jurisdiction="410300"),
        county=make_user(["recommender"], jurisdiction="410305"),
        henan=make_user(["competent"], jurisdiction="410000"),
        baoding=make_user(["competent"], jurisdiction="130600"),
        applicant=make_user(["applicant"], unit=lead1),
    )


def data_of(code):
    from lianmeng.core.models import Jurisdiction
    from lianmeng.insight.overlap import compute

    return compute(Jurisdiction.objects.get(code=code))


def test_shared_units_by_uscc_a_left_member_not_counted(ow):
    data = data_of("410300")
    units = {u["uscc"]: u for u in data["units"]}
    assert set(units) == {ow.s, ow.t}
    # the dissolved alliance does not count, nor does a member that left
    assert units[ow.s]["alliances"] == sorted([ow.a1.pk, ow.a2.pk])
    assert units[ow.t]["alliances"] == sorted([ow.a1.pk, ow.a2.pk])
    assert ow.left not in units
    assert data["totals"]["units"] == 2


def test_edges_count_shared_members(ow):
    data = data_of("410300")
    assert data["edges"] == [[ow.a1.pk, ow.a2.pk, 2]]
    province = data_of("410000")
    edges = {(a, b): n for a, b, n in province["edges"]}
    assert edges == {(ow.a1.pk, ow.a2.pk): 2, (ow.a1.pk, ow.a3.pk): 1, (ow.a2.pk, ow.a3.pk): 1}
    assert province["alliances"][str(ow.a1.pk)]["shared"] == 2
    assert province["alliances"][str(ow.a3.pk)]["shared"] == 1
    # the drawing keeps them all here, each node placed
    assert {n["id"] for n in province["graph"]["nodes"]} == {ow.a1.pk, ow.a2.pk, ow.a3.pk}


def test_chain_coverage_and_gaps_under_luoyang_rule(ow):
    data = data_of("410000")
    a1, a2, a3 = (data["alliances"][str(a.pk)] for a in (ow.a1, ow.a2, ow.a3))
    assert a1["chain"] == {"upstream": 1, "midstream": 1, "downstream": 1}
    assert a1["missing"] == [] and a1["members"] == 4 and a1["enterprises"] == 3
    assert a2["chain"] == {"upstream": 1, "midstream": 1, "downstream": 0}
    assert a2["missing"] == ["downstream"] and a2["required"] is True
    assert "第六条(三)" in a2["citation"]
    # Henan's profile has no chain rule: its gaps are shown, marked as information
    assert a3["required"] is False and a3["missing"] == ["upstream", "midstream", "downstream"]
    assert a3["unset"] == 1
    field = next(f for f in data["fields"] if f["domain"] == "industry")
    assert field["alliances"] == 3
    assert sorted(field["gaps"]) == sorted([ow.a2.pk, ow.a3.pk])
    assert field["required_gaps"] == 1
    assert field["chain"] == {"upstream": 2, "midstream": 2, "downstream": 1}


def test_positions_from_the_decided_proposal_roster(ow):
    """A workspace initialised from a proposal keeps no chain position: the roster gives it."""
    from lianmeng.proposals.models import Proposal

    uscc = make_uscc("410305", 9101)
    Proposal.objects.filter(pk=ow.a2.proposal_id).update(
        document={
            "members": [{"name": "下游整机有限公司", "uscc": uscc, "chain_position": "downstream"}]
        }
    )
    add_member(ow.a2, "下游整机有限公司", uscc)
    a2 = data_of("410300")["alliances"][str(ow.a2.pk)]
    assert a2["chain"]["downstream"] == 1 and a2["missing"] == [] and a2["unset"] == 0


def test_scope_city_county_other_province(ow):
    city = data_of("410300")
    assert set(city["alliances"]) == {str(ow.a1.pk), str(ow.a2.pk)}
    county = data_of("410305")
    assert set(county["alliances"]) == {str(ow.a1.pk)}
    assert county["units"] == [] and county["edges"] == []
    baoding = data_of("130600")
    assert set(baoding["alliances"]) == {str(ow.a4.pk)}
    assert baoding["units"] == []
    hebei = data_of("130000")
    assert str(ow.a1.pk) not in hebei["alliances"]


def test_a_few_queries_whatever_the_size(ow, django_assert_max_num_queries):
    from lianmeng.core.models import Jurisdiction
    from lianmeng.insight.overlap import compute

    province = Jurisdiction.objects.get(code="410000")
    with django_assert_max_num_queries(6):
        compute(province)


def test_short_names():
    from lianmeng.insight.overlap import short_name

    assert short_name("洛阳市轴承产业技术创新战略联盟") == "轴承"
    assert short_name("河南省超硬材料产业技术创新战略联盟") == "超硬材料"
    assert short_name("河南省洛阳市机器人及智能装备产业技术创新战略联盟") == "机器人及智能装备"
    assert short_name("洛阳市高端轴承与精密传动部件产业联盟") == "高端轴承与精密…"
    assert short_name("城市轨道交通产业技术创新战略联盟") == "城市轨道交通"
    assert short_name("联盟") == "联盟"
