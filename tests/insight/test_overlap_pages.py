"""The overlap, network and chain pages (issue 16 point 2): what a department sees, in its area
only, read from the snapshot with the same number of queries whatever the size."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_uscc
from tests.evaluation.conftest import make_alliance
from tests.insight.test_overlap import add_member, ow  # noqa: F401  (fixture)

PAGES = ["insight:overlap", "insight:network", "insight:chains"]


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_overlap_page_lists_units_in_several_alliances(client, ow):  # noqa: F811
    response = _get(client, ow.luoyang, reverse("insight:overlap"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "共享轴承有限公司" in text and "共享钢材有限公司" in text
    assert "退出单位有限公司" not in text
    assert "数据更新于" in text and "刷新" in text
    # filters: by name, by minimum number of alliances
    text = client.get(reverse("insight:overlap"), {"q": "钢材"}).content.decode()
    assert "共享钢材有限公司" in text and "共享轴承有限公司" not in text
    text = client.get(reverse("insight:overlap"), {"min": "3"}).content.decode()
    assert "共享轴承有限公司" not in text
    text = client.get(reverse("insight:overlap"), {"q": ow.s}).content.decode()
    assert "共享轴承有限公司" in text


def test_unit_drill_down_links_each_alliance(client, ow):  # noqa: F811
    response = _get(client, ow.luoyang, reverse("insight:overlap_unit") + f"?uscc={ow.s}")
    text = response.content.decode()
    assert response.status_code == 200
    for alliance in (ow.a1, ow.a2):
        assert reverse("alliances:registry_detail", args=[alliance.pk]) in text
    assert ow.a3.name not in text  # the province's alliance is not in Luoyang's area
    assert client.get(reverse("insight:overlap_unit") + f"?uscc={ow.left}").status_code == 404
    assert client.get(reverse("insight:overlap_unit")).status_code == 302


def test_network_is_drawn_with_chinese_labels_and_counts(client, ow):  # noqa: F811
    text = _get(client, ow.henan, reverse("insight:network")).content.decode()
    assert "<svg" in text and 'data-testid="network-svg"' in text
    for label in ("轴承", "精密机械", "智能装备"):
        assert f">{label}</text>" in text
    assert 'data-testid="edge-count">2</text>' in text
    assert "<title>" in text and "共同成员单位 2 家" in text
    assert "cdn" not in text.lower()


def test_chain_page_highlights_required_gaps(client, ow):  # noqa: F811
    text = _get(client, ow.henan, reverse("insight:chains")).content.decode()
    assert "缺下游" in text
    assert "text-bg-danger" in text  # Luoyang's alliance: required (colour and text)
    assert "（参考）" in text  # the province's alliance: for information
    assert "上中下游齐全" in text
    luoyang = _get(client, ow.luoyang, reverse("insight:chains")).content.decode()
    assert "第六条(三)" in luoyang and "上游、中游、下游" in luoyang
    only_gaps = client.get(reverse("insight:chains"), {"gaps": "1"}).content.decode()
    assert ow.a2.name in only_gaps and ow.a1.name not in only_gaps


def test_chain_row_drill_down_by_position(client, ow):  # noqa: F811
    url = reverse("insight:chain_alliance", args=[ow.a2.pk])
    text = _get(client, ow.luoyang, url + "?position=upstream").content.decode()
    assert "共享轴承有限公司" in text and "共享钢材有限公司（洛龙）" not in text
    assert "缺下游" in text
    text = client.get(url + "?position=downstream").content.decode()
    assert "退出单位有限公司" not in text  # it left
    # another area's alliance: not found
    assert client.get(reverse("insight:chain_alliance", args=[ow.a4.pk])).status_code == 404
    assert client.get(reverse("insight:chain_alliance", args=[ow.a3.pk])).status_code == 404


def test_scope_county_and_other_province(client, ow):  # noqa: F811
    text = _get(client, ow.county, reverse("insight:overlap")).content.decode()
    assert "共享轴承有限公司" not in text
    assert client.get(reverse("insight:chain_alliance", args=[ow.a2.pk])).status_code == 404
    assert client.get(reverse("insight:chain_alliance", args=[ow.a1.pk])).status_code == 200
    for name in PAGES:
        text = _get(client, ow.baoding, reverse(name)).content.decode()
        assert ow.a1.name not in text and "共享轴承有限公司" not in text and "轴承<" not in text
    assert client.get(reverse("insight:chain_alliance", args=[ow.a1.pk])).status_code == 404


def test_applicants_are_refused(client, ow):  # noqa: F811
    for name in PAGES:
        assert _get(client, ow.applicant, reverse(name)).status_code == 403


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", PAGES)
def test_constant_query_count(client, ow, make_unit, name):  # noqa: F811
    from lianmeng.insight.overlap import overlap_refresh

    client.force_login(ow.henan)
    url = reverse(name)
    client.get(url)  # computes the snapshot once
    small = _queries(client, url)
    for i in range(12):
        lead = make_unit("410311", name=f"洛阳扩展{i}有限公司")
        alliance = make_alliance("luoyang", lead, "410300", f"洛阳市扩展{i}产业技术创新战略联盟")
        add_member(alliance, "共享轴承有限公司", ow.s, position="upstream")
        add_member(alliance, f"扩展成员{i}", make_uscc("410311", 9200 + i), position="midstream")
    overlap_refresh(actor=ow.henan)
    big = _queries(client, url)
    assert big == small <= 12
    assert _queries(client, url + "?page=2") == small


def test_chain_alliance_query_count(client, ow):  # noqa: F811
    client.force_login(ow.luoyang)
    url = reverse("insight:chain_alliance", args=[ow.a1.pk])
    client.get(url)
    small = _queries(client, url)
    for i in range(30):
        add_member(ow.a1, f"扩展成员{i}", make_uscc("410305", 9400 + i), position="upstream")
    assert _queries(client, url) == small <= 14
    assert _queries(client, url + "?position=upstream&page=2") == small


def test_refresh_is_audited_and_rate_limited(client, ow):  # noqa: F811
    from lianmeng.core.models import AuditEntry
    from lianmeng.insight.models import Snapshot

    client.force_login(ow.luoyang)
    client.get(reverse("insight:overlap"))
    first = Snapshot.objects.get(scope__code="410300", kind="overlap").computed_at
    add_member(ow.a2, "新共享单位有限公司", make_uscc("410305", 9301), position="downstream")
    add_member(ow.a1, "新共享单位有限公司", make_uscc("410305", 9301), position="downstream")
    # the stored figures do not change before the refresh
    assert "新共享单位有限公司" not in client.get(reverse("insight:overlap")).content.decode()
    response = client.post(reverse("insight:overlap_refresh"), {"back": "chains"})
    assert response.status_code == 302 and response["Location"] == reverse("insight:chains")
    assert AuditEntry.objects.filter(action="lianmeng.insight.overlap.refreshed").count() == 1
    assert Snapshot.objects.get(scope__code="410300", kind="overlap").computed_at >= first
    assert "新共享单位有限公司" in client.get(reverse("insight:overlap")).content.decode()
    assert client.get(reverse("insight:overlap_refresh")).status_code == 405
    statuses = [client.post(reverse("insight:overlap_refresh")).status_code for _ in range(8)]
    assert 429 in statuses


def _sheet(response):
    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_exports(client, ow):  # noqa: F811
    client.force_login(ow.henan)
    rows = _sheet(client.get(reverse("insight:overlap_xlsx")))
    assert rows[0][:3] == ["统一社会信用代码", "单位名称", "所在联盟数"]
    assert rows[1][:3] == [ow.s, "共享轴承有限公司", 3]
    assert len(rows) == 3
    rows = _sheet(client.get(reverse("insight:network_xlsx")))
    assert rows[0] == ["联盟甲", "联盟乙", "共同成员单位数"]
    assert [ow.a1.name, ow.a2.name, 2] in rows and len(rows) == 4
    rows = _sheet(client.get(reverse("insight:chains_xlsx")))
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name[ow.a2.name][8] == "缺下游"
    assert "第六条(三)" in by_name[ow.a2.name][9]
    assert by_name[ow.a1.name][8] == "无"
    assert ow.a4.name not in by_name
    client.force_login(ow.baoding)
    rows = _sheet(client.get(reverse("insight:overlap_xlsx")))
    assert len(rows) == 1
