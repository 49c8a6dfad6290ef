"""A 公示 from the public's objection to the decision taking effect (issue 16 point 4,
acceptance): a visitor, not signed in, opens the Luoyang 公示 of the demo, types the captcha
(a wrong answer first: refused, nothing saved, what was typed kept) and files an objection,
receiving a reference number; the city's department (``luoyang``) sees it from the home page,
"决定生效" stays disabled with the reason during the period and while objections are open;
after the last day and once both objections are answered the decision takes effect.
Screenshots (the public notice page with its captcha) in artefacts/."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.e2e.browser import ARTEFACTS
from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium, pin_clock

pytestmark = [pytest.mark.e2e, needs_chromium]

ANSWER = "H4NX7"


def _confirm(page, dialog_id: str) -> None:
    dialog = page.locator(f"dialog#{dialog_id}")
    dialog.wait_for()
    dialog.locator("[data-lm-confirm-ok]").click()
    page.wait_for_load_state()


def test_objection_in_the_browser_blocks_the_decision(live_server, monkeypatch, settings, tmp_path):
    from django.core.cache import cache

    from lianmeng.core import clock
    from lianmeng.notices import captcha
    from lianmeng.notices.demo import LUOYANG_TITLE, load_demo_notices
    from lianmeng.notices.models import Announcement, Objection

    moment = datetime(2026, 3, 2, 10, 0, tzinfo=clock.BEIJING)
    demo_at(monkeypatch, settings, tmp_path, moment)
    list(load_demo_notices())  # idempotent: the lead also hooks it into the demo
    cache.clear()
    monkeypatch.setattr(captcha, "random_answer", lambda: ANSWER)
    notice = Announcement.objects.get(title=LUOYANG_TITLE)

    with browser_page() as page:
        j = Journey(page, live_server.url, "notices-luoyang")

        # the public: the list, the 公示 with its state and the objection form
        j.open("/notices/")
        page.get_by_label("只看公示中").check()
        page.get_by_role("button", name="筛选").click()
        page.get_by_role("link", name=LUOYANG_TITLE).click()
        assert page.get_by_test_id("notice-state").inner_text() == "公示中"
        page.get_by_test_id("captcha-image").wait_for()
        # the click returns once the page is committed, not when its images are loaded: wait for
        # the captcha to be decoded (it stays at width 0 if the image is broken, and this times out)
        page.wait_for_function(
            "() => { const i = document.getElementById('captcha-image'); "
            "return i.complete && i.naturalWidth > 0; }"
        )
        assert page.evaluate("document.getElementById('captcha-image').naturalWidth") == 160
        j.shot("public-notice")
        page.get_by_test_id("captcha-image").screenshot(
            path=str(ARTEFACTS / "journey-notices-luoyang-captcha.png")
        )
        page.get_by_label("异议人（姓名或单位名称）").fill("洛阳某机械有限公司")
        page.get_by_label("联系方式（电话或电子邮箱）").fill("0379-12345678")
        page.get_by_label("异议内容和理由").fill("名单中第二个联盟的牵头单位不在洛阳市注册。")
        page.get_by_label("验证码").fill("WRONG")
        page.get_by_role("button", name="提交异议").click()
        page.wait_for_load_state()
        assert "验证码不正确" in page.get_by_test_id("objection-error").inner_text()
        assert page.get_by_label("异议内容和理由").input_value().startswith("名单中第二个联盟")
        assert Objection.objects.filter(announcement=notice).count() == 1  # the demo's own
        page.get_by_role("link", name="换一张").click()
        page.get_by_label("验证码").fill(ANSWER.lower())
        page.get_by_role("button", name="提交异议").click()
        page.wait_for_load_state()
        reference = page.get_by_test_id("objection-reference").inner_text()
        assert reference.startswith("GS-20260302-")
        j.shot("receipt")

        # the department: the home page says so; 决定生效 is disabled with the reason
        j.sign_in("luoyang")
        page.get_by_test_id("alliance-work").get_by_role("link", name="公示异议待处理").click()
        page.get_by_role("link", name=LUOYANG_TITLE).click()
        assert "待处理 2 条 / 共 2 条" in page.get_by_test_id("objection-counts").inner_text()
        effect = page.get_by_role("button", name="决定生效")
        assert effect.is_disabled()
        assert "公示期满" in page.get_by_test_id("effect-blocker").inner_text()
        j.shot("staff-blocked-period")

        # after the last day, objections still open: still disabled, says how many
        pin_clock(monkeypatch, moment + timedelta(days=10))
        page.reload()
        assert page.get_by_role("button", name="决定生效").is_disabled()
        assert "2 条异议待处理" in page.get_by_test_id("effect-blocker").inner_text()
        page.get_by_test_id("objection-counts").click()
        assert reference in page.locator("main").inner_text()
        for _ in range(2):
            page.get_by_role("link", name="处理").first.click()
            page.get_by_label("处理意见（核查情况和结论，将答复异议人）").fill(
                "经核实，情况属实，已更正。"
            )
            page.get_by_role("button", name="记录处理意见").click()
            page.wait_for_load_state()
        assert not Objection.objects.filter(announcement=notice, status="open").exists()
        j.shot("objections-handled")

        j.open(f"/staff/notices/{notice.pk}/")
        page.get_by_role("button", name="决定生效").click()
        _confirm(page, "confirm-effect")
        assert "决定已生效" in page.locator("main").inner_text()
        j.shot("effective")
    notice.refresh_from_db()
    assert notice.effective_at is not None
