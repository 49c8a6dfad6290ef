"""The alliance workspace in the browser: the member unit reads it from its home page (phones
masked), the lead unit records a meeting (issue 13 item 3, M-34). Screenshots in artefacts/."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.review_journeys import DEMO_PASSWORD, Journey, browser_page, demo_at, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]


def test_member_reads_and_lead_unit_records_a_meeting(live_server, monkeypatch, settings, tmp_path):
    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.services import user_create

    demo_at(monkeypatch, settings, tmp_path, datetime(2019, 11, 5, 10, 0, tzinfo=clock.BEIJING))
    alliance = Alliance.objects.filter(profile="henan").order_by("pk").first()
    user_create(
        actor=None,
        username="qiantou-e2e",
        password=DEMO_PASSWORD,
        display_name="牵头单位联络员",
        unit=alliance.lead_unit,
        roles=["applicant"],
    )

    with browser_page() as page:
        j = Journey(page, live_server.url, "workspace")
        j.sign_in("chengyuan")
        page.locator("section[aria-labelledby=home-alliances]").get_by_role(
            "link", name=alliance.name
        ).click()
        page.wait_for_load_state()
        text = j.main_text()
        assert "联盟工作台" in text and "成员单位只读" in text
        assert "139****0001" in text and "13903710001" not in text
        assert "年度会员大会" in text and "新增会议记录" not in text
        page.set_viewport_size({"width": 1280, "height": 900})
        j.shot("member-reads")

        j.sign_in("qiantou-e2e")
        j.open(f"/alliances/{alliance.pk}/")
        assert "13903710001" in j.main_text()
        page.get_by_role("link", name="新增会议记录").first.click()
        page.get_by_label("会议类别").select_option("expert_committee")
        page.get_by_label("日期").fill("2019-10-20")
        page.get_by_label("地点").fill("郑州")
        page.get_by_label("出席单位（每行一个）").fill("郑州大学\n河南省科学院")
        page.get_by_label("会议纪要").fill("专家委员会审议联盟技术路线图。")
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state()
        assert "会议记录已保存" in page.locator("body").inner_text()
        assert "专家委员会审议联盟技术路线图。" in j.main_text()
        j.shot("lead-recorded")
        page.set_viewport_size({"width": 390, "height": 844})
        j.open(f"/alliances/{alliance.pk}/")
        j.shot("lead-phone")
