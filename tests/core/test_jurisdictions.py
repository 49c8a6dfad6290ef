"""The GB/T 2260 tree loaded by the migration (M-01)."""

from __future__ import annotations

import pytest

from lianmeng.core.models import Jurisdiction

pytestmark = pytest.mark.django_db


def test_every_province_and_the_nation_are_present():
    provinces = Jurisdiction.objects.filter(kind="province")
    assert provinces.count() == 34
    assert Jurisdiction.objects.get(code="000000").kind == "nation"
    assert {p.parent.code for p in provinces} == {"000000"}


def test_prefecture_cities_hang_under_their_province():
    luoyang = Jurisdiction.objects.get(code="410300")
    assert luoyang.name == "洛阳市" and luoyang.parent.code == "410000"
    assert Jurisdiction.objects.get(code="130600").name == "保定市"
    assert Jurisdiction.objects.get(code="230100").name == "哈尔滨市"
    assert (
        Jurisdiction.objects.filter(kind="city", active=True, code__startswith="41").count() >= 17
    )


@pytest.mark.parametrize(
    ("city", "counties"),
    [
        (
            "410300",
            {
                "老城区",
                "西工区",
                "瀍河回族区",
                "涧西区",
                "偃师区",
                "孟津区",
                "洛龙区",
                "新安县",
                "栾川县",
                "嵩县",
                "汝阳县",
                "宜阳县",
                "洛宁县",
                "伊川县",
            },
        ),
        (
            "130600",
            {
                "竞秀区",
                "莲池区",
                "满城区",
                "清苑区",
                "徐水区",
                "涞水县",
                "阜平县",
                "定兴县",
                "唐县",
                "高阳县",
                "容城县",
                "涞源县",
                "望都县",
                "安新县",
                "易县",
                "曲阳县",
                "蠡县",
                "顺平县",
                "博野县",
                "雄县",
                "涿州市",
                "定州市",
                "安国市",
                "高碑店市",
            },
        ),
    ],
)
def test_counties_of_luoyang_and_baoding(city, counties):
    names = set(
        Jurisdiction.objects.filter(parent__code=city, kind="county", active=True).values_list(
            "name", flat=True
        )
    )
    assert counties <= names


def test_zones_of_seed_001():
    zones = dict(
        Jurisdiction.objects.filter(kind__in=["ftz", "hitech", "zone"]).values_list(
            "name", "parent__code"
        )
    )
    for area, city in (("郑州片区", "410100"), ("开封片区", "410200"), ("洛阳片区", "410300")):
        name = next(n for n in zones if n.endswith(area))
        assert zones[name] == city
    assert zones["郑州航空港经济综合实验区"] == "410100"
    assert "洛阳高新技术产业开发区" in zones


def test_paths_make_containment_a_prefix():
    luoyang = Jurisdiction.objects.get(code="410300")
    jianxi = Jurisdiction.objects.get(code="410305")
    baoding = Jurisdiction.objects.get(code="130600")
    assert luoyang.contains(jianxi) and not baoding.contains(jianxi)
    assert Jurisdiction.objects.get(code="410000").contains(jianxi)
