"""成员单位在工作台确认加入联盟：重复点击不重复记录，确认后回到工作台。"""

from __future__ import annotations

import pytest

from lianmeng.core.models import AuditEntry, Unit
from lianmeng.core.services import unit_create
from lianmeng.proposals import roster
from lianmeng.proposals.models import MemberConfirmation, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_contact(henan_draft, make_user):
    member = henan_draft.document["members"][2]
    unit = Unit.objects.filter(uscc=member["uscc"]).first() or unit_create(
        actor=None, name=member["name"], kind=member["kind"], uscc=member["uscc"]
    )
    return make_user(["member"], unit=unit)


def test_the_member_home_offers_the_confirmation_and_a_double_click_records_once(
    henan_draft, member_contact, client
):
    document = henan_draft.document
    document["members"][2].pop("signed_agreement", None)
    Proposal.objects.filter(pk=henan_draft.pk).update(document=document)
    client.force_login(member_contact)
    home = client.get("/home/").content.decode()
    assert henan_draft.name in home and "1 项待确认" in home
    assert f'action="/proposals/confirmations/{henan_draft.pk}/confirm/"' in home

    for _click in range(2):
        response = client.post(
            f"/proposals/confirmations/{henan_draft.pk}/confirm/",
            {"signature": "on", "next": "home"},
        )
        assert response.status_code == 302 and response["Location"] == "/home/"
    assert MemberConfirmation.objects.filter(proposal=henan_draft).count() == 1
    assert AuditEntry.objects.filter(action="lianmeng.proposal.member.confirmed").count() == 1
    home = client.get("/home/").content.decode()
    assert "并确认法定代表人已签署协议" in home and "待确认" not in home

    # confirming again without the signature does not take the signature back
    roster.member_confirm(actor=member_contact, pk=henan_draft.pk, signature=False)
    assert MemberConfirmation.objects.get(proposal=henan_draft).signature_confirmed
    assert AuditEntry.objects.filter(action="lianmeng.proposal.member.confirmed").count() == 1


def test_membership_then_signature_are_two_recorded_steps(henan_draft, member_contact):
    roster.member_confirm(actor=member_contact, pk=henan_draft.pk, signature=False)
    roster.member_confirm(actor=member_contact, pk=henan_draft.pk, signature=False)
    assert AuditEntry.objects.filter(action="lianmeng.proposal.member.confirmed").count() == 1
    roster.member_confirm(actor=member_contact, pk=henan_draft.pk, signature=True)
    assert MemberConfirmation.objects.get(proposal=henan_draft).signature_confirmed
    assert AuditEntry.objects.filter(action="lianmeng.proposal.member.confirmed").count() == 2
