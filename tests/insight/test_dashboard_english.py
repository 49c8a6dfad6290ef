"""The dashboard and the chain coverage page in English (cookie django_language=en): chart
titles, units, table headers, notes and empty sentences are English (names of places and
alliances are data and may stay Chinese, so only those elements are checked); the XLSX export
follows the language; the Chinese page is unchanged."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.insight.test_overlap import ow  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


class _Texts(HTMLParser):
    """The texts of headings (h1/h2), table header cells of a <thead>, the chart sections'
    notes and empty sentences, and SVG <title>/<desc> of the charts' drawings (without the
    row labels)."""

    WATCHED = {"h1", "h2", "th"}

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._stack: list[str | None] = []
        self._in_thead = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "thead":
            self._in_thead += 1
        watched = (
            tag in {"h1", "h2"}
            or (tag == "th" and self._in_thead)
            or (tag == "p" and (attrs.get("data-testid") or "").startswith("empty-"))
            or (tag == "title" and (attrs.get("id") or "").endswith("-svg-title"))
        )
        if tag in {"br", "img", "input", "meta", "link", "hr", "circle", "rect", "line", "path"}:
            return
        self._stack.append(tag if watched else None)
        if watched:
            self.texts.append("")

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_thead -= 1
        if self._stack and tag in {"br", "img", "input", "meta", "link", "hr"}:
            return
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if any(t is not None for t in self._stack):
            self.texts[-1] += data


def _texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return [" ".join(t.split()) for t in parser.texts if t.strip()]


def _english(client):
    client.cookies["django_language"] = "en"


def test_dashboard_charts_in_english(client, login, dash):
    login(dash.henan)
    _english(client)
    response = client.get(reverse("insight:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    texts = _texts(html)
    # the scope's name (河南省) follows the page title in h1: data, left out
    chinese = [t for t in texts if HAN.search(t) and "河南省" not in t]
    assert chinese == []
    for title in (
        "Alliances · by level",
        "Alliances · by field",
        "Alliances · by region",
        "Proposals in progress · by stage (now)",
        "KPIs · planned and actual",
        "Reward funds · budgets and payments",
        "Patent pool and standards base · by year",
    ):
        assert any(t.startswith(title) for t in texts), title
    assert "Budget (CNY 10k)" in texts
    # levels, states and fields are named in English in the tables' rows too
    charts = {c.id: c for c in response.context["charts"]}
    level_rows = [r.label for r in charts["alliances-level"].rows]
    assert level_rows and not any(HAN.search(label) for label in level_rows)
    assert not any(HAN.search(r.label) for r in charts["alliances-status"].rows)
    assert not any(HAN.search(r.label) for r in charts["pipeline"].rows)
    assert not any(HAN.search(s) for s in charts["grades"].series)
    targets = charts["targets"]
    assert targets.title.startswith("Progress against targets")
    assert "Targets of" in targets.note and not HAN.search(targets.series[0])


def test_dashboard_xlsx_follows_the_language(client, login, dash):
    from openpyxl import load_workbook

    login(dash.luoyang)
    _english(client)
    response = client.get(reverse("insight:dashboard_xlsx"), {"chart": "rewards"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(c.endswith("Reward funds · budgets and payments") for c in cells)
    assert any(c.startswith("Figures updated") for c in cells)
    assert "Paid to alliances of the area (CNY 10k)" in cells


def test_chain_page_headers_in_english(client, ow):  # noqa: F811
    client.force_login(ow.henan)
    _english(client)
    html = client.get(reverse("insight:chains")).content.decode()
    texts = _texts(html)
    assert texts
    assert [t for t in texts if HAN.search(t)] == []


def test_chinese_page_unchanged(client, login, dash):
    login(dash.luoyang)
    response = client.get(reverse("insight:dashboard"))
    texts = _texts(response.content.decode())
    assert "联盟数量 · 按级别 （单位：家）" in texts
    assert "奖补资金 · 预算与拨付 （单位：万元）" in texts
    assert "预算（万元）" in texts
    level_rows = [
        r.label
        for r in next(c for c in response.context["charts"] if c.id == "alliances-level").rows
    ]
    assert "市级" in level_rows
