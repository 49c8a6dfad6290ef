"""``lianmeng insight refresh [--scope CODE]`` and the demo's precomputed figures."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_refresh_one_area_and_every_department(dash, capsys):
    from lianmeng.cli import main
    from lianmeng.insight.models import Snapshot

    assert main(["insight", "refresh", "--scope", "410300"]) == 0
    out = capsys.readouterr().out
    assert "410300 洛阳市：数据更新于" in out and "毫秒" in out
    row = Snapshot.objects.get(scope__code="410300", kind="dashboard")
    assert sum(c["count"] for c in row.data["alliances"]["by_year"].values()) == 4
    assert main(["insight", "refresh"]) == 0
    codes = set(Snapshot.objects.filter(kind="dashboard").values_list("scope__code", flat=True))
    assert {"410000", "410300", "410305", "130600"} <= codes


def test_refresh_refuses_an_unknown_area_and_bad_arguments(dash, capsys):
    from lianmeng.cli import main

    assert main(["insight", "refresh", "--scope", "999999"]) == 2
    assert "999999" in capsys.readouterr().err
    assert main(["insight", "nothing"]) == 2


def test_demo_gives_the_county_an_alliance(dash):
    from lianmeng.insight.demo import load_demo_insight

    lines = list(load_demo_insight())
    assert any("涧西区" in line for line in lines)
    again = list(load_demo_insight())
    assert not any(line.startswith("联盟名录") for line in again)
