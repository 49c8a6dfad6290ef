"""成员单位的增删改、顺序、牵头单位的保护，以及“三、主要成员单位”。"""

from __future__ import annotations

import pytest

from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import AuditEntry
from lianmeng.proposals import roster
from lianmeng.proposals.models import Proposal

from .xlsx_fixtures import make_uscc

pytestmark = pytest.mark.django_db


def _member(serial: int, **extra) -> dict:
    return {
        "name": f"洛阳成员单位{serial}",
        "kind": "企业",
        "uscc": make_uscc("410305", serial),
        **extra,
    }


def test_add_member_checks_the_code_and_names_the_field(small_draft, lead_staff):
    proposal = small_draft()
    user = lead_staff(proposal)
    bad = _member(82_001)
    bad["uscc"] = bad["uscc"][:17] + ("0" if bad["uscc"][17] != "0" else "1")
    with pytest.raises(ValidationFailed) as refused:
        roster.member_add(actor=user, pk=proposal.pk, revision=proposal.revision, data=bad)
    assert "校验位错误" in refused.value.details["fields"]["uscc"]

    saved = roster.member_add(
        actor=user, pk=proposal.pk, revision=proposal.revision, data=_member(82_001)
    )
    assert saved.member_count == 2
    assert saved.document["members"][1]["kind"] == "enterprise"
    assert AuditEntry.objects.filter(action="lianmeng.proposal.member.added").count() == 1


def test_a_unit_cannot_be_listed_twice(small_draft, lead_staff):
    proposal = small_draft()
    user = lead_staff(proposal)
    roster.member_add(actor=user, pk=proposal.pk, revision=None, data=_member(82_002))
    with pytest.raises(ValidationFailed) as refused:
        roster.member_add(actor=user, pk=proposal.pk, revision=None, data=_member(82_002))
    assert "成员名单第 2 位" in refused.value.details["fields"]["uscc"]
    # the lead unit itself, too
    lead = {"name": "别名", "kind": "企业", "uscc": proposal.lead_unit.uscc}
    with pytest.raises(ValidationFailed, match="成员名单第 1 位"):
        roster.member_add(actor=user, pk=proposal.pk, revision=None, data=lead)
    # and a unit given by its organisation code when its USCC is listed
    org = make_uscc("410305", 82_002)[8:17]
    with pytest.raises(ValidationFailed, match="重复"):
        roster.member_add(
            actor=user,
            pk=proposal.pk,
            revision=None,
            data={"name": "同一单位", "kind": "企业", "org_code": f"{org[:8]}-{org[8]}"},
        )


def test_the_lead_unit_cannot_be_removed(henan_draft, lead_staff):
    user = lead_staff(henan_draft)
    with pytest.raises(PermissionDenied, match="牵头单位不能从成员名单中删除"):
        roster.member_remove(actor=user, pk=henan_draft.pk, revision=None, index=0)
    henan_draft.refresh_from_db()
    assert henan_draft.document["members"][0]["role"] == "lead"
    assert henan_draft.member_count == 11


def test_the_lead_keeps_the_name_and_code_of_section_two(henan_draft, lead_staff):
    user = lead_staff(henan_draft)
    lead = dict(henan_draft.document["members"][0])
    with pytest.raises(ValidationFailed, match="二、牵头单位基本情况"):
        roster.member_update(
            actor=user, pk=henan_draft.pk, revision=None, index=0, data={**lead, "name": "别名"}
        )
    changed = {k: v for k, v in lead.items() if k not in {"name", "uscc", "org_code"}}
    changed["legal_representative"] = "罗新"
    saved = roster.member_update(
        actor=user, pk=henan_draft.pk, revision=None, index=0, data=changed
    )
    member = saved.document["members"][0]
    assert member["name"] == henan_draft.document["lead_unit"]["name"]
    assert member["uscc"] == "91410182459115397E"
    assert member["role"] == "lead"
    assert member["legal_representative"] == "罗新"


