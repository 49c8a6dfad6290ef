"""Henan, end to end in the browser with the demo accounts (issue 4, M-20 … M-23):

the lead unit's proposal, submitted to this year's call → 荥阳市科技局 recommends (and downloads
its 推荐表) → 郑州市科技局 recommends → on the first paper day 河南省科技厅 records the two
paper copies and accepts → opens a review round, adds the proposal, assigns two experts
automatically (the 郑州 expert stands aside: same area as the recommending city) → both
experts score every criterion → the province closes the round, reads the results, stages
批准筹建 and publishes → the lead unit reads the notice → the public registry lists the
alliance as 筹建中 with its construction deadline.

Time: the demo call opens 30 days before "today" and closes 60 days after; the paper copies
are handed in on the two days after it closes. The clock is pinned to today 10:00 for the
recommendations, then moved to the first paper day for acceptance and what follows.
"""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import pytest

from tests.e2e.review_journeys import (
    Journey,
    browser_page,
    demo_at,
    needs_chromium,
    pin_clock,
    score_every_criterion,
)

pytestmark = [pytest.mark.e2e, needs_chromium]

PROPOSAL = "河南省高性能铝基新材料产业技术创新战略联盟"
LEAD = "河南豫铝新材料科技股份有限公司"
#: seed 001 二(一): the five criteria of the Henan profile
CRITERIA = (
    "突出战略重点",
    "坚持市场导向",
    "强化顶层设计",
    "牵头单位实力与地位",
    "成员单位构成与水平",
)


