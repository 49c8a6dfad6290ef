"""A Henan annual evaluation in the browser (issue 14 acceptance): the province opens the
campaign, the lead unit files its self-evaluation pre-filled from its reports, two experts of the
province's pool score every alliance assigned to them, the department ranks and verifies (the
score distribution on the page), the results go on public notice, and are published once the
7-day notice is over. The 耐火材料 alliance is graded 不合格: its lead unit is warned, files its
rectification report, the province's re-check fails, and the title is revoked — the public
registry shows 已撤销 with the date and the reason. Screenshots in artefacts/."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.e2e.review_journeys import (
    Journey,
    browser_page,
    demo_at,
    needs_chromium,
    pdf_text,
    pin_clock,
)

pytestmark = [pytest.mark.e2e, needs_chromium]

FAILING = "河南省新型耐火材料产业技术创新战略联盟"
EXPERTS = ("zhuanjia-ly", "zhuanjia-xx")
YEAR = 2026


def _advance(j: Journey, label: str) -> str:
    page = j.page
    form = page.get_by_test_id("campaign-advance")
    form.get_by_role("button", name=label).click()
    dialog = page.locator("dialog#confirm-advance")
    dialog.wait_for()
    dialog.locator("[data-lm-confirm-ok]").click()
    page.wait_for_load_state()
    return j.flash()


def _score_all(j: Journey, low: str, high: str) -> int:
    """The signed-in expert scores every open task: the failing alliance low, others high."""
    page = j.page
    done = 0
    while True:
        j.nav("评价任务")
        rows = (
            page.get_by_test_id("evaluation-tasks")
            .locator("tbody tr")
            .filter(has_text=f"{YEAR} 年度")
        )
        open_rows = [r for r in rows.all() if "已提交" not in r.inner_text()]
        if not open_rows:
            return done
        value = low if FAILING in open_rows[0].inner_text() else high
        open_rows[0].get_by_role("link").first.click()
        page.wait_for_load_state()
        for field in page.locator("input[name^=score_]").all():
            field.fill(value)
        page.locator("textarea[name^=comment_]").first.fill("依据年度报告和会议记录评分。")
        page.get_by_role("button", name="提交评分").click()
        page.wait_for_load_state()
        assert "已提交" in j.flash()
        done += 1


def test_henan_campaign_to_revoked_title(live_server, monkeypatch, settings, tmp_path):
    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.evaluation.models import Campaign, Rectification

    start = datetime(YEAR, 12, 7, 10, 0, tzinfo=clock.BEIJING)
    demo_at(monkeypatch, settings, tmp_path, start)
    failing = Alliance.objects.get(profile="henan", name=FAILING)

    with browser_page() as page:
        j = Journey(page, live_server.url, "evaluation-henan")

        # the province opens the campaign
        j.sign_in("henan")
        j.nav("绩效评价")
        page.get_by_role("link", name="开展绩效评价").click()
        page.get_by_label("评价年度").fill(str(YEAR))
        page.get_by_label("自评截止日期").fill(f"{YEAR}-12-20")
        page.get_by_label("评分截止日期").fill(f"{YEAR}-12-28")
        j.shot("open-form")
        page.get_by_role("button", name="开展绩效评价").click()
        page.wait_for_load_state()
        campaign = Campaign.objects.get(profile="henan", year=YEAR)
        assert page.get_by_test_id("campaign-stage").inner_text() == "联盟自评"
        assert FAILING in j.main_text()

        # two experts of the province's pool, assigned to every alliance they have no conflict with
        page.get_by_role("link", name="评价人").first.click()
        for username in EXPERTS:
            from lianmeng.core.models import User

            expert = User.objects.get(username=username)
            page.locator("select#user").select_option(value=str(expert.pk))
            page.get_by_role("button", name="增加并分配").click()
            page.wait_for_load_state()
            assert "分配" in j.flash()
        assert page.get_by_test_id("seats").locator("tbody tr").count() == 2
        j.shot("evaluators")

        # the lead unit files its self-evaluation, pre-filled from its reports
        j.sign_in("rending")
        j.nav("绩效评价")
        page.get_by_role("link", name="填写自评").first.click()
        page.wait_for_load_state()
        for field in page.locator("input[name^=score_]").all():
            if not field.input_value():
                field.fill("70")
        page.locator("textarea[name^=statement_]").first.fill(
            "已按建议书开展合作创新，详见年度报告。"
        )
        j.shot("self-evaluation")
        page.get_by_role("button", name="提交自评").click()
        page.wait_for_load_state()
        assert "已提交" in j.flash()

        # scoring
        j.sign_in("henan")
        j.open(f"/staff/evaluations/{campaign.pk}/")
        _advance(j, "进入评分阶段")
        assert page.get_by_test_id("campaign-stage").inner_text() == "评价人评分"
        for username in EXPERTS:
            j.sign_in(username)
            assert _score_all(j, low="40", high="88") >= 1
            j.shot(f"scored-{username}")

        # verification: the distribution, then the public notice
        j.sign_in("henan")
        j.open(f"/staff/evaluations/{campaign.pk}/")
        _advance(j, "结束评分并核定")
        assert page.get_by_test_id("campaign-stage").inner_text() == "主管部门核定"
        distribution = page.get_by_test_id("campaign-distribution").inner_text()
        assert "不合格" in distribution and "良好" in distribution
        row = page.get_by_test_id("campaign-rows").get_by_role("row").filter(has_text=FAILING)
        assert "不合格" in row.inner_text()
        j.shot("verifying")
        _advance(j, "开始公示")
        assert page.get_by_test_id("campaign-stage").inner_text() == "结果公示"
        campaign.refresh_from_db()
        assert campaign.notice_ends_on == (start + timedelta(days=6)).date()

        # the public notice, anonymous
        j.sign_out()
        j.open(f"/notices/evaluations/{campaign.pk}/")
        notice = j.main_text()
        assert FAILING in notice and "公示" in notice
        j.shot("public-notice")

        # publication is refused during the notice, allowed after it
        j.sign_in("henan")
        j.open(f"/staff/evaluations/{campaign.pk}/")
        _advance(j, "公布结果")
        assert "公示期满后" in j.main_text()
        pin_clock(monkeypatch, start + timedelta(days=8))
        j.open(f"/staff/evaluations/{campaign.pk}/")
        _advance(j, "公布结果")
        assert page.get_by_test_id("campaign-stage").inner_text() == "已公布"
        j.shot("published")

        # the lead unit is warned, reads the warning and files its rectification report
        rect = Rectification.objects.get(alliance=failing)
        j.sign_in("rending")
        j.nav("消息")
        assert f"【绩效评价警告】{FAILING}须限期整改" in j.main_text()
        j.open(f"/rectifications/{rect.pk}/")
        warning = page.get_by_test_id("warning").inner_text()
        assert "不合格" in warning and "取消其河南省产业技术创新战略联盟资格" in warning
        pdf = j.get(f"/rectifications/{rect.pk}/warning.pdf").body()
        assert FAILING in pdf_text(pdf, tmp_path, "warning-henan.pdf").replace("\n", "")
        page.get_by_label("整改措施、完成情况和相关证明").fill(
            "已召开理事会，补报年度报告；合作项目正在推进。"
        )
        page.get_by_role("button", name="保存并提交整改报告").click()
        dialog = page.locator("dialog#confirm-submit")
        dialog.wait_for()
        dialog.locator("[data-lm-confirm-ok]").click()
        page.wait_for_load_state()
        j.shot("rectification-filed")

        # the re-check fails: the title is revoked
        j.sign_in("henan")
        j.nav("整改")
        page.get_by_role("link", name=FAILING).first.click()
        page.wait_for_load_state()
        assert (
            "取消其河南省产业技术创新战略联盟资格"
            in page.get_by_test_id("consequence").inner_text()
        )
        form = page.get_by_test_id("recheck-form")
        form.get_by_label("复查不合格").check()
        form.get_by_label("复查意见").fill("合作项目仍未启动，主要绩效指标完成不足三成。")
        basis = form.get_by_label("依据")
        if basis.count():
            basis.fill("《河南省产业技术创新战略联盟构建与发展实施办法》五(三)")
        form.get_by_role("button", name="提交复查结论").click()
        page.wait_for_load_state()
        # the confirmation names the consequence before it is done
        assert "取消其河南省产业技术创新战略联盟资格" in j.main_text()
        j.shot("recheck-confirm")
        page.locator("main").get_by_role("button", name="复查不合格").click()
        page.wait_for_load_state()
        j.shot("rechecked")
        failing.refresh_from_db()
        assert failing.status == "revoked"

        # the public registry shows it with date and reason
        j.sign_out()
        j.open(f"/registry/{failing.pk}/")
        ended = page.get_by_test_id("alliance-ended").inner_text()
        assert "已撤销" in page.get_by_test_id("alliance-state").inner_text()
        assert f"{YEAR}年12月15日" in ended and "整改不合格" in ended
        j.shot("registry")
