"""A Luoyang annual self-evaluation report in the browser (issue 13 item 5, B-5): the lead unit
fills in the KPI table against the year's plan, one indicator behind plan shows the warning; the
city's department returns it once (the reason is shown to the lead unit), the lead unit revises
and submits again, the department accepts. Screenshots in artefacts/."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.e2e.review_journeys import DEMO_PASSWORD, Journey, browser_page, demo_at, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

PLAN = {"core_breakthroughs": 4, "funding.lead_unit": 200, "talent.phd": 10}


def _alliance_with_plan():
    """A recognised Luoyang alliance whose lead unit has an applicant account, with its 2019
    annual plan filed and accepted (through the services)."""
    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import Jurisdiction, Unit, User
    from lianmeng.core.services import user_create
    from lianmeng.reporting import services
    from tests.conftest import make_uscc

    lead = Unit.objects.create(
        name="洛阳轴承研究所有限公司",
        kind="enterprise",
        uscc=make_uscc("410305", 7),
        region=Jurisdiction.objects.get(code="410305"),
    )
    alliance = Alliance.objects.create(
        profile="luoyang",
        level="municipal",
        name="洛阳市轴承产业技术创新战略联盟",
        domain="industry",
        lead_unit=lead,
        jurisdiction=Jurisdiction.objects.get(code="410300"),
        member_count=12,
        status="recognised",
        decided_on=date(2018, 12, 1),
        authority="洛阳市科学技术局",
    )
    user = user_create(
        actor=None,
        username="qiantou-zc",
        password=DEMO_PASSWORD,
        display_name="轴承联盟联络员",
        unit=lead,
        roles=["applicant"],
    )
    plan = services.report_create(
        actor=user, alliance_id=alliance.pk, kind="annual_plan", year=2019
    )
    plan = services.report_update(
        actor=user,
        report_id=plan.pk,
        revision=plan.revision,
        content={"plan": "2019 年度工作计划：轴承共性技术攻关。", "kpis": PLAN},
    )
    services.report_submit(actor=user, report_id=plan.pk)
    services.report_accept(actor=User.objects.get(username="luoyang"), report_id=plan.pk)
    return alliance


def test_self_evaluation_behind_plan_is_returned_once_then_accepted(
    live_server, monkeypatch, settings, tmp_path
):
    from lianmeng.core import clock
    from lianmeng.reporting.models import Report

    demo_at(monkeypatch, settings, tmp_path, datetime(2020, 1, 20, 10, 0, tzinfo=clock.BEIJING))
    alliance = _alliance_with_plan()

    with browser_page() as page:
        j = Journey(page, live_server.url, "report-luoyang")
        j.sign_in("qiantou-zc")
        j.open(f"/registry/{alliance.pk}/")
        page.get_by_test_id("alliance-link-reports").click()
        page.screenshot(path="/tmp/shots/H2/alliance-reports.png", full_page=True)
        form = page.get_by_test_id("new-self_evaluation")
        form.get_by_label("年度").fill("2019")
        form.get_by_role("button").click()
        page.wait_for_load_state()
        assert "2019 年度工作计划" in j.main_text()  # the plan the table is set against
        page.get_by_label("年度工作计划执行完成情况").fill("完成年度计划的主要任务。")
        page.get_by_label("资金使用情况").fill("经费按计划使用。")
        page.get_by_label("取得的主要创新成效").fill("突破高速轴承寿命预测技术。")
        page.get_by_label("下年度工作计划").fill("继续推进共性技术平台建设。")
        page.get_by_label("取得核心技术突破（项）").fill("1")
        page.get_by_label("实际投入经费 · 牵头单位投入（万元）").fill("210")
        page.get_by_label("人才引进及培养 · 博士（人）").fill("10")
        page.screenshot(path="/tmp/shots/H2/report-form.png", full_page=True)
        page.get_by_role("button", name="保存并去提交").click()
        page.wait_for_load_state()
        warning = page.get_by_test_id("kpi-warning")
        assert "1 项指标滞后于计划" in warning.inner_text()
        assert "取得核心技术突破" in warning.inner_text()
        j.shot("lead-sees-warning")
        page.screenshot(path="/tmp/shots/H2/report-detail-lead.png", full_page=True)
        action = page.get_by_test_id("report-action-submit")
        action.get_by_role("button", name="提交").click()
        page.locator("dialog[open]").get_by_role("button", name="提交").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("report-state").inner_text() == "已提交"

        j.sign_in("luoyang")
        j.open("/staff/reports/?mine=1")
        page.screenshot(path="/tmp/shots/H2/inbox.png", full_page=True)
        page.get_by_role("link", name="洛阳市轴承产业技术创新战略联盟 2019 年度自评价报告").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("kpi-lagging").count() == 1
        j.shot("department-reads-table")
        page.screenshot(path="/tmp/shots/H2/report-detail-department.png", full_page=True)
        back = page.get_by_test_id("report-action-return")
        back.get_by_label("退回或质询的意见").fill("请说明核心技术突破滞后的原因和补救措施。")
        back.get_by_role("button", name="退回（质询）").click()
        page.locator("dialog[open]").get_by_role("button", name="退回（质询）").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("report-state").inner_text() == "已退回"

        j.sign_in("qiantou-zc")
        j.open(f"/reports/{Report.objects.get(alliance=alliance, kind='self_evaluation').pk}/")
        reason = page.get_by_test_id("return-reason").inner_text()
        assert "请说明核心技术突破滞后的原因和补救措施。" in reason
        j.shot("lead-sees-reason")
        page.get_by_role("link", name="修改报告").click()
        page.get_by_label("取得的主要创新成效").fill(
            "突破高速轴承寿命预测技术；另两项突破因设备到货推迟，计划于次年一季度完成。"
        )
        page.get_by_role("button", name="保存并去提交").click()
        page.wait_for_load_state()
        page.get_by_test_id("report-action-submit").get_by_role("button", name="提交").click()
        page.locator("dialog[open]").get_by_role("button", name="提交").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("report-state").inner_text() == "已提交"

        j.sign_in("luoyang")
        j.open(f"/reports/{Report.objects.get(alliance=alliance, kind='self_evaluation').pk}/")
        accept = page.get_by_test_id("report-action-accept")
        accept.get_by_label("审核意见").fill("同意。请按计划推进。")
        accept.get_by_role("button", name="接受").click()
        page.locator("dialog[open]").get_by_role("button", name="接受").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("report-state").inner_text() == "已接受"
        history = page.locator("#h-history").locator("xpath=../..").inner_text()
        assert history.count("提交") >= 2 and "退回（质询）" in history
        j.shot("accepted")
        # the department's alliance list flags the alliance
        j.open("/registry/?kpi_warning=on")
        assert "1 项滞后" in j.main_text()
        page.screenshot(path="/tmp/shots/H2/registry-flag.png", full_page=True)
        j.open(f"/registry/{alliance.pk}/")
        assert page.get_by_test_id("alliance-kpi-warning").count() == 1
        page.screenshot(path="/tmp/shots/H2/registry-detail.png", full_page=True)
        j.open(f"/alliances/{alliance.pk}/")
        assert "联盟报告" in j.main_text()
        page.screenshot(path="/tmp/shots/H2/workspace-department.png", full_page=True)

    report = Report.objects.get(alliance=alliance, kind="self_evaluation")
    assert report.status == "accepted" and report.warning_count == 1
