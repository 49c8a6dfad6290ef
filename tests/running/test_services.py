"""The workspace's services: initialisation, who may write, revisions, uploads, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MEETING = {"kind": "council", "held_on": "2024-03-18", "place": "洛阳", "attendance_count": 12}


def test_workspace_is_initialised_once_from_the_decided_proposal(world):
    from lianmeng.core.models import AuditEntry
    from lianmeng.running.models import Member, Workspace
    from lianmeng.running.services import workspace_ensure

    first = workspace_ensure(alliance=world.alliance)
    again = workspace_ensure(alliance=world.alliance)
    assert first.pk == again.pk and Workspace.objects.count() == 1
    assert first.office_address == "洛阳市涧西区建设路 1 号"
    assert first.agreement_signed_on == date(2020, 5, 1) and first.agreement_term_years == 5
    assert first.key_people["liaison"]["phone"] == "13812345678"
    assert first.bodies["decision"]["set_up"] and not first.bodies["executive"]["set_up"]
    rows = list(Member.objects.filter(workspace=first).order_by("id"))
    assert [r.name for r in rows] == ["洛阳轴承研究所有限公司", "河南科技大学", "未注册成员单位"]
    assert rows[0].role == "lead" and rows[1].unit_id == world.member_user.unit_id
    assert rows[2].unit_id is None and rows[1].joined_on == date(2020, 11, 16)
    assert AuditEntry.objects.filter(action="lianmeng.running.workspace.initialised").count() == 1


def test_legacy_alliance_starts_empty(world):
    from lianmeng.running.services import workspace_ensure

    world.alliance.proposal = None
    world.alliance.source = "legacy"
    world.alliance.save()
    ws = workspace_ensure(alliance=world.alliance)
    assert ws.members.count() == 0 and ws.office_address == "" and ws.initialised_from is None


def test_lead_unit_records_and_edits_a_meeting_with_audit(world):
    from lianmeng.core.models import AuditEntry
    from lianmeng.running.services import meeting_create, meeting_update

    meeting = meeting_create(actor=world.lead_user, alliance_id=world.alliance.pk, data=MEETING)
    assert meeting.revision == 1 and meeting.get_kind_display() == "理事会"
    changed = meeting_update(
        actor=world.lead_user,
        alliance_id=world.alliance.pk,
        mid=meeting.pk,
        revision=1,
        data={**MEETING, "minutes": "审议年度计划", "attendance_units": "河南科技大学\n洛阳轴承"},
    )
    assert changed.revision == 2 and changed.unit_list == ["河南科技大学", "洛阳轴承"]
    actions = list(
        AuditEntry.objects.filter(action__startswith="lianmeng.running.meeting")
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("lianmeng.running.meeting.created", world.lead_user.pk),
        ("lianmeng.running.meeting.updated", world.lead_user.pk),
    ]


def test_stale_revision_is_refused_with_the_current_one(world):
    from lianmeng.running.services import meeting_create, meeting_update

    meeting = meeting_create(actor=world.lead_user, alliance_id=world.alliance.pk, data=MEETING)
    meeting_update(
        actor=world.lead_user,
        alliance_id=world.alliance.pk,
        mid=meeting.pk,
        revision=1,
        data=MEETING,
    )
    with pytest.raises(Conflict) as caught:
        meeting_update(
            actor=world.lead_user,
            alliance_id=world.alliance.pk,
            mid=meeting.pk,
            revision=1,
            data={**MEETING, "place": "郑州"},
        )
    assert caught.value.details == {"revision": 2}
    meeting.refresh_from_db()
    assert meeting.place == "洛阳"


@pytest.mark.parametrize("who", ["member_user", "luoyang"])
def test_readers_may_not_write(world, who):
    from lianmeng.running.models import Meeting
    from lianmeng.running.services import meeting_create

    with pytest.raises(PermissionDenied):
        meeting_create(actor=getattr(world, who), alliance_id=world.alliance.pk, data=MEETING)
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize("who", ["outsider_user", "baoding", "expert_of_lead"])
def test_strangers_are_told_nothing_exists(world, who):
    from lianmeng.running.services import meeting_create

    with pytest.raises(NotFound):
        meeting_create(actor=getattr(world, who), alliance_id=world.alliance.pk, data=MEETING)


def test_particulars_term_outside_the_heilongjiang_range_is_refused_with_citation(world):
    from lianmeng.running.services import workspace_ensure, workspace_update

    world.alliance.profile = "heilongjiang"
    world.alliance.save()
    ws = workspace_ensure(alliance=world.alliance)
    args = dict(
        actor=world.lead_user,
        alliance_id=world.alliance.pk,
        office_address="哈尔滨",
        agreement_signed_on=date(2023, 1, 1),
        key_people={"chairman": {"name": "张理事长", "phone": "0451-86001234"}},
        bodies={"executive": {"set_up": True, "name": "秘书处"}},
    )
    with pytest.raises(ValidationFailed) as caught:
        workspace_update(revision=ws.revision, agreement_term_years=8, **args)
    assert "3–5" in caught.value.message and "art. 6" in caught.value.message
    saved = workspace_update(revision=ws.revision, agreement_term_years=4, **args)
    assert saved.key_people["chairman"]["name"] == "张理事长"
    assert saved.bodies["executive"] == {"set_up": True, "name": "秘书处", "note": ""}
    with pytest.raises(Conflict):
        workspace_update(revision=ws.revision, agreement_term_years=4, **args)


def _upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_upload_checks_the_content_and_stores_the_file(world, settings, tmp_path):
    from lianmeng.core.models import AuditEntry
    from lianmeng.running.models import Document
    from lianmeng.running.services import document_open, document_upload

    settings.MEDIA_ROOT = str(tmp_path)
    doc = document_upload(
        actor=world.lead_user, alliance_id=world.alliance.pk, file=_upload("章程.pdf", PDF)
    )
    assert doc.content_type == "application/pdf" and doc.title == "章程.pdf"
    assert document_open(doc).read() == PDF
    with pytest.raises(ValidationFailed) as caught:
        document_upload(
            actor=world.lead_user,
            alliance_id=world.alliance.pk,
            file=_upload("假的.pdf", b"<html><script>alert(1)</script></html>"),
        )
    assert caught.value.details["reason"] == "content_mismatch"
    with pytest.raises(ValidationFailed) as caught:
        document_upload(
            actor=world.lead_user, alliance_id=world.alliance.pk, file=_upload("a.exe", b"MZ..")
        )
    assert caught.value.details["reason"] == "type_not_accepted"
    settings.LIANMENG_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationFailed) as caught:
        document_upload(
            actor=world.lead_user, alliance_id=world.alliance.pk, file=_upload("大.pdf", PDF)
        )
    assert caught.value.details["reason"] == "too_large"
    assert Document.objects.count() == 1
    assert AuditEntry.objects.filter(action="lianmeng.running.document.uploaded").count() == 1
    assert [p.name for p in (tmp_path / "running").rglob("*.pdf")] == [doc.file.name.split("/")[-1]]


def test_member_may_not_upload(world, settings, tmp_path):
    from lianmeng.running.services import document_upload

    settings.MEDIA_ROOT = str(tmp_path)
    with pytest.raises(PermissionDenied):
        document_upload(
            actor=world.member_user, alliance_id=world.alliance.pk, file=_upload("x.pdf", PDF)
        )
    assert not (tmp_path / "running").exists()


# -- attendance validation --------------------------------------------------------------------

unit_names = st.text(alphabet="联盟大学研究院公司甲乙丙", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    count=st.one_of(st.none(), st.integers(min_value=-5, max_value=200_000)),
    units=st.lists(unit_names, max_size=8),
)
def test_attendance_needs_a_count_or_units_and_a_count_covering_the_units(count, units):
    from lianmeng.running.services import MAX_ATTENDANCE, clean_meeting

    data = {**MEETING, "attendance_count": count, "attendance_units": "\n".join(units)}
    distinct = list(dict.fromkeys(units))
    valid_count = count is None or 1 <= count <= MAX_ATTENDANCE
    expected_ok = valid_count and (count is not None or distinct)
    if count is not None and valid_count and distinct and count < len(distinct):
        expected_ok = False
    try:
        cleaned = clean_meeting(data)
    except ValidationFailed as exc:
        assert not expected_ok
        assert "attendance_count" in exc.details["fields"]
    else:
        assert expected_ok
        assert cleaned["attendance_units"].splitlines() == distinct
        assert cleaned["attendance_count"] == count


def test_meeting_dates_in_the_future_are_refused():
    from lianmeng.core import clock
    from lianmeng.running.services import clean_meeting

    tomorrow = clock.beijing_now().date() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as caught:
        clean_meeting({**MEETING, "held_on": tomorrow.isoformat(), "kind": "party"})
    assert set(caught.value.details["fields"]) == {"held_on", "kind"}
