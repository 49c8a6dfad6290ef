"""Luoyang, end to end in the browser with the demo accounts (issue 4; seed 003):

the lead unit's proposal, submitted → 涧西区科技局 does the 初审 (with its opinion) and recommends
it to the city → 洛阳市科技局 accepts, opens a review round and assigns one expert → the expert
scores every criterion → the city closes the round, stages 认定 under the unified name
“洛阳市×××产业技术创新战略联盟” and publishes → the lead unit reads the notice and downloads
its plaque (PDF, text checked with pdftotext) from the public registry.

Time: the Luoyang measures (洛政办〔2018〕54号) were in force from 2018-07-10 to 2020-12-31, and
the demo's Luoyang example was filed in October 2019. A city bureau could only have recognised
it while the measures were in force, so the journey runs in November 2019: the clock is pinned
before the demo data is loaded, and everything — the filing, the 初审, the 认定, the date on the
plaque — happens then.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.review_journeys import (
    EXPERTS,
    Journey,
    browser_page,
    demo_at,
    needs_chromium,
    pdf_fonts_embedded,
    pdf_text,
    score_every_criterion,
)

pytestmark = [pytest.mark.e2e, needs_chromium]

PROPOSAL = "洛阳市精密轴承产业技术创新战略联盟"
LEAD = "洛阳精工轴承科技股份有限公司"
#: seed 003 第七条(三): 统一命名为“洛阳市×××产业技术创新战略联盟”
RECOGNISED_NAME = "洛阳市精密轴承产业技术创新战略联盟"


def test_luoyang_journey(live_server, monkeypatch, settings, tmp_path):
    from lianmeng.core import clock

    demo_at(monkeypatch, settings, tmp_path, datetime(2019, 11, 5, 9, 0, tzinfo=clock.BEIJING))

    with browser_page() as page:
        j = Journey(page, live_server.url, "luoyang")

        j.sign_in("shenbao-ly")
        j.nav("申报管理")
        assert (
            "已提交（待县级初审）"
            in j.page.locator("tbody tr").filter(has_text=PROPOSAL).inner_text()
        )
        j.shot("lead-unit-submitted")

        # 涧西区科技局: 初审 with its opinion, then the recommendation to the city
        j.sign_in("jianxi")
        j.open_proposal(PROPOSAL)
        j.shot("county-review")
        flash = j.fire("初审通过", "材料齐全，联盟构成和产业链覆盖符合要求，初审通过。")
        assert "当前状态：县级初审通过" in flash
        flash = j.fire("推荐至市科技局", "同意推荐。")
        assert "当前状态：已推荐（待市级受理）" in flash
        assert "材料齐全，联盟构成和产业链覆盖符合要求，初审通过。" in j.main_text()
        j.shot("county-recommended")

        # 洛阳市科技局: accepts, then a review round with one expert
        j.sign_in("luoyang")
        j.open_proposal(PROPOSAL)
        assert "当前状态：已受理" in j.fire("受理", "予以受理。")
        j.shot("city-accepted")
        j.nav("专家评审")
        j.page.get_by_label("政策档案").select_option(label="洛阳市")
        j.page.get_by_label("申报年度").fill("2019")
        j.page.get_by_role("button", name="创建").click()
        j.page.get_by_label(PROPOSAL, exact=False).check()
        j.page.get_by_role("button", name="加入本轮").click()
        j.page.get_by_label("每份申报专家人数").fill("1")
        j.page.get_by_role("button", name="自动分配").click()
        assert "已自动分配 1 项评审任务" in j.flash()
        assigned = j.page.locator("tbody tr").filter(has_text=PROPOSAL).inner_text()
        names = [name for name in EXPERTS if name in assigned]
        assert len(names) == 1, assigned
        j.shot("city-round-assigned")

        j.sign_in(EXPERTS[names[0]])
        score_every_criterion(j, PROPOSAL, [86, 90, 84, 80])

        # the city closes the round, stages 认定 under the unified name, publishes
        j.sign_in("luoyang")
        j.nav("专家评审")
        j.page.get_by_role("link", name="2019年度洛阳市产业技术创新战略联盟专家评审").click()
        j.page.get_by_role("button", name="结束评审").click()
        j.page.get_by_role("button", name="确认结束评审").click()
        j.page.get_by_role("link", name="评审结果与排名").click()
        assert PROPOSAL in j.main_text()
        j.shot("city-results")
        j.nav("决定")
        j.page.locator("summary").filter(has_text=PROPOSAL).click()
        j.page.get_by_label("认定").check()
        assert j.page.get_by_label("联盟名称（统一命名）").input_value() == RECOGNISED_NAME
        j.page.get_by_label("理由或意见").fill("经专家审核，同意认定。")
        j.page.get_by_role("button", name="暂存决定").click()
        assert "决定已暂存" in j.flash()
        j.shot("city-staged")
        j.page.get_by_role("button", name="发布所选决定").click()
        j.page.get_by_role("button", name="确认发布").click()
        assert "已发布 1 项决定" in j.flash()
        j.shot("city-published")

        # the lead unit: the notice, then the plaque from the registry
        j.sign_in("shenbao-ly")
        j.nav("消息")
        notice = j.page.locator("article").filter(has_text="【认定】").first.inner_text()
        assert f"认定“{RECOGNISED_NAME}”" in notice and "洛阳市科学技术局" in notice
        j.shot("lead-unit-notice")
        j.nav("联盟名录")
        row = j.page.locator("tbody tr").filter(has_text=RECOGNISED_NAME)
        assert "已认定" in row.inner_text() and "2019-11-05" in row.inner_text()
        row.get_by_role("link", name=RECOGNISED_NAME).click()
        j.shot("registry-detail")
        link = j.page.get_by_role("link", name="下载标牌（PDF）")
        pdf = j.get(link.get_attribute("href")).body()
        text = pdf_text(pdf, tmp_path, "journey-luoyang-plaque.pdf")
        assert RECOGNISED_NAME in text
        assert "洛阳市科学技术局" in text and "二〇一九年十一月五日" in text
        assert pdf_fonts_embedded(pdf, tmp_path)
