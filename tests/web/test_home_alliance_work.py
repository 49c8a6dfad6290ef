"""The department's home lists what the decided alliances of its area wait for (issue 13): 验收
applications, construction periods run out, change filings to acknowledge and reports to review,
each with its count and a link to the list that shows exactly those."""

from __future__ import annotations

import re

import pytest

from lianmeng.core.models import User


def _work(client, username: str) -> dict[str, tuple[int, str]]:
    client.force_login(User.objects.get(username=username))
    page = client.get("/home/").content.decode()
    block = re.search(r'data-testid="alliance-work">(.*?)</ul>', page, re.S)
    if block is None:
        return {}
    rows = re.findall(
        r'<a href="([^"]+)">([^<]+)</a>\s*<span class="badge[^"]*">(\d+)</span>', block.group(1)
    )
    return {label: (int(count), url.replace("&amp;", "&")) for url, label, count in rows}


@pytest.mark.django_db
def test_the_province_sees_acceptance_overdue_and_changes_waiting(demo_data, client):
    work = _work(client, "henan")
    assert work["已申请验收，待评审或作出结论"][0] >= 1
    assert work["筹建期已过、尚未申请验收"][0] >= 1
    assert work["变更备案待知悉"][0] >= 1
    # each link opens the list of exactly those alliances or filings
    url = work["已申请验收，待评审或作出结论"][1]
    listed = client.get(url).content.decode()
    assert "河南省智能传感器产业技术创新战略联盟" in listed
    assert "河南省新能源汽车电驱动产业技术创新战略联盟" not in listed
    overdue = client.get(work["筹建期已过、尚未申请验收"][1]).content.decode()
    assert "河南省生物医药产业技术创新战略联盟" in overdue
    changes = client.get(work["变更备案待知悉"][1]).content.decode()
    assert "河南省盾构装备产业技术创新战略联盟" in changes


@pytest.mark.django_db
def test_the_city_sees_its_reports_and_others_see_nothing_of_henan(demo_data, client):
    work = _work(client, "luoyang")
    assert work["联盟报告待审核"][0] >= 1
    assert (
        "洛阳市耐火材料产业技术创新战略联盟"
        in client.get(work["联盟报告待审核"][1]).content.decode()
    )
    baoding = _work(client, "baoding")
    assert "已申请验收，待评审或作出结论" not in baoding
    assert "变更备案待知悉" not in _work(client, "jianxi")
