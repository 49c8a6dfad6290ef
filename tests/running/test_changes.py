"""变更备案 (M-31): member join/exit, key people, address and agreement renewal, filed by the
lead unit and acknowledged or queried by the department, on the lifecycle engine."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from lianmeng.core.errors import Conflict, NotFound, ValidationFailed
from tests.conftest import make_uscc

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ws(alliance):
    from lianmeng.running.services import workspace_ensure

    return workspace_ensure(alliance=alliance)


def _member(ws, name):
    return ws.members.get(name=name)


def _history_and_audit(filing):
    from lianmeng.core.models import AuditEntry
    from lianmeng.workflow.models import StateChange

    rows = list(StateChange.objects.of(filing).order_by("id"))
    audits = list(AuditEntry.objects.filter(action__startswith="lianmeng.change.").order_by("id"))
    return rows, audits


def test_member_exit_to_nine_members_warns_both_sides_with_the_citation(
    henan, django_capture_on_commit_callbacks
):
    from lianmeng.reviews.models import Notification
    from lianmeng.running.changes import member_exit

    ws = _ws(henan.alliance)
    assert ws.members.filter(left_on__isnull=True).count() == 10
    with django_capture_on_commit_callbacks(execute=True):
        filing = member_exit(
            actor=henan.lead_user,
            alliance_id=henan.alliance.pk,
            revision=ws.revision,
            member_id=_member(ws, "郑州配套企业3").pk,
            left_on=date(2024, 5, 1),
            reason="企业转产，不再从事本领域",
        )
    assert filing.status == "submitted" and filing.warned
    rules = {w["rule"]: w for w in filing.warnings}
    assert "members.min_count" in rules
    assert (
        rules["members.min_count"]["cited"].startswith("《")
        and "二(一)2(3)" in rules["members.min_count"]["cited"]
    )
    henan.alliance.refresh_from_db()
    assert henan.alliance.member_count == 9
    rows, audits = _history_and_audit(filing)
    assert [(r.from_state, r.to_state, r.transition) for r in rows] == [
        ("draft", "submitted", "submit")
    ]
    assert [a.action for a in audits] == ["lianmeng.change.submit"]
    notes = Notification.objects.filter(event__startswith="change.")
    recipients = {n.recipient_id for n in notes}
    assert henan.lead_user.pk in recipients and henan.province.pk in recipients
    warning = notes.get(recipient=henan.province)
    assert "不再符合" in warning.subject and "二(一)2(3)" in warning.body


def test_acknowledge_and_query_each_have_a_history_row_and_an_audit_entry(henan):
    from lianmeng.running.changes import (
        address_change,
        change_acknowledge,
        change_answer,
        change_query,
    )

    ws = _ws(henan.alliance)
    filing = address_change(
        actor=henan.lead_user,
        alliance_id=henan.alliance.pk,
        revision=ws.revision,
        address="郑州市金水区新地址 8 号",
    )
    ws.refresh_from_db()
    assert ws.office_address == "郑州市金水区新地址 8 号"
    assert filing.before == {"address": "原办公地址 1 号"}
    filing = change_query(
        actor=henan.province, filing_id=filing.pk, revision=filing.revision, reason="请附租赁合同"
    )
    assert filing.status == "returned"
    filing = change_answer(
        actor=henan.lead_user, filing_id=filing.pk, revision=filing.revision, reason="已附合同"
    )
    assert filing.status == "submitted"
    with pytest.raises(Conflict):  # a stale revision (double submit) changes nothing
        change_acknowledge(actor=henan.province, filing_id=filing.pk, revision=1)
    filing = change_acknowledge(actor=henan.province, filing_id=filing.pk, revision=filing.revision)
    assert filing.status == "accepted"
    rows, audits = _history_and_audit(filing)
    assert [r.transition for r in rows] == ["submit", "return", "submit", "accept"]
    assert [a.action for a in audits] == [
        "lianmeng.change.submit",
        "lianmeng.change.return",
        "lianmeng.change.submit",
        "lianmeng.change.accept",
    ]
    with pytest.raises(Conflict):
        change_acknowledge(actor=henan.province, filing_id=filing.pk)


def test_other_jurisdiction_and_other_unit_get_404(henan):
    from lianmeng.running.change_selectors import change_get
    from lianmeng.running.changes import address_change, change_acknowledge, member_exit

    ws = _ws(henan.alliance)
    filing = address_change(
        actor=henan.lead_user, alliance_id=henan.alliance.pk, revision=ws.revision, address="新址"
    )
    for stranger in (henan.luoyang, henan.outsider):
        with pytest.raises(NotFound):
            change_get(viewer=stranger, pk=filing.pk)
        with pytest.raises(NotFound):
            change_acknowledge(actor=stranger, filing_id=filing.pk)
    with pytest.raises(NotFound):
        member_exit(
            actor=henan.outsider,
            alliance_id=henan.alliance.pk,
            revision=2,
            member_id=1,
            left_on=date(2024, 1, 1),
            reason="x",
        )
    # the city sees its area's filing but it is the province that acknowledges (Henan 六(三))
    assert change_get(viewer=henan.zhengzhou, pk=filing.pk).actions == []
    assert [t.id for t in change_get(viewer=henan.province, pk=filing.pk).actions] == [
        "accept",
        "return",
    ]


def _workbook(rows):
    from lianmeng.proposals.roster_xlsx import DATA_SHEET

    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    sheet.append(["单位名称", "单位类别", "统一社会信用代码"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("roster.xlsx", out.getvalue())


def test_xlsx_import_refuses_the_whole_file_when_any_row_is_bad(henan):
    from lianmeng.running.changes import ImportRefused, member_import_xlsx
    from lianmeng.running.models import ChangeFiling

    ws = _ws(henan.alliance)
    existing = _member(ws, "郑州工学院").uscc
    bad = _workbook(
        [
            ["新加入企业甲", "企业", make_uscc("410102")],
            ["新加入企业乙", "企业", "91410100MA00000000"],
            ["重复的大学", "高校", existing],
        ]
    )
    with pytest.raises(ImportRefused) as refused:
        member_import_xlsx(
            actor=henan.lead_user,
            alliance_id=henan.alliance.pk,
            revision=ws.revision,
            file=bad,
            joined_on="2024-05-01",
        )
    rows = {r["row"]: r["reason"] for r in refused.value.details["rows"]}
    assert set(rows) == {3, 4} and "已是联盟成员单位" in rows[4]
    assert ws.members.count() == 10 and not ChangeFiling.objects.exists()
    with pytest.raises(ValidationFailed):
        member_import_xlsx(
            actor=henan.lead_user,
            alliance_id=henan.alliance.pk,
            revision=ws.revision,
            file=SimpleUploadedFile("roster.xlsx", b"PK\x03\x04 not a workbook"),
            joined_on="2024-05-01",
        )
    good = _workbook(
        [
            ["新加入企业甲", "企业", make_uscc("410102")],
            ["新加入研究院", "科研院所", make_uscc("410102")],
        ]
    )
    filing = member_import_xlsx(
        actor=henan.lead_user,
        alliance_id=henan.alliance.pk,
        revision=ws.revision,
        file=good,
        joined_on="2024-05-01",
    )
    assert filing.kind == "member_join" and filing.after["count"] == 12 and not filing.warned


def test_renewal_needs_every_member_signature_then_updates_the_agreement(hlj):
    from lianmeng.running.changes import renewal_file, signature_confirm, signature_paper

    ws = _ws(hlj.alliance)
    assert ws.agreement_signed_on == date(2020, 3, 1)
    with pytest.raises(ValidationFailed) as wrong_term:
        renewal_file(
            actor=hlj.lead_user,
            alliance_id=hlj.alliance.pk,
            revision=ws.revision,
            signed_on="2024-03-01",
            term_years=8,
            file=SimpleUploadedFile("agreement.pdf", PDF),
        )
    assert "3–5" in wrong_term.value.message and "《" in wrong_term.value.message
    filing = renewal_file(
        actor=hlj.lead_user,
        alliance_id=hlj.alliance.pk,
        revision=ws.revision,
        signed_on="2024-03-01",
        term_years=5,
        file=SimpleUploadedFile("agreement.pdf", PDF),
    )
    assert filing.signatures.filter(signed_at__isnull=False).count() == 1
    assert filing.signatures.count() == 3
    first = signature_confirm(actor=hlj.member_user, filing_id=filing.pk)
    again = signature_confirm(actor=hlj.member_user, filing_id=filing.pk)
    assert first.pk == again.pk and again.method == "online"
    ws.refresh_from_db()
    assert ws.agreement_signed_on == date(2020, 3, 1)  # not all have signed yet
    paper = filing.signatures.get(signed_at__isnull=True)
    signature_paper(
        actor=hlj.lead_user,
        filing_id=filing.pk,
        member_id=paper.member_id,
        file=SimpleUploadedFile("scan.pdf", PDF),
    )
    ws.refresh_from_db()
    assert ws.agreement_signed_on == date(2024, 3, 1) and ws.agreement_term_years == 5
    with pytest.raises(NotFound):
        signature_confirm(actor=hlj.coordination, filing_id=filing.pk)


def test_the_first_member_joins_an_alliance_whose_roster_is_empty(henan):
    """A legacy alliance (imported from a decision made before the platform) starts with an
    empty roster: its lead unit registers members one by one, and the eligibility check of the
    roster before the join says the roster is empty instead of failing with an error."""
    from lianmeng.running.changes import member_join

    ws = _ws(henan.alliance)
    ws.members.all().delete()
    ws.refresh_from_db()
    filing = member_join(
        actor=henan.lead_user,
        alliance_id=henan.alliance.pk,
        revision=ws.revision,
        members=[{"name": "郑州新成员有限公司", "uscc": make_uscc("410102"), "kind": "enterprise"}],
        joined_on="2024-05-01",
    )
    assert filing.kind == "member_join" and filing.after["count"] == 1
    assert list(ws.members.values_list("name", flat=True)) == ["郑州新成员有限公司"]