def test_henan_journey(live_server, monkeypatch, settings, tmp_path):
    from openpyxl import load_workbook

    from lianmeng.core import clock

    today = clock.beijing_now().date()
    demo_at(
        monkeypatch, settings, tmp_path, datetime.combine(today, time(10, 0), tzinfo=clock.BEIJING)
    )
    year = today.year

    with browser_page() as page:
        j = Journey(page, live_server.url, "henan")

        # the lead unit: its proposal is submitted to this year's call
        j.sign_in("shenbao")
        j.nav("申报管理")
        assert PROPOSAL in j.main_text() and "已提交" in j.main_text()
        j.shot("lead-unit-submitted")

        # 荥阳市科技局 (county) recommends, then downloads its 推荐表
        j.sign_in("xingyang")
        j.open_proposal(PROPOSAL)
        j.shot("county-review")
        assert "已办理“推荐”，当前状态：县级已推荐" in j.fire("推荐", "经审核，同意推荐。")
        j.shot("county-recommended")
        j.nav("推荐与审核")
        j.page.get_by_role("link", name="推荐表", exact=True).click()
        assert f"{year}年度河南省产业技术创新战略联盟推荐表" in j.main_text()
        j.shot("county-table")
        with page.expect_download() as info:
            j.page.get_by_role("link", name="下载 Excel").click()
        xlsx = info.value.path().read_bytes()
        sheet = load_workbook(io.BytesIO(xlsx)).active
        rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
        header = next(i for i, row in enumerate(rows) if row[0] == "序号")
        assert rows[header] == [
            "序号", "联盟名称", "牵头单位", "所属领域", "推荐部门", "成员总数",
            "企业数量", "高校数量", "研究机构数量", "备注",
        ]  # fmt: skip
        assert rows[header + 1][:9] == [1, PROPOSAL, LEAD, "工业", "荥阳市科学技术局", 11, 6, 2, 2]

        # 郑州市科技局 (city) recommends to the province
        j.sign_in("zhengzhou")
        j.open_proposal(PROPOSAL)
        assert "已办理“推荐”，当前状态：已推荐（待受理）" in j.fire("推荐", "同意推荐至省科技厅。")
        j.shot("city-recommended")

        # the first paper day: 河南省科技厅 records the two copies and accepts
        paper_day = datetime.combine(today + timedelta(days=61), time(9, 30), tzinfo=clock.BEIJING)
        pin_clock(monkeypatch, paper_day)
        j.sign_in("henan")
        j.nav("推荐与审核")
        j.page.get_by_role("link", name="受理", exact=True).click()
        j.page.get_by_role("link", name=PROPOSAL).click()
        paper = j.page.locator("form[action$='/paper/']")
        paper.get_by_label("份数").fill("2")
        paper.get_by_label("接收时间").fill(paper_day.strftime("%Y-%m-%dT%H:%M"))
        paper.get_by_role("button", name="登记").click()
        assert "已登记纸质材料 2 份" in j.flash()
        j.shot("province-paper-copies")
        assert "已办理“受理”，当前状态：已受理" in j.fire("受理", "材料齐全，予以受理。")
        assert j.wrapped_nav_labels() == []
        j.shot("province-accepted")

        # a review round with the profile's criteria; two experts assigned automatically
        page.get_by_test_id("review-elsewhere").get_by_role("link", name="前往专家评审").click()
        j.page.get_by_label("政策档案").select_option(label="河南省")
        j.page.get_by_label("申报年度").fill(str(year))
        j.page.get_by_role("button", name="创建").click()
        j.page.get_by_role("heading", name="加入待评审的申报").wait_for()
        assert all(criterion in j.main_text() for criterion in CRITERIA)
        j.page.get_by_label(PROPOSAL, exact=False).check()
        j.page.get_by_role("button", name="加入本轮").click()
        j.page.get_by_role("button", name="自动分配").click()
        detail = page.get_by_role("link", name=PROPOSAL).get_attribute("href")
        proposal_id = int(detail.strip("/").split("/")[-1])
        assigned = j.page.locator("table").filter(has_text=PROPOSAL).inner_text()
        assert "赵专家" in assigned and "孙专家" in assigned and "王专家" not in assigned
        j.shot("province-round-assigned")

        # each expert scores every criterion
        for expert, scores in (
            ("zhuanjia-ly", [88, 85, 80, 90, 86]),
            ("zhuanjia-xx", [82, 84, 78, 88, 80]),
        ):
            j.sign_in(expert)
            score_every_criterion(j, PROPOSAL, scores)
        # the 郑州 expert was kept out, and cannot open the proposal either
        j.sign_in("zhuanjia")
        j.nav("评审任务")
        assert PROPOSAL not in j.main_text()
        j.open(f"/proposals/{proposal_id}/")
        assert page.title().startswith("未找到")

        # the province closes the round and reads the results
        j.sign_in("henan")
        j.nav("专家评审")
        j.page.get_by_role("link", name=f"{year}年度河南省产业技术创新战略联盟专家评审").click()
        j.page.get_by_role("button", name="结束评审").click()
        j.page.get_by_role("button", name="确认结束评审").click()
        j.page.get_by_role("link", name="评审结果与排名").click()
        results = j.main_text()
        assert PROPOSAL in results
        j.shot("province-results")

        # 批准筹建, staged then published
        j.nav("决定")
        j.page.locator("summary").filter(has_text=PROPOSAL).click()
        j.page.get_by_label("批准筹建").check()
        j.page.get_by_label("理由或意见").fill("经专家评审，同意批准筹建。")
        j.page.get_by_role("button", name="暂存决定").click()
        assert "决定已暂存" in j.flash()
        j.shot("province-staged")
        j.page.get_by_role("button", name="发布所选决定").click()
        j.page.get_by_role("button", name="确认发布").click()
        assert "已发布 1 项决定" in j.flash()
        j.shot("province-published")

        # the lead unit is told
        j.sign_in("shenbao")
        assert page.get_by_test_id("unread").text_content().startswith("4")
        j.nav("消息")
        notice = j.main_text()
        assert PROPOSAL in notice and "批准筹建" in notice
        j.shot("lead-unit-notice")

        # the public registry: 筹建中, with the construction deadline a year on
        j.sign_out()
        j.nav("联盟名录")
        row = j.page.locator("tbody tr").filter(has_text=PROPOSAL)
        assert "筹建中" in row.inner_text()
        j.shot("registry")
        row.get_by_role("link").first.click()
        due = paper_day.date().replace(year=paper_day.year + 1)
        assert f"{due.year}年{due.month}月{due.day}日" in j.main_text()
        assert "筹建期限" in j.main_text()
        j.shot("registry-detail")
