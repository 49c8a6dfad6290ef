"""A Luoyang annual evaluation by the commissioned third-party evaluator (issue 14 acceptance,
洛阳 第九条): the city's department opens the campaign and puts ``pinggu`` on it; pinggu sees only
this campaign's alliances assigned to it and scores them; with no notice period in the profile the
department publishes after verification; the 耐火材料 alliance is graded 不合格, files its
rectification report, fails the re-check and loses its eligibility for support and rewards — the
registry page says so, the alliance keeps its title. Screenshots in artefacts/."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

FAILING = "洛阳市耐火材料产业技术创新战略联盟"
YEAR = 2026


def _advance(j: Journey, label: str) -> None:
    page = j.page
    page.get_by_test_id("campaign-advance").get_by_role("button", name=label).click()
    dialog = page.locator("dialog#confirm-advance")
    dialog.wait_for()
    dialog.locator("[data-lm-confirm-ok]").click()
    page.wait_for_load_state()


def test_luoyang_third_party_campaign_to_loss_of_support(
    live_server, monkeypatch, settings, tmp_path
):
    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.models import User
    from lianmeng.evaluation.models import Campaign, Rectification

    demo_at(monkeypatch, settings, tmp_path, datetime(YEAR, 12, 7, 10, 0, tzinfo=clock.BEIJING))
    failing = Alliance.objects.get(profile="luoyang", name=FAILING)
    henan_campaign = Campaign.objects.get(profile="henan", year=YEAR - 1)
    pinggu = User.objects.get(username="pinggu")

    with browser_page() as page:
        j = Journey(page, live_server.url, "evaluation-luoyang")
        j.sign_in("luoyang")
        j.nav("绩效评价")
        page.get_by_role("link", name="开展绩效评价").click()
        page.get_by_label("评价年度").fill(str(YEAR))
        page.get_by_label("自评截止日期").fill(f"{YEAR}-12-20")
        page.get_by_label("评分截止日期").fill(f"{YEAR}-12-28")
        page.get_by_role("button", name="开展绩效评价").click()
        page.wait_for_load_state()
        campaign = Campaign.objects.get(profile="luoyang", year=YEAR)
        assert campaign.title.startswith("洛阳市科学技术局")
        # provincial and national alliances are graded by their own level (第十条)
        assert all(e.alliance.level == "municipal" for e in campaign.evaluations.all())
        page.get_by_role("link", name="评价人").first.click()
        page.locator("select#user").select_option(value=str(pinggu.pk))
        page.get_by_role("button", name="增加并分配").click()
        page.wait_for_load_state()
        j.shot("third-party-assigned")
        j.open(f"/staff/evaluations/{campaign.pk}/")
        _advance(j, "进入评分阶段")

        # the third party: only its tasks; another campaign's alliance is not there for it
        j.sign_in("pinggu")
        j.nav("评价任务")
        j.shot("tasks")
        henan_row = henan_campaign.evaluations.first()
        response = page.request.get(f"{live_server.url}/evaluator/tasks/{henan_row.pk}/")
        assert response.status == 404
        response = page.request.get(f"{live_server.url}/staff/evaluations/{henan_campaign.pk}/")
        assert response.status in (403, 404) and henan_campaign.title not in response.text()
        while True:
            j.nav("评价任务")
            rows = (
                page.get_by_test_id("evaluation-tasks")
                .locator("tbody tr")
                .filter(has_text=f"{YEAR} 年度")
            )
            open_rows = [r for r in rows.all() if "已提交" not in r.inner_text()]
            if not open_rows:
                break
            value = "45" if FAILING in open_rows[0].inner_text() else "92"
            open_rows[0].get_by_role("link").first.click()
            page.wait_for_load_state()
            for field in page.locator("input[name^=score_]").all():
                field.fill(value)
            page.get_by_role("button", name="提交评分").click()
            page.wait_for_load_state()
            assert "已提交" in j.flash()
        j.shot("scored")

        # the city verifies and publishes (no notice period in Luoyang's measures)
        j.sign_in("luoyang")
        j.open(f"/staff/evaluations/{campaign.pk}/")
        _advance(j, "结束评分并核定")
        row = page.get_by_test_id("campaign-rows").get_by_role("row").filter(has_text=FAILING)
        assert "不合格" in row.inner_text()
        _advance(j, "公布结果")
        assert page.get_by_test_id("campaign-stage").inner_text() == "已公布"
        j.shot("published")

        # the lead unit rectifies
        rect = Rectification.objects.get(alliance=failing)
        j.sign_in("qiantou-ly")
        j.nav("绩效评价")
        page.get_by_role("link", name="整改").first.click()
        page.wait_for_load_state()
        assert "取消其享受扶持与奖励政策的资格" in page.get_by_test_id("warning").inner_text()
        page.get_by_label("整改措施、完成情况和相关证明").fill("已补开理事会，提交年度自评价报告。")
        page.get_by_role("button", name="保存并提交整改报告").click()
        dialog = page.locator("dialog#confirm-submit")
        dialog.wait_for()
        dialog.locator("[data-lm-confirm-ok]").click()
        page.wait_for_load_state()

        # the re-check fails: support withdrawn, title kept
        j.sign_in("luoyang")
        j.open(f"/rectifications/{rect.pk}/")
        form = page.get_by_test_id("recheck-form")
        form.get_by_label("复查不合格").check()
        form.get_by_label("复查意见").fill("理事会仍未召开，年度计划完成不足一半。")
        basis = form.get_by_label("依据")
        if basis.count():
            basis.fill("《洛阳市产业技术创新战略联盟管理办法》第九条，经局务会研究")
        form.get_by_role("button", name="提交复查结论").click()
        page.wait_for_load_state()
        page.locator("main").get_by_role("button", name="复查不合格").click()
        page.wait_for_load_state()
        j.shot("rechecked")
        failing.refresh_from_db()
        assert failing.support_eligible is False and failing.status != "revoked"

        j.sign_out()
        j.open(f"/registry/{failing.pk}/")
        lost = page.get_by_test_id("alliance-support-lost").inner_text()
        assert "已取消享受扶持与奖励政策的资格" in lost and "2026年12月7日" in lost
        j.shot("registry")
