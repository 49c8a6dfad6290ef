"""Screens of an expired policy (issue 11): the call list showing a call under the expired
Luoyang 办法 as 政策已失效, the editor's banner on a returned Luoyang proposal, and the 办理 page
asking for the 依据 — with the demo data loaded today (both 办法 have expired)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

SHOTS = Path(os.environ.get("LIANMENG_VALIDITY_SHOTS", "/tmp/validity"))


def test_expired_policy_screens(live_server, monkeypatch, settings, tmp_path):
    from lianmeng.calls.models import Call
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction
    from lianmeng.proposals.models import Proposal

    now = clock.now()
    demo_at(monkeypatch, settings, tmp_path, now)
    assert not Call.objects.filter(profile="luoyang").exists()  # none opened under it
    # a call made before validity was enforced, open today under the expired 办法
    Call.objects.create(
        profile="luoyang",
        jurisdiction=Jurisdiction.objects.get(code="410300"),
        year=now.year,
        title=f"关于组织申报{now.year}年洛阳市产业技术创新战略联盟的通知",
        online_opens_at=now - timedelta(days=30),
        online_closes_at=now + timedelta(days=30),
        status=Call.Status.PUBLISHED,
        published_at=now - timedelta(days=30),
    )
    luoyang = Proposal.objects.filter(profile="luoyang").first()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page() as page:
        j = Journey(page, live_server.url, "validity")
        j.open("/calls/")
        assert "政策已失效" in page.content()
        page.screenshot(path=str(SHOTS / "calls-list.png"), full_page=True)

        j.sign_in("jianxi")
        j.open(f"/reviews/proposals/{luoyang.pk}/")
        assert page.get_by_test_id("policy-lapse").is_visible()
        page.screenshot(path=str(SHOTS / "review-basis.png"), full_page=True)

        Proposal.objects.filter(pk=luoyang.pk).update(status=Proposal.Status.RETURNED)
        j.sign_in("shenbao-ly")
        j.open(f"/proposals/{luoyang.pk}/edit/section/facts/")
        banner = page.get_by_test_id("policy-lapse")
        assert "洛政办〔2018〕54号" in banner.inner_text()
        page.screenshot(path=str(SHOTS / "editor-banner.png"), full_page=False)
        j.open(f"/proposals/{luoyang.pk}/submit/")
        page.screenshot(path=str(SHOTS / "submit-refusal.png"), full_page=True)

        Proposal.objects.filter(profile="baoding").update(status="recommended")
        j.sign_in("baoding")
        j.open("/staff/decisions/")
        page.locator("details summary").first.click()
        assert page.get_by_test_id("decision-basis").is_visible()
        page.screenshot(path=str(SHOTS / "decisions.png"), full_page=True)

        page.locator("header").get_by_role("button", name="English").click()
        page.wait_for_load_state()
        j.open("/calls/")
        assert "Policy expired" in page.content()
        page.screenshot(path=str(SHOTS / "calls-list-en.png"), full_page=True)
