"""Submission and the lifecycle: typed errors block it, and the history records it."""

from __future__ import annotations

import pytest

from lianmeng.core.errors import ValidationFailed
from lianmeng.proposals.models import Proposal, ProposalVersion
from lianmeng.proposals.sections import proposal_section_save
from lianmeng.proposals.submission import proposal_submit, proposal_withdraw
from lianmeng.workflow.models import StateChange
from tests.proposals.submission.test_submit import ON_TIME

pytestmark = pytest.mark.django_db


def test_a_field_typed_wrong_blocks_submission_and_says_where(filed, pin_clock):
    proposal, user = filed()
    pin_clock(ON_TIME)
    proposal_section_save(
        actor=user,
        pk=proposal.pk,
        section="lead",
        data={"lead_unit.postcode": "45A"},
        revision=proposal.revision,
    )
    with pytest.raises(ValidationFailed) as refused:
        proposal_submit(actor=user, pk=proposal.pk)
    assert "填写有误" in refused.value.message
    assert refused.value.details["url"].endswith("/edit/section/lead/")
    assert not ProposalVersion.objects.filter(proposal=proposal).exists()
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.DRAFT


def test_submit_and_withdraw_are_in_the_state_history(filed, pin_clock):
    proposal, user = filed()
    pin_clock(ON_TIME)
    proposal_submit(actor=user, pk=proposal.pk)
    proposal_withdraw(actor=user, pk=proposal.pk, reason="成员单位调整，暂缓申报")
    history = list(
        StateChange.objects.of(proposal)
        .order_by("at", "id")
        .values_list("transition", "from_state", "to_state", "reason")
    )
    assert history == [
        ("submit", "draft", "submitted", ""),
        ("withdraw", "submitted", "withdrawn", "成员单位调整，暂缓申报"),
    ]
