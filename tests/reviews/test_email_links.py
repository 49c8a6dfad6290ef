"""A notification e-mail links to the proposal on the site's public address (SITE_URL)."""

from __future__ import annotations

from django.core import mail

from lianmeng.proposals.lifecycle import proposal_transition
from lianmeng.reviews.models import Notification


def test_the_email_carries_an_absolute_link_on_the_site_address(
    file_proposal, staff, applicant, at, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://lianmeng.kjt.example.gov.cn"
    at(2020, 9, 10, 9)
    proposal = file_proposal("henan")
    applicant(proposal)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_transition(
            actor=staff("410182"),
            pk=proposal.pk,
            transition="return_county",
            reason="请补充省级研发平台证明",
        )
    note = Notification.objects.get()
    link = f"https://lianmeng.kjt.example.gov.cn/proposals/{proposal.pk}/"
    assert mail.outbox[0].body.endswith(f"在联盟管理平台查看：{link}")
    assert mail.outbox[0].body.startswith(note.body)
    assert link not in note.body  # the inbox entry is on the site already
