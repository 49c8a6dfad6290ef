"""The deadline calendar in a real browser: the lead unit sees its overdue construction period,
creates its personal feed address and a calendar app (here: a plain HTTP request without the
session) reads valid iCalendar from it."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.browser import ARTEFACTS, CHROMIUM, pass_second_factor
from tests.reviews import conftest as reviews
from tests.schedule import conftest as schedule
from tests.schedule.test_feed import parse_ics

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]

# the fixtures of the calendar tests: filed proposals, their lead unit, deadlines, the clock
file_proposal, applicant, at = reviews.file_proposal, reviews.applicant, reviews.at
deadline, beijing = schedule.deadline, reviews.beijing


def test_lead_unit_sees_its_deadlines_and_subscribes(
    browser, live_server, file_proposal, applicant, deadline, at
):
    at(2021, 3, 10, 9)
    proposal = file_proposal("henan")
    lead = applicant(proposal)
    deadline(proposal, beijing(2021, 3, 1, 10))
    deadline(proposal, beijing(2021, 4, 30, 10), kind="annual_report")

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(lead.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    pass_second_factor(page, lead.username)
    page.wait_for_url("**/home/")

    page.get_by_role("link", name="期限日历").first.click()
    page.wait_for_url("**/calendar/")
    assert page.locator("h1").inner_text() == "期限日历"
    rows = page.locator(".deadline-row")
    assert rows.count() == 2
    assert "已逾期" in rows.nth(0).inner_text() and "筹建期满" in rows.nth(0).inner_text()
    assert "年度报告" in rows.nth(1).inner_text()
    assert rows.nth(0).get_by_role("link", name=proposal.name).get_attribute("href") == (
        f"/proposals/{proposal.pk}/"
    )

    page.get_by_role("button", name="生成订阅地址").click()
    address = page.get_by_label("订阅地址").input_value()
    page.screenshot(path=str(ARTEFACTS / "calendar.png"), full_page=True)
    feed_path = address.split("://", 1)[1].split("/", 1)[1]

    anonymous = browser.new_context()
    response = anonymous.request.get(f"{live_server.url}/{feed_path}")
    assert response.status == 200
    events = parse_ics(response.body())
    assert len(events) == 2

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Deadline calendar"
    anonymous.close()
    context.close()
