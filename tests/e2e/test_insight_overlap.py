"""Overlap and chain analysis in the browser (issue 16 point 2), as Luoyang's department: the
shared member units of its alliances, the network drawn as SVG with Chinese labels and counts,
and the chain page with the 机器人及智能装备 alliance's gap (缺下游, 第六条(三)) highlighted; no
console errors. Screenshots in artefacts/ and /tmp/shots/insight/."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

SHOTS = Path("/tmp/shots/insight")
HAN = re.compile(r"[\u4e00-\u9fff]")


def _shot(j: Journey, name: str) -> None:
    j.shot(name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    j.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_luoyang_overlap_network_and_chain_gap(live_server, monkeypatch, settings, tmp_path):
    from lianmeng.core import clock
    from lianmeng.insight.demo_overlap import load_demo_overlap

    demo_at(monkeypatch, settings, tmp_path, datetime(2026, 12, 7, 10, 0, tzinfo=clock.BEIJING))
    list(load_demo_overlap())

    with browser_page() as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        j = Journey(page, live_server.url, "insight-overlap")
        j.sign_in("luoyang")

        j.open("/staff/insight/overlap/")
        units = page.get_by_test_id("units")
        text = units.inner_text()
        assert "河南科技大学" in text and "洛阳精密铸造有限公司" in text
        assert "洛阳智能检测技术有限公司" in text
        assert "数据更新于" in page.get_by_test_id("computed-at").inner_text()
        _shot(j, "overlap")
        units.get_by_role("link", name="洛阳精密铸造有限公司").click()
        page.wait_for_load_state()
        table = page.get_by_test_id("unit-alliances")
        assert table.get_by_role("link", name="洛阳市耐火材料产业技术创新战略联盟").count() == 1
        assert (
            table.get_by_role("link", name="洛阳市机器人及智能装备产业技术创新战略联盟").count()
            == 1
        )

        page.get_by_test_id("refresh").get_by_role("button", name="刷新").click()
        page.wait_for_load_state()
        assert "已重新计算" in j.main_text() or "已重新计算" in page.content()

        j.open("/staff/insight/network/")
        svg = page.get_by_test_id("network-svg")
        svg.wait_for()
        labels = [t.text_content() for t in svg.get_by_test_id("node-label").all()]
        assert "耐火材料" in labels and "机器人及智能装备" in labels
        assert all(HAN.search(label) for label in labels)
        counts = [t.text_content() for t in svg.get_by_test_id("edge-count").all()]
        assert counts == ["3"]
        box = svg.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 200
        assert page.get_by_test_id("edge-table").get_by_role("cell", name="3").count() == 1
        _shot(j, "network")

        j.open("/staff/insight/chains/")
        row = page.get_by_test_id("chain-row").filter(has_text="机器人及智能装备")
        gap = row.get_by_test_id("gap")
        assert gap.inner_text() == "缺下游"
        assert "text-bg-danger" in (gap.get_attribute("class") or "")
        assert "第六条(三)" in page.get_by_test_id("rule").inner_text()
        covered = page.get_by_test_id("chain-row").filter(has_text="耐火材料")
        assert "上中下游齐全" in covered.inner_text()
        _shot(j, "chains")
        row.get_by_role("link", name="洛阳市机器人及智能装备产业技术创新战略联盟").click()
        page.wait_for_load_state()
        assert "缺下游" in page.get_by_test_id("gaps").inner_text()
        page.get_by_role("link", name=re.compile("上游")).first.click()
        page.wait_for_load_state()
        assert "洛阳伺服电机有限公司" in page.get_by_test_id("members").inner_text()
        _shot(j, "chain-alliance")

        assert not errors, errors
