"""The SVG charts and the drill-down parameters: every text escaped, every bar linked, a
parameter string never breaks the list (hypothesis)."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405  (our own output)

from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianmeng.insight.charts import Chart, Row
from lianmeng.insight.selectors import drill_filters

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(st.characters(min_codepoint=0x20, blacklist_categories=("Cs", "Cn")), max_size=40),
    st.lists(st.integers(0, 10_000), min_size=1, max_size=6),
)
def test_bar_chart_is_well_formed_with_any_label(label, values):
    rows = [
        Row(f"{label}{i}", [v], [f"/staff/insight/alliances/?level={i}&x=<{label}>"])
        for i, v in enumerate(values)
    ]
    chart = Chart("c", f"联盟数量 · {label}", "级别", ["联盟数"], rows, unit="家")
    root = _parse(str(chart.svg()))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == f"联盟数量 · {label}"
    assert root.find(f"{SVG}desc").text
    links = root.findall(f".//{SVG}a")
    assert len(links) == len(values)
    assert all(a.get("href").startswith("/staff/insight/alliances/") for a in links)


def test_stacked_and_line_charts():
    stacked = Chart(
        "g", "评价等级", "年度", ["优秀", "合格"], [Row("2019", [1, 2], ["/a", "/b"])], stacked=True
    )
    root = _parse(str(stacked.svg()))
    assert len(root.findall(f".//{SVG}rect")) >= 2
    line = Chart(
        "t",
        "目标进度",
        "年度",
        ["实有", "目标"],
        [Row("2014", [1, None], ["/x", None]), Row("2015", [2, 30], ["/y", None])],
        kind="line",
    )
    root = _parse(str(line.svg()))
    assert len(root.findall(f".//{SVG}circle")) == 3
    assert len(root.findall(f".//{SVG}a")) == 2
    assert Chart("e", "空", "年度", ["数"], []).svg() == ""


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "level",
                "levels",
                "domain",
                "status",
                "region",
                "year_from",
                "year_to",
                "alive_in",
                "grade",
                "grade_year",
            ]
        ),
        st.text(max_size=60),
    )
)
def test_drill_parameters_never_break(params):
    q = QueryDict(mutable=True)
    for k, v in params.items():
        q[k] = v
    f = drill_filters(q)
    for year in (f.year_from, f.year_to, f.alive_in, f.grade_year):
        assert year is None or 1900 <= year <= 2200
    assert len(f.level) <= 20 and len(f.levels) <= 5 and len(f.region) <= 12
