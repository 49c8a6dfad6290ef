"""Baoding, end to end in the browser with the demo accounts (issue 4; seed 004):

the lead unit's proposal, submitted → 竞秀区科技局 does the 初审 and recommends it, which produces
its 推荐公函 (PDF, text checked with pdftotext, fonts embedded) → 保定市科技局 files it (备案) in
category 2 (产业创新联盟) from the decisions page → the lead unit reads the notice → the public
registry shows it 已备案, 二类.

Time: the Baoding measures were in force from 2018-09-18 to 2023-09-17 and the demo's Baoding
example was filed on 2019-06-18; the journey runs on 2019-07-01 (the clock is pinned before
the demo data is loaded), while the measures were in force.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.review_journeys import (
    Journey,
    browser_page,
    demo_at,
    needs_chromium,
    pdf_fonts_embedded,
    pdf_text,
)

pytestmark = [pytest.mark.e2e, needs_chromium]

PROPOSAL = "保定市光伏新能源产业技术创新战略联盟"
LEAD = "保定英创光伏科技股份有限公司"
RECOMMEND = "初审推荐（出具推荐公函）"
OPINION = "该联盟产业链完整，成员单位构成合理，同意推荐。"


def test_baoding_journey(live_server, monkeypatch, settings, tmp_path):
    from lianmeng.core import clock

    demo_at(monkeypatch, settings, tmp_path, datetime(2019, 7, 1, 9, 30, tzinfo=clock.BEIJING))

    with browser_page() as page:
        j = Journey(page, live_server.url, "baoding")

        j.sign_in("shenbao-bd")
        j.nav("申报管理")
        assert "已提交" in j.page.locator("tbody tr").filter(has_text=PROPOSAL).inner_text()
        j.shot("lead-unit-submitted")

        # 竞秀区科技局: 初审 and recommendation, and its 推荐公函
        j.sign_in("jingxiu")
        j.open_proposal(PROPOSAL)
        assert "2019-06-18 10:00" in j.main_text()  # filed on the day of the example
        j.shot("county-review")
        form = page.locator("form").filter(has=page.get_by_role("heading", name=RECOMMEND))
        form.locator("textarea[name=reason]").fill(OPINION)
        form.get_by_role("button", name=RECOMMEND).click()
        assert "当前状态：已推荐（待备案）" in j.flash()
        j.shot("county-recommended")
        letter = page.get_by_role("link", name="推荐公函（PDF）")
        pdf = j.get(letter.get_attribute("href")).body()
        text = pdf_text(pdf, tmp_path, "journey-baoding-letter.pdf")
        assert "推荐函" in text or "推荐公函" in text
        assert PROPOSAL in text and LEAD in text and OPINION in text
        assert "保定市科学技术局" in text and "保定市竞秀区科学技术局" in text
        assert "2019年7月1日" in text
        assert pdf_fonts_embedded(pdf, tmp_path)

        # 保定市科技局: the review page sends the decision to the decisions page; 备案, category 2
        j.sign_in("baoding")
        j.open_proposal(PROPOSAL)
        assert j.wrapped_nav_labels() == []
        j.shot("city-review")
        page.get_by_role("link", name="前往决定").click()
        page.locator("summary").filter(has_text=PROPOSAL).click()
        page.get_by_label("备案", exact=True).check()
        page.get_by_label("备案类别").select_option("2")
        page.get_by_label("理由或意见").fill("符合备案条件，按产业创新联盟备案。")
        page.get_by_role("button", name="暂存决定").click()
        assert "决定已暂存" in j.flash()
        staged = page.locator("tbody tr").filter(has_text=PROPOSAL).inner_text()
        assert "备案" in staged and "二类" in staged
        j.shot("city-staged")
        page.get_by_role("button", name="发布所选决定").click()
        page.get_by_role("button", name="确认发布").click()
        assert "已发布 1 项决定" in j.flash()
        j.shot("city-published")

        j.sign_in("shenbao-bd")
        j.nav("消息")
        notice = page.locator("article").filter(has_text="【备案】").first.inner_text()
        assert PROPOSAL in notice and "类别：二类（产业创新联盟）" in notice
        j.shot("lead-unit-notice")

        # the public registry: 已备案, 二类
        j.sign_out()
        j.nav("联盟名录")
        row = page.locator("tbody tr").filter(has_text=PROPOSAL)
        assert "已备案" in row.inner_text() and "二类" in row.inner_text()
        j.shot("registry")
        row.get_by_role("link", name=PROPOSAL).click()
        assert "二类：产业创新联盟" in j.main_text()
        assert "2019年7月1日" in j.main_text()
        j.shot("registry-detail")
