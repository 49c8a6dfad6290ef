"""The report pages as each kind of viewer sees them: the lead unit fills in the form generated
from the profile, submits with the confirmation; the city's department reads the KPI table set
against the plan and returns or accepts; others get 404. Lists make a constant number of
queries."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from lianmeng.core import clock
from tests.reporting.conftest import filed_plan, self_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _january_2020(monkeypatch):
    moment = datetime(2020, 1, 20, 10, 0, tzinfo=clock.BEIJING)
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_lead_unit_fills_in_the_form_and_submits_with_confirmation(client, login, world):
    filed_plan(world)
    login(world.lead_user)
    response = client.post(
        reverse("reporting:report_new", args=[world.alliance.pk]),
        {"kind": "self_evaluation", "year": "2019"},
    )
    edit_url = response["Location"]
    page = client.get(edit_url).content.decode()
    # the form follows the profile's fields; the KPI table shows the year's plan
    for label in (
        "年度工作计划执行完成情况",
        "资金使用情况",
        "取得核心技术突破（项）",
        "2019 年度工作计划",
    ):
        assert label in page
    from lianmeng.reporting.models import Report

    report = Report.objects.get(kind="self_evaluation")
    data = {
        "revision": str(report.revision),
        "f_plan_completion": "完成",
        "f_funds_use": "按计划",
        "f_main_results": "成效",
        "f_next_year_plan": "计划",
        "kpi_kpis__core_breakthroughs": "1",
        "kpi_kpis__funding.lead_unit": "210",
        "kpi_kpis__talent.phd": "10",
    }
    assert client.post(edit_url, data).status_code == 302
    page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert "滞后于计划" in page and "绩效预警" in page
    # the basis is named as people name it: the measures' title and article, no file name
    assert "依据：《洛阳市产业技术创新战略联盟构建和发展实施办法》第八条(三)" in page
    assert ".txt" not in page
    submit = reverse("reporting:report_transition", args=[report.pk, "submit"])
    # without confirmation: the question, nothing changes
    asked = client.post(submit, {"reason": ""})
    assert asked.status_code == 200 and "确认提交" in asked.content.decode()
    report.refresh_from_db()
    assert report.status == "draft"
    assert client.post(submit, {"confirmed": "1"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    # a second click is harmless: refused with a message, nothing changes
    client.post(submit, {"confirmed": "1"})
    report.refresh_from_db()
    assert report.status == "submitted"


def test_department_reads_the_table_and_returns_with_a_reason(client, login, world):
    from lianmeng.reporting import services

    filed_plan(world)
    report = self_evaluation(world)
    services.report_submit(actor=world.lead_user, report_id=report.pk)
    login(world.luoyang)
    page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert "取得核心技术突破（项）" in page and "滞后于计划" in page
    assert "退回（质询）" in page and "接受" in page
    back = reverse("reporting:report_transition", args=[report.pk, "return"])
    client.post(back, {"reason": "请说明核心技术突破滞后的原因", "confirmed": "1"})
    report.refresh_from_db()
    assert report.status == "returned"
    client.logout()
    login(world.lead_user)
    page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert "请说明核心技术突破滞后的原因" in page and "修改报告" in page
    # patents and standards of the year are reported in the patent pool, one click away
    assert f'href="{reverse("ipbase:alliance", args=[report.alliance_id])}"' in page


def test_another_jurisdiction_and_other_units_get_404(client, login, world):
    from lianmeng.reporting import services

    report = self_evaluation(world)
    services.report_submit(actor=world.lead_user, report_id=report.pk)
    for user in (world.baoding, world.outsider_user, world.bd_lead_user):
        client.logout()
        login(user)
        for url in (
            reverse("reporting:report_detail", args=[report.pk]),
            reverse("reporting:alliance_reports", args=[world.alliance.pk]),
        ):
            assert client.get(url).status_code == 404, (user, url)
    client.logout()
    login(world.henan)  # the province reads, but does not decide (the city does)
    page = client.get(reverse("reporting:report_detail", args=[report.pk]))
    assert (
        page.status_code == 200
        and 'data-testid="report-action-accept"' not in page.content.decode()
    )


def test_a_draft_is_not_shown_to_the_department(client, login, world):
    report = self_evaluation(world)
    login(world.luoyang)
    assert client.get(reverse("reporting:report_detail", args=[report.pk])).status_code == 404


def _many(world, n):
    from lianmeng.alliances.models import Alliance
    from lianmeng.reporting.models import Report

    for i in range(n):
        alliance = Alliance.objects.create(
            profile="luoyang",
            level="municipal",
            name=f"洛阳测试联盟{i}",
            lead_unit=world.alliance.lead_unit,
            jurisdiction=world.alliance.jurisdiction,
            status="recognised",
            decided_on=world.alliance.decided_on,
            kpi_warning_count=i % 3,
        )
        Report.objects.create(
            alliance=alliance,
            profile="luoyang",
            kind="self_evaluation",
            year=2019,
            status="submitted",
            region=world.alliance.lead_unit.region,
            lead_unit=world.alliance.lead_unit,
            created_at=clock.now(),
            submitted_at=clock.now(),
            warning_count=i % 3,
        )


@pytest.mark.parametrize("n", [3, 30])
def test_the_inbox_makes_a_constant_number_of_queries(
    client, login, world, n, django_assert_max_num_queries
):
    _many(world, n)
    login(world.luoyang)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("reporting:inbox"), {"warning": "1", "profile": "luoyang"})
    assert page.status_code == 200 and "洛阳测试联盟1" in page.content.decode()
    with django_assert_max_num_queries(14):
        client.get(reverse("reporting:inbox"), {"mine": "1"})


@pytest.mark.parametrize("n", [3, 30])
def test_the_departments_alliance_list_flags_warnings_in_constant_queries(
    client, login, world, n, django_assert_max_num_queries
):
    _many(world, n)
    login(world.luoyang)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("alliances:registry"), {"kpi_warning": "on"})
    text = page.content.decode()
    assert "绩效预警" in text and "项滞后" in text
    assert "洛阳测试联盟0<" not in text  # no warning: filtered out
    client.logout()
    public = client.get(reverse("alliances:registry"), {"kpi_warning": "on"}).content.decode()
    assert "项滞后" not in public and "洛阳测试联盟" in public


def test_inbox_export_is_an_xlsx(client, login, world):
    _many(world, 2)
    login(world.luoyang)
    response = client.get(reverse("reporting:inbox_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_registry_page_and_the_workspace_show_the_warning(client, login, world):
    from lianmeng.reporting import services

    filed_plan(world)
    report = self_evaluation(world)
    services.report_submit(actor=world.lead_user, report_id=report.pk)
    login(world.luoyang)
    detail = client.get(reverse("alliances:registry_detail", args=[world.alliance.pk]))
    assert "alliance-kpi-warning" in detail.content.decode()
    workspace = client.get(reverse("running:workspace", args=[world.alliance.pk]))
    assert "滞后于计划" in workspace.content.decode()
    client.logout()
    public = client.get(reverse("alliances:registry_detail", args=[world.alliance.pk]))
    assert "alliance-kpi-warning" not in public.content.decode()
