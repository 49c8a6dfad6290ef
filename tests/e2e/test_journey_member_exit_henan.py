"""A member exit drops a Henan alliance to 9 members (issue 13 item 4, M-31): the lead unit files
it from the workspace and is warned on the page, with the citation of the 10-member rule; the
province sees the warning on the filing, in its list and in its messages, and acknowledges
(知悉) it. Screenshots in artefacts/ (journey-member-exit-…)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.review_journeys import DEMO_PASSWORD, Journey, browser_page, demo_at, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

ENTERPRISES = [f"小麦加工配套企业{i}" for i in range(1, 8)]


def _ten_members(alliance) -> None:
    from lianmeng.running.models import Member
    from lianmeng.running.services import workspace_ensure
    from tests.conftest import make_uscc

    workspace = workspace_ensure(alliance=alliance)
    workspace.members.all().delete()
    lead = alliance.lead_unit
    rows = [(lead.name, lead.uscc or make_uscc("410100"), "enterprise", "lead")]
    rows += [("河南农业工学院", make_uscc("410100"), "university", "member")]
    rows += [("河南省小麦研究所", make_uscc("410100"), "research_institute", "member")]
    rows += [(name, make_uscc("410100"), "enterprise", "member") for name in ENTERPRISES]
    Member.objects.bulk_create(
        Member(workspace=workspace, name=n, uscc=u, kind=k, role=r, joined_on=alliance.decided_on)
        for n, u, k, r in rows
    )


def test_member_exit_to_nine_warns_both_sides(live_server, monkeypatch, settings, tmp_path):
    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.services import user_create

    demo_at(monkeypatch, settings, tmp_path, datetime(2024, 5, 20, 10, 0, tzinfo=clock.BEIJING))
    alliance = Alliance.objects.get(profile="henan", name__contains="小麦")
    _ten_members(alliance)
    user_create(
        actor=None,
        username="xiaomai-e2e",
        password=DEMO_PASSWORD,
        display_name="小麦联盟秘书处",
        unit=alliance.lead_unit,
        roles=["applicant"],
    )

    with browser_page() as page:
        j = Journey(page, live_server.url, "member-exit")
        j.sign_in("xiaomai-e2e")
        j.open(f"/alliances/{alliance.pk}/")
        assert "现有 10 家" in j.main_text()
        page.get_by_role("link", name="成员退出").click()
        page.get_by_label("退出的成员单位").select_option(label="小麦加工配套企业4（企业）")
        page.get_by_label("退出日期").fill("2024-05-18")
        page.get_by_label("退出原因").fill("企业转产，不再从事小麦加工")
        j.shot("lead-files-exit")
        page.get_by_role("button", name="报送").click()
        page.wait_for_load_state()
        warning = page.get_by_test_id("eligibility-warning").inner_text()
        assert "不再符合" in warning and "9 家" in warning and "少于 10 家" in warning
        assert "《关于组织申报2020年河南省产业技术创新战略联盟的通知》二(一)2(3)" in warning
        assert page.get_by_test_id("member-count").inner_text() == "10 → 9"
        assert page.get_by_test_id("change-state").inner_text() == "待知悉"
        j.shot("lead-warned")
        j.open(f"/alliances/{alliance.pk}/")
        text = j.main_text()
        assert "现有 9 家" in text and "资格预警" in text and "企业转产" in text

        j.sign_in("henan")
        page.get_by_role("link", name="联盟变更备案").click()
        page.wait_for_load_state()
        row = page.get_by_test_id("change-row").filter(has_text=alliance.name)
        assert "资格预警" in row.inner_text() and "二(一)2(3)" in row.inner_text()
        page.get_by_label("资格预警").select_option("yes")
        page.get_by_role("button", name="筛选").click()
        page.wait_for_load_state()
        assert alliance.name in j.main_text()
        j.shot("department-list")
        j.nav("消息")
        notes = j.main_text()
        assert "不再符合" in notes and "二(一)2(3)" in notes
        j.shot("department-notice")
        j.open("/alliances/changes/")
        row = page.get_by_test_id("change-row").filter(has_text=alliance.name)
        row.get_by_role("link", name=alliance.name).click()
        page.wait_for_load_state()
        assert "二(一)2(3)" in page.get_by_test_id("eligibility-warning").inner_text()
        form = page.get_by_test_id("change-action-accept")
        form.locator("textarea[name=reason]").fill("已知悉，请尽快补充成员单位。")
        form.get_by_role("button", name="知悉").click()
        page.wait_for_load_state()
        assert "已知悉" in j.main_text()
        assert page.get_by_test_id("change-state").inner_text() == "已知悉"
        j.shot("department-acknowledged")
