"""Baoding cancels a filing in the browser (issue 14 item 4, M-35): the city's department picks
ground (二) of 第十三条, writes its reasons, attaches evidence and confirms in the dialog; the
public registry shows 已取消备案 with the date and the ground (not the evidence); the lead unit
finds the notice in its inbox, downloads the notice PDF naming the ground, and the verification
page confirms it. Screenshots in artefacts/ and /tmp/shots/H6/."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium, pdf_text

pytestmark = [pytest.mark.e2e, needs_chromium]

GROUND = "不能按照创新联盟协议（章程）开展创新活动"
NAME = "保定市输变电装备产业技术创新战略联盟"
SHOTS = Path("/tmp/shots/H6")


def test_baoding_department_cancels_a_filing_on_ground_two(
    live_server, monkeypatch, settings, tmp_path
):
    from lianmeng.alliances.models import Alliance, RevocationNotice
    from lianmeng.core import clock

    demo_at(monkeypatch, settings, tmp_path, datetime(2019, 11, 5, 10, 0, tzinfo=clock.BEIJING))
    alliance = Alliance.objects.get(profile="baoding", name=NAME)
    evidence = tmp_path / "核查记录.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    SHOTS.mkdir(parents=True, exist_ok=True)

    with browser_page() as page:
        j = Journey(page, live_server.url, "cancel-baoding")
        j.sign_in("baoding")
        j.open(f"/registry/{alliance.pk}/")
        form = page.get_by_test_id("alliance-action-revoke")
        form.get_by_label("事由").select_option(label=GROUND)
        form.get_by_label("取消备案的理由").fill("联盟两年未召开成员大会，未按协议开展联合攻关。")
        form.get_by_label("证明材料（可选，仅主管部门和牵头单位可见）").set_input_files(
            str(evidence)
        )
        page.screenshot(path=str(SHOTS / "department-form.png"), full_page=True)
        form.get_by_role("button", name="取消备案").click()
        dialog = page.locator("dialog#confirm-revoke")
        dialog.wait_for()
        j.shot("confirm")
        dialog.locator("[data-lm-confirm-ok]").click()
        page.wait_for_load_state()
        assert "已办理" in j.flash()
        assert page.get_by_test_id("alliance-state").inner_text() == "已取消备案"
        ended = page.get_by_test_id("alliance-ended").inner_text()
        assert "2019年11月5日" in ended and GROUND in ended and "核查记录.pdf" in ended
        j.shot("department-done")
        page.screenshot(path=str(SHOTS / "department-done.png"), full_page=True)

        # the public: state, date and ground in the list and on the page, no evidence
        j.sign_out()
        j.open("/registry/?status=revoked")
        row = page.get_by_role("row").filter(has_text=NAME)
        assert "已取消备案" in row.inner_text() and GROUND in row.inner_text()
        assert "2019-11-05" in row.inner_text()
        page.screenshot(path=str(SHOTS / "public-list.png"), full_page=True)
        j.open(f"/registry/{alliance.pk}/")
        text = j.main_text()
        assert GROUND in text and "核查记录.pdf" not in text and "下载《" not in text
        page.screenshot(path=str(SHOTS / "public-detail.png"), full_page=True)

        # the lead unit: the inbox notice, then the notice PDF from the registry page
        j.sign_in("qiantou-bd")
        j.nav("消息")
        inbox = j.main_text()
        assert f"【联盟取消备案】{NAME}" in inbox
        page.screenshot(path=str(SHOTS / "lead-inbox.png"), full_page=True)
        j.open(f"/registry/{alliance.pk}/")
        link = page.get_by_test_id("revocation-notice")
        assert "关于取消" in link.inner_text()
        j.shot("lead-registry")
        pdf = j.get(link.get_attribute("href")).body()
        text = pdf_text(pdf, tmp_path, "revocation-notice-baoding.pdf")
        assert GROUND in text and f"关于取消{NAME}备案的通知" in text

        notice = RevocationNotice.objects.get(alliance=alliance)
        j.open(f"/verify/{notice.verification_code}")
        verified = j.main_text()
        assert "取消备案" in verified and GROUND in verified and NAME in verified
        j.shot("verified")
        page.screenshot(path=str(SHOTS / "verified.png"), full_page=True)
