"""The department dashboard in the browser (issue 16 point 1 acceptance): the province
(``henan``), a city (``luoyang``) and a county (``jianxi``) open 数据驾驶舱 on the demo data; the
totals and the level chart equal the counts computed here from the database (each alliance's
area read through the model, not through the dashboard's query); a bar of each is followed to
its list, whose count equals the bar; one chart's XLSX is downloaded and opened in LibreOffice;
the charts are drawn (SVG with Chinese labels); no console errors. Screenshots in artefacts/ and
/tmp/shots/insight/."""

from __future__ import annotations

import re
import shutil
import subprocess  # noqa: S404
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

SHOTS = Path("/tmp/shots/insight")
LEVELS = {"national": "国家级", "provincial": "省级", "municipal": "市级"}


def _shot(j: Journey, name: str) -> None:
    j.shot(name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    j.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _expected(code: str) -> tuple[int, Counter]:
    """The alliances lying in ``code``'s area, by level, read alliance by alliance."""
    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import Jurisdiction

    scope = Jurisdiction.objects.get(code=code)
    levels: Counter = Counter()
    for alliance in Alliance.objects.select_related(
        "proposal__region", "lead_unit__region", "jurisdiction"
    ):
        if alliance.region.path.startswith(scope.path):
            levels[LEVELS.get(alliance.level, alliance.level)] += 1
    return sum(levels.values()), levels


def _opens_in_libreoffice(path: Path, tmp_path: Path) -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by scripts/bootstrap.sh"
    subprocess.run(  # noqa: S603
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return path.with_suffix(".csv").read_text(encoding="utf-8", errors="replace")


def test_dashboard_as_province_city_and_county(live_server, monkeypatch, settings, tmp_path):
    from lianmeng.core import clock
    from lianmeng.insight.demo import load_demo_insight

    demo_at(monkeypatch, settings, tmp_path, datetime(2026, 12, 7, 10, 0, tzinfo=clock.BEIJING))
    list(load_demo_insight())  # idempotent: whether or not the demo already ran it

    with browser_page() as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        j = Journey(page, live_server.url, "insight-dashboard")
        for username, code in (("henan", "410000"), ("luoyang", "410300"), ("jianxi", "410305")):
            _one_department(j, tmp_path, username, code)
        assert not errors, errors


def _one_department(j: Journey, tmp_path: Path, username: str, code: str) -> None:
    page = j.page
    total, levels = _expected(code)
    assert total > 0, "the demo gives every demo department alliances in its area"
    j.sign_in(username)
    j.open("/staff/insight/")
    page.wait_for_load_state()
    assert "数据更新于" in page.get_by_test_id("refreshed").inner_text()
    assert int(page.get_by_test_id("total-alliances").inner_text()) == total
    table = page.get_by_test_id("table-alliances-level")
    shown = {
        row.locator("th").inner_text(): int(row.locator("td").first.inner_text().replace(",", ""))
        for row in table.locator("tbody tr").all()
    }
    assert shown == dict(levels)
    # the charts are drawn: SVGs with Chinese titles and one linked bar per row
    svg = page.locator('svg[data-chart="alliances-level"]')
    assert svg.count() == 1
    assert re.search(r"[\u4e00-\u9fff]", svg.locator("title").first.text_content())
    assert svg.locator("a rect").count() == len(levels)
    assert page.locator("svg.lm-chart").count() >= 5
    _shot(j, f"dashboard-{username}")

    # the list behind the first bar has the bar's count
    link = table.locator("a[data-drill-link]").first
    value = int(link.get_attribute("data-value"))
    link.click()
    page.wait_for_load_state()
    assert int(page.get_by_test_id("drill-total").inner_text()) == value
    rows = page.get_by_test_id("drill-list").locator("tbody tr").count()
    assert rows == min(value, 20)
    _shot(j, f"drill-{username}")

    # one chart's table as XLSX, opened in LibreOffice
    j.open("/staff/insight/")
    with page.expect_download() as download:
        page.get_by_test_id("xlsx-alliances-level").click()
    path = tmp_path / f"level-{username}.xlsx"
    download.value.save_as(path)
    text = _opens_in_libreoffice(path, tmp_path)
    for label, n in levels.items():
        assert f"{label},{n}" in text.replace('"', "")