def test_remove_and_stale_revision(henan_draft, lead_staff):
    user = lead_staff(henan_draft)
    revision = henan_draft.revision
    removed_name = henan_draft.document["members"][3]["name"]
    saved = roster.member_remove(actor=user, pk=henan_draft.pk, revision=revision, index=3)
    assert removed_name not in [m["name"] for m in saved.document["members"]]
    assert saved.member_count == 10
    with pytest.raises(Conflict):
        roster.member_remove(actor=user, pk=henan_draft.pk, revision=revision, index=3)
    with pytest.raises(NotFound):
        roster.member_remove(actor=user, pk=henan_draft.pk, revision=None, index=40)


def test_only_lead_staff_may_edit_and_only_while_editable(
    henan_draft, make_user, make_unit, lead_staff
):
    stranger = make_user(["applicant"], unit=make_unit("410305"))
    with pytest.raises(NotFound):
        roster.member_add(actor=stranger, pk=henan_draft.pk, revision=None, data=_member(82_003))
    Proposal.objects.filter(pk=henan_draft.pk).update(status=Proposal.Status.SUBMITTED)
    with pytest.raises(PermissionDenied, match="已锁定"):
        roster.member_add(
            actor=lead_staff(henan_draft), pk=henan_draft.pk, revision=None, data=_member(82_003)
        )


def test_move_changes_the_five_main_members_and_the_lead_stays_first(henan_draft, lead_staff):
    user = lead_staff(henan_draft)
    sixth = henan_draft.document["members"][5]["name"]
    saved = roster.member_move(actor=user, pk=henan_draft.pk, revision=None, index=5, offset=-1)
    assert saved.document["members"][4]["name"] == sixth
    with pytest.raises(ValidationFailed):
        roster.member_move(actor=user, pk=henan_draft.pk, revision=None, index=1, offset=-1)
    with pytest.raises(ValidationFailed):
        roster.member_move(actor=user, pk=henan_draft.pk, revision=None, index=0, offset=1)


def test_main_members_keep_invalid_values_as_typed_and_save_the_rest(henan_draft, lead_staff):
    user = lead_staff(henan_draft)
    members = henan_draft.document["members"]
    code = members[1]["uscc"]
    result = roster.main_members_update(
        actor=user,
        pk=henan_draft.pk,
        revision=henan_draft.revision,
        rows=[
            {"code": members[0]["uscc"], "liaison.fax": "0371-64001234"},
            {
                "code": code,
                "liaison.name": "王联络",
                "liaison.email": "不是邮箱",
                "standing": "很" * 120,
            },
        ],
    )
    assert set(result.errors) == {f"{code}.liaison.email", f"{code}.standing"}
    saved = Proposal.objects.get(pk=henan_draft.pk)
    assert saved.document["members"][0]["liaison"]["fax"] == "0371-64001234"
    assert saved.document["members"][1]["liaison"]["name"] == "王联络"
    assert "email" not in saved.document["members"][1].get("liaison", {})
    assert saved.form_state["main_members"][f"{code}.standing"] == "很" * 120
    assert saved.form_state["main_members"][f"{code}.liaison.email"] == "不是邮箱"
    # corrected later: saved, and the kept text is cleared
    roster.main_members_update(
        actor=user,
        pk=henan_draft.pk,
        revision=saved.revision,
        rows=[{"code": code, "liaison.email": "wang@example.cn", "standing": "行业前五"}],
    )
    saved.refresh_from_db()
    assert saved.document["members"][1]["liaison"]["email"] == "wang@example.cn"
    assert saved.document["members"][1]["standing"] == "行业前五"
    assert "main_members" not in saved.form_state


def test_a_roster_without_its_lead_gets_it_back_first(small_draft, lead_staff):
    proposal = small_draft()
    proposal.document["members"] = [_member(82_010)]
    proposal.save()
    saved = roster.member_add(
        actor=lead_staff(proposal), pk=proposal.pk, revision=None, data=_member(82_011)
    )
    members = saved.document["members"]
    assert [m.get("role") for m in members] == ["lead", None, None]
    assert members[0]["uscc"] == proposal.lead_unit.uscc
