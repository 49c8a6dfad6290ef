"""A lead unit's staff in Debian's chromium: open the call, submit once, get the PDF, verify it.

Screenshots go to tests/e2e/artefacts/ (git-ignored).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.e2e.browser import ARTEFACTS, CHROMIUM

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "henan-valid.json"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTEFACTS / f"submission-{name}.png"), full_page=True)


def test_lead_unit_submits_once_and_the_copy_verifies(
    page, live_server, make_user, settings, tmp_path
):
    from lianmeng.calls.services import call_create, call_publish
    from lianmeng.core import clock
    from lianmeng.core.roles import Role
    from lianmeng.proposals.models import ProposalVersion
    from lianmeng.proposals.services import proposal_import

    settings.MEDIA_ROOT = tmp_path / "files"
    today = clock.beijing_now().date()
    call = call_create(
        actor=None,
        jurisdiction="410000",
        profile="henan",
        year=today.year,
        title=f"关于组织申报{today.year}年河南省产业技术创新战略联盟的通知",
        online_opens=today - timedelta(days=1),
        online_closes=today + timedelta(days=30),
        focus_areas=["新材料"],
        required_materials=[
            "proposal_form",
            "feasibility_report",
            "recommendation_form",
            "agreement",
        ],
    )
    call_publish(actor=None, pk=call.pk)
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document.pop("submitted_at")
    proposal = proposal_import(actor=None, document=document)
    proposal.call = call
    proposal.save(update_fields=["call"])
    user = make_user([Role.APPLICANT], unit=proposal.lead_unit)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/home/")

    page.goto(live_server.url + "/calls/")
    page.get_by_role("link", name=call.title).click()
    assert page.get_by_role("button", name="在线申报").is_visible()
    _shot(page, "call")

    page.goto(f"{live_server.url}/proposals/{proposal.pk}/submit/")
    assert page.get_by_test_id("time-left").inner_text().startswith("还剩")
    _shot(page, "submit")
    button = page.locator("#submit-form button[type=submit]")
    button.click()
    page.wait_for_url(f"**/proposals/{proposal.pk}/versions/1/")
    assert "提交成功" in page.locator("main").inner_text()
    _shot(page, "version")
    assert ProposalVersion.objects.filter(proposal=proposal).count() == 1

    pdf = page.request.get(f"{live_server.url}/proposals/{proposal.pk}/versions/1/pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    code = ProposalVersion.objects.get(proposal=proposal).verification_code
    page.goto(f"{live_server.url}/verify/{code}")
    assert "核验码有效" in page.locator("main").inner_text()
    _shot(page, "verify")
