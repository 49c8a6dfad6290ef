"""Issue 12, finding 6 (三员分立): the audit administrator sees who did what to which record
when and which fields, never the business content (scores, comments, section texts, personal
data). Only the presentation masks: the stored chain is unchanged and still verifies."""

from __future__ import annotations

from django.db import transaction

from lianmeng.core.audit import audit_record, audit_verify
from lianmeng.core.models import AuditEntry


def test_audit_page_masks_business_values_and_keeps_who_what_when(
    client, make_user, make_unit, login
):
    unit = make_unit()
    expert = make_user(["expert"], username="zj-audit", unit=unit)
    with transaction.atomic():
        scored = audit_record(
            actor=expert,
            action="lianmeng.review.scores.submitted",
            obj=unit,
            after={"strategy": "87.25", "comment": "评语：产业链完整"},
        )
        edited = audit_record(
            actor=expert,
            action="lianmeng.proposal.section.saved",
            obj=unit,
            before={"section": "background", "text": "旧的章节正文甲乙丙"},
            after={"section": "background", "text": "新的章节正文丁戊己"},
        )
    stored = AuditEntry.objects.get(pk=scored.pk).summary
    login(make_user(["auditadmin"], username="shenji"))
    page = client.get("/audit/").content.decode()

    for secret in ("87.25", "评语：产业链完整", "旧的章节正文甲乙丙", "新的章节正文丁戊己"):
        assert secret not in page, secret
    assert str(unit) not in page  # the record's name is business content too
    assert "（已隐去业务内容）" in page
    # who, what, which record, when, which fields
    assert "zj-audit" in page
    assert "lianmeng.review.scores.submitted" in page and "lianmeng.proposal.section.saved" in page
    assert f"core.unit #{unit.pk}" in page
    assert "comment, strategy" in page and "text" in page
    assert scored.at.astimezone().strftime("%Y-%m-%d") in page
    # stored data unchanged, the chain intact
    assert AuditEntry.objects.get(pk=scored.pk).summary == stored
    assert AuditEntry.objects.get(pk=edited.pk).summary["after"]["text"] == "新的章节正文丁戊己"
    assert audit_verify().intact
