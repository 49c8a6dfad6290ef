"""A member unit confirms online that it joins the alliance (and that its legal representative
signed the agreement), from its home page; the lead unit sees it in its roster (issue 11).

The demo's Henan example is already submitted (no more online confirmation), so the lead unit
has a second proposal in preparation that lists the same member unit, as after it imported
its roster. The clock is pinned inside every demo profile's validity (as the Luoyang journey).
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

DRAFT = "河南省铝基新材料循环利用产业技术创新战略联盟"


def _draft_listing_the_member() -> tuple[int, str]:
    """A draft of shenbao's unit whose roster lists chengyuan's unit, signature not yet known."""
    from lianmeng.core.models import User
    from lianmeng.demo import _example
    from lianmeng.proposals.roster_fields import member_code
    from lianmeng.proposals.services import proposal_import

    member_unit = User.objects.get(username="chengyuan").unit
    document = _example("henan")
    document["name"] = DRAFT
    document.pop("submitted_at", None)
    for member in document["members"]:
        if member.get("uscc") == member_unit.uscc:
            member.pop("signed_agreement", None)
            code = member_code(member)
    proposal = proposal_import(actor=None, document=document)
    assert proposal.status == "draft"
    assert proposal.lead_unit == User.objects.get(username="shenbao").unit
    return proposal.pk, code


def test_member_confirms_online_and_the_lead_unit_sees_it(
    live_server, monkeypatch, settings, tmp_path
):
    from lianmeng.core import clock
    from lianmeng.core.models import AuditEntry
    from lianmeng.proposals.models import MemberConfirmation

    demo_at(monkeypatch, settings, tmp_path, datetime(2019, 11, 5, 10, 0, tzinfo=clock.BEIJING))
    pk, code = _draft_listing_the_member()

    with browser_page() as page:
        j = Journey(page, live_server.url, "member-confirm")

        # the member unit: its home lists the proposals naming it, with the confirmation form
        j.sign_in("chengyuan")
        card = page.locator(f"#membership-{pk}")
        assert DRAFT in card.inner_text()
        assert "待确认" in j.main_text()
        j.shot("member-home")
        card.get_by_label("本单位法定代表人已签署联盟协议").check()
        card.get_by_role("button", name="确认加入联盟").click()
        assert "已确认加入联盟，并确认法定代表人已签署联盟协议" in j.flash()
        card = page.locator(f"#membership-{pk}")
        assert "确认加入" in card.inner_text() and "并确认法定代表人已签署协议" in card.inner_text()
        assert card.get_by_role("button").count() == 0  # nothing left to confirm
        j.shot("member-confirmed")

        confirmation = MemberConfirmation.objects.get(proposal_id=pk, member_code=code)
        assert confirmation.signature_confirmed
        assert confirmation.confirmed_by.username == "chengyuan"
        assert AuditEntry.objects.filter(action="lianmeng.proposal.member.confirmed").count() == 1

        # the lead unit: the roster shows the confirmation and the signature
        j.sign_in("shenbao")
        j.open(f"/proposals/{pk}/edit/members/")
        row = page.locator("li.lm-member").filter(has_text=confirmation.unit.name)
        text = row.inner_text()
        assert "已在线确认" in text and "含签署确认" in text
        assert "已在线确认 1 家" in j.main_text()
        j.shot("lead-roster")
