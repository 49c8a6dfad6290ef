"""Notifications (M-23): after the commit, to the lead unit's applicants, in the inbox and by
e-mail, from the text the competent department edited for its profile."""

from __future__ import annotations

import pytest
from django.core import mail

from lianmeng.core.errors import PermissionDenied, ValidationFailed
from lianmeng.proposals.lifecycle import proposal_transition
from lianmeng.reviews.models import Notification
from lianmeng.reviews.notifications import (
    notification_template_reset,
    notification_template_save,
    notification_text,
    render,
)


def test_return_notifies_the_lead_unit_after_commit_with_edited_text(
    file_proposal, staff, applicant, at, django_capture_on_commit_callbacks
):
    at(2020, 9, 10, 9)
    proposal = file_proposal("henan")
    lead = applicant(proposal)
    province = staff("410000", "competent")
    notification_template_save(
        actor=province,
        profile="henan",
        event="proposal.returned",
        subject="请修改：{联盟名称}",
        body="{牵头单位}：{部门}退回了您的申报，原因是{原因}。",
    )
    county = staff("410182")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        proposal_transition(
            actor=county,
            pk=proposal.pk,
            transition="return_county",
            reason="请补充省级研发平台证明",
        )
        assert Notification.objects.count() == 0  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    note = Notification.objects.get(recipient=lead)
    assert note.subject == "请修改：河南省高性能铝基新材料产业技术创新战略联盟"
    assert note.body == (
        f"{proposal.lead_unit.name}：荥阳市科学技术局退回了您的申报，原因是请补充省级研发平台证明。"
    )
    assert note.read_at is None and note.emailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["shenbao@example.cn"]
    assert mail.outbox[0].subject == note.subject


def test_default_text_and_no_notification_for_steps_without_event(
    file_proposal, staff, applicant, at, django_capture_on_commit_callbacks
):
    at(2020, 9, 10, 9)
    proposal = file_proposal("henan")
    lead = applicant(proposal)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_transition(
            actor=staff("410182"), pk=proposal.pk, transition="recommend_county", reason="同意"
        )
    note = Notification.objects.get(recipient=lead)
    assert note.subject.startswith("【已推荐】")
    assert "推荐意见：同意" in note.body and "县级已推荐" in note.body


def test_only_the_profiles_competent_department_edits_its_texts(staff):
    with pytest.raises(PermissionDenied):
        notification_template_save(
            actor=staff("410300", "competent"),
            profile="henan",
            event="proposal.returned",
            subject="x",
            body="y",
        )
    province = staff("410000", "competent")
    with pytest.raises(ValidationFailed, match=r"无法识别的占位符 \{联名\}"):
        notification_template_save(
            actor=province,
            profile="henan",
            event="proposal.returned",
            subject="{联名}",
            body="正文",
        )
    notification_template_save(
        actor=province, profile="henan", event="proposal.returned", subject="标题", body="正文"
    )
    assert notification_text("henan", "proposal.returned").customised
    assert not notification_text("luoyang", "proposal.returned").customised
    notification_template_reset(actor=province, profile="henan", event="proposal.returned")
    assert not notification_text("henan", "proposal.returned").customised


def test_render_leaves_unknown_placeholders_and_braces():
    assert render("{联盟名称}{x}{", {"联盟名称": "甲"}) == "甲{x}{"
