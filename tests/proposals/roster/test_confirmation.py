"""成员单位联系人在线确认加入联盟与法定代表人签署。"""

from __future__ import annotations

import pytest

from lianmeng.core.errors import NotFound, PermissionDenied
from lianmeng.core.models import AuditEntry, Unit
from lianmeng.core.services import unit_create
from lianmeng.proposals import roster
from lianmeng.proposals.models import MemberConfirmation, Proposal
from lianmeng.proposals.selectors import proposals_awaiting_confirmation

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_contact(henan_draft, make_user):
    """The contact of the draft's third member unit (registered as a unit with its USCC)."""
    member = henan_draft.document["members"][2]
    unit = Unit.objects.filter(uscc=member["uscc"]).first() or unit_create(
        actor=None, name=member["name"], kind=member["kind"], uscc=member["uscc"]
    )
    return make_user(["member"], unit=unit)


def test_member_contact_confirms_and_the_signature_shows_in_the_roster(
    henan_draft, member_contact, lead_staff, client
):
    Proposal.objects.filter(pk=henan_draft.pk).update(
        document={
            **henan_draft.document,
            "members": [
                {k: v for k, v in m.items() if k != "signed_agreement"}
                for m in henan_draft.document["members"]
            ],
        }
    )
    client.force_login(member_contact)
    page = client.get("/proposals/confirmations/").content.decode()
    assert henan_draft.name in page
    assert "第 3 位" in page

    response = client.post(
        f"/proposals/confirmations/{henan_draft.pk}/confirm/", {"signature": "on"}, follow=True
    )
    assert "已确认加入联盟，并确认法定代表人已签署联盟协议" in response.content.decode()
    saved = Proposal.objects.get(pk=henan_draft.pk)
    assert saved.document["members"][2]["signed_agreement"] is True
    assert "signed_agreement" not in saved.document["members"][3]
    confirmation = MemberConfirmation.objects.get(proposal=saved)
    assert confirmation.member_code == saved.document["members"][2]["uscc"]
    assert confirmation.signature_confirmed and confirmation.confirmed_by == member_contact
    assert AuditEntry.objects.filter(action="lianmeng.proposal.member.confirmed").exists()

    client.force_login(lead_staff(henan_draft))
    roster_page = client.get(f"/proposals/{henan_draft.pk}/edit/members/").content.decode()
    assert "已在线确认" in roster_page and "含签署确认" in roster_page


def test_confirmation_without_signature_keeps_the_flag(henan_draft, member_contact):
    document = henan_draft.document
    document["members"][2]["signed_agreement"] = False
    Proposal.objects.filter(pk=henan_draft.pk).update(document=document)
    roster.member_confirm(actor=member_contact, pk=henan_draft.pk, signature=False)
    saved = Proposal.objects.get(pk=henan_draft.pk)
    assert saved.document["members"][2]["signed_agreement"] is False
    assert MemberConfirmation.objects.get(proposal=saved).signature_confirmed is False


def test_a_member_of_an_unrelated_unit_sees_nothing(henan_draft, make_user, make_unit, client):
    outsider = make_user(["member"], unit=make_unit("410305"))
    assert proposals_awaiting_confirmation(viewer=outsider) == []
    client.force_login(outsider)
    page = client.get("/proposals/confirmations/").content.decode()
    assert henan_draft.name not in page
    assert "目前没有列有本单位的申报" in page
    assert client.post(f"/proposals/confirmations/{henan_draft.pk}/confirm/").status_code == 404
    with pytest.raises(NotFound):
        roster.member_confirm(actor=outsider, pk=henan_draft.pk, signature=True)


def test_only_member_accounts_confirm_and_only_before_submission(
    henan_draft, member_contact, lead_staff, client
):
    with pytest.raises(PermissionDenied):
        roster.member_confirm(actor=lead_staff(henan_draft), pk=henan_draft.pk, signature=True)
    client.force_login(lead_staff(henan_draft))
    assert client.get("/proposals/confirmations/").status_code == 403
    Proposal.objects.filter(pk=henan_draft.pk).update(status=Proposal.Status.SUBMITTED)
    with pytest.raises(PermissionDenied, match="已提交"):
        roster.member_confirm(actor=member_contact, pk=henan_draft.pk, signature=True)
    Proposal.objects.filter(pk=henan_draft.pk).update(status=Proposal.Status.WITHDRAWN)
    assert proposals_awaiting_confirmation(viewer=member_contact) == []
