"""The department dashboard (M-60): figures equal the database's counts for the province, a
city and a county; the year filter; the lists behind the bars; the snapshot and its refresh;
a constant number of queries; who may see it."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _in_area(code):
    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import Jurisdiction

    path = Jurisdiction.objects.get(code=code).path
    return Alliance.objects.filter(lead_unit__region__path__startswith=path)


def _chart(response, chart_id):
    return next(c for c in response.context["charts"] if c.id == chart_id)


def _table(chart):
    return {row.label: row.values for row in chart.rows}


@pytest.mark.parametrize(
    "who,code", [("henan", "410000"), ("luoyang", "410300"), ("jianxi", "410305")]
)
def test_figures_equal_the_database_counts(client, login, dash, who, code):
    login(getattr(dash, who))
    response = client.get(reverse("insight:dashboard"))
    assert response.status_code == 200
    expected = _in_area(code)
    assert response.context["summary"]["alliances"] == expected.count()
    level = _table(_chart(response, "alliances-level"))
    counts = Counter(expected.values_list("level", flat=True))
    labels = {"provincial": "省级", "municipal": "市级", "national": "国家级"}
    assert level == {labels[k]: [n] for k, n in counts.items()}
    status = _table(_chart(response, "alliances-status"))
    assert sum(v[0] for v in status.values()) == expected.count()
    years = _table(_chart(response, "alliances-year"))
    by_year = Counter(d.year for d in expected.values_list("decided_on", flat=True))
    assert years == {str(y): [n] for y, n in by_year.items()}
    # nothing of Baoding (another province) ever shows
    assert "保定" not in response.content.decode()


def test_region_chart_splits_by_the_area_below(client, login, dash):
    login(dash.henan)
    region = _table(_chart(client.get(reverse("insight:dashboard")), "alliances-region"))
    assert region == {"郑州市": [3], "洛阳市": [4]}
    client.logout()
    login(dash.luoyang)
    region = _table(_chart(client.get(reverse("insight:dashboard")), "alliances-region"))
    assert region == {"涧西区": [3], "老城区": [1]}


def test_a_county_sees_only_its_own(client, login, dash):
    login(dash.jianxi)
    response = client.get(reverse("insight:dashboard"))
    names = {a.name for a in _in_area("410305")}
    assert names == {"河南省轴承联盟", "洛阳市轴承联盟", "洛阳市新材料联盟"}
    assert response.context["summary"]["alliances"] == 3
    assert response.context["summary"]["pipeline"] == 1  # the one submitted in 涧西区
    assert response.context["summary"]["patents"] == 2
    assert "没有设定联盟数量目标" in response.content.decode()


def test_henan_progress_against_its_cited_targets(client, login, dash):
    login(dash.henan)
    response = client.get(reverse("insight:dashboard"))
    chart = _chart(response, "targets")
    table = _table(chart)
    assert table["2015"] == [2, 30]  # 智能装备 (2014) + 已撤销 (2015, revoked 2017)
    assert table["2017"] == [2, None]  # 2014, 2016; the revoked one is gone
    assert table["2019"] == [3, None]
    assert table["2020"][1] == 60
    assert "三" in chart.note and "30" in chart.note
    assert 'data-chart="targets"' in response.content.decode()


def test_pipeline_by_stage_and_time_taken(client, login, dash):
    login(dash.henan)
    response = client.get(reverse("insight:dashboard"))
    assert _table(_chart(response, "pipeline")) == {"已提交": [1], "已推荐（待受理）": [2]}
    days = _table(_chart(response, "stage-days"))
    assert days["已提交"] == [4.0, 4.0]
    assert days["县级已推荐"] == [10.0, 10.0]


def test_kpi_actual_against_plan(client, login, dash):
    login(dash.luoyang)
    table = _table(_chart(client.get(reverse("insight:dashboard")), "kpi"))
    assert table["投入经费（万元）"] == [100.0, 115.0]  # plan of 轴承 only; actual 80+5+30
    assert table["项目获奖（项）"] == [2.0, 1.0]


def test_grades_by_year_and_drill_down(client, login, dash):
    login(dash.luoyang)
    response = client.get(reverse("insight:dashboard"))
    chart = _chart(response, "grades")
    assert chart.series == ["优秀", "合格"]
    assert _table(chart) == {"2019": [1, 2]}
    listing = client.get(chart.rows[0].links[1])
    assert listing.context["total"] == 2


def test_rewards_budget(client, login, dash):
    login(dash.luoyang)
    table = _table(_chart(client.get(reverse("insight:dashboard")), "rewards"))
    assert table["2019"] == [500.0, 0.0, 0.0, 0.0]


def test_year_filter(client, login, dash):
    login(dash.henan)
    response = client.get(reverse("insight:dashboard"), {"year_from": 2019, "year_to": 2019})
    expected = _in_area("410000").filter(decided_on__year=2019)
    assert response.context["summary"]["alliances"] == expected.count() == 3
    assert response.context["summary"]["patents"] == 2
    level = _table(_chart(response, "alliances-level"))
    assert level == {"省级": [1], "市级": [2]}


@pytest.mark.parametrize("who", ["henan", "luoyang", "jianxi"])
def test_every_drill_down_list_has_the_bar_figure(client, login, dash, who):
    login(getattr(dash, who))
    response = client.get(reverse("insight:dashboard"), {"year_from": 2015})
    checked = 0
    for chart in response.context["charts"]:
        for row in chart.rows:
            for value, link in zip(row.values, row.links, strict=False):
                if not link or value is None:
                    continue
                listing = client.get(link)
                assert listing.status_code == 200, link
                assert listing.context["total"] == value, (chart.id, row.label, link)
                checked += 1
    assert checked >= 5


def test_snapshot_is_read_not_recomputed_and_refresh_updates_it(client, login, dash):
    from lianmeng.core.models import AuditEntry
    from lianmeng.insight.models import Snapshot

    login(dash.luoyang)
    client.get(reverse("insight:dashboard"))
    row = Snapshot.objects.get(scope__code="410300", kind="dashboard")
    first = row.computed_at
    # a new alliance does not show until the figures are refreshed
    add = __import__("tests.insight.conftest", fromlist=["add_alliance"]).add_alliance
    add("luoyang", dash.lc, "410300", "洛阳市新联盟", year=2019)
    response = client.get(reverse("insight:dashboard"))
    assert response.context["summary"]["alliances"] == 4
    assert "数据更新于" in response.content.decode()
    refreshed = client.post(reverse("insight:dashboard_refresh"), follow=True)
    assert refreshed.context["summary"]["alliances"] == 5
    assert Snapshot.objects.get(pk=row.pk).computed_at >= first
    assert AuditEntry.objects.filter(action="lianmeng.insight.refresh", actor=dash.luoyang).exists()


def test_refresh_is_rate_limited(client, login, dash, settings):
    login(dash.jianxi)
    answers = [client.post(reverse("insight:dashboard_refresh")).status_code for _ in range(8)]
    assert answers[0] == 302
    assert 429 in answers


def test_query_count_is_constant(client, login, dash):
    from tests.insight.conftest import add_alliance

    login(dash.henan)
    client.get(reverse("insight:dashboard"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("insight:dashboard")).status_code == 200
    for n in range(30):
        add_alliance(
            "henan", dash.zz, "410000", f"河南省批量联盟{n}", level="provincial", year=2010 + n % 10
        )
    client.post(reverse("insight:dashboard_refresh"))
    client.get(reverse("insight:dashboard"))  # shows the message of the refresh
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("insight:dashboard")).status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 12


def test_drill_down_list_query_count(client, login, dash, django_assert_max_num_queries):
    login(dash.henan)
    client.get(reverse("insight:alliances"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("insight:alliances"), {"level": "provincial"})
    assert response.context["total"] == 4
    with django_assert_max_num_queries(12):
        response = client.get(reverse("insight:proposals"), {"stage": "recommended"})
    assert response.context["total"] == 2


def test_applicant_is_refused(client, login, dash):
    login(dash.applicant)
    for name in (
        "insight:dashboard",
        "insight:alliances",
        "insight:proposals",
        "insight:dashboard_xlsx",
    ):
        assert client.get(reverse(name)).status_code in (403, 404)
    assert client.post(reverse("insight:dashboard_refresh")).status_code in (403, 404)


def test_other_province_sees_nothing_of_this_one(client, login, dash):
    login(dash.baoding)
    response = client.get(reverse("insight:dashboard"))
    assert response.context["summary"]["alliances"] == 1
    body = response.content.decode()
    assert "河南" not in body and "洛阳" not in body
    listing = client.get(reverse("insight:alliances"))
    assert [a.name for a in listing.context["page_obj"]] == ["保定市新能源联盟"]
    assert client.get(reverse("insight:proposals"), {"stage": "recommended"}).context["total"] == 0


def test_svg_is_accessible_and_links_each_bar(client, login, dash):
    login(dash.henan)
    body = client.get(reverse("insight:dashboard")).content.decode()
    assert body.count('role="img"') >= 8
    assert '<title id="alliances-level-svg-title">联盟数量 · 按级别</title>' in body
    assert 'data-drill="alliances-level"' in body
    assert "<script" not in body.split("<main", 1)[-1].split("</main>")[0]


def test_the_bar_of_alliances_without_a_field_lists_exactly_them(client, login, dash):
    from tests.insight.conftest import add_alliance

    add_alliance("luoyang", dash.lc, "410300", "洛阳市未填领域联盟", year=2019, domain="")
    login(dash.luoyang)
    client.post(reverse("insight:dashboard_refresh"))
    response = client.get(reverse("insight:dashboard"))
    chart = _chart(response, "alliances-domain")
    blank = next(row for row in chart.rows if row.label == "未填写")
    listing = client.get(blank.links[0])
    assert listing.context["total"] == blank.values[0] == 1
    assert "洛阳市未填领域联盟" in listing.content.decode()
    assert "领域：未填写" in listing.content.decode()
