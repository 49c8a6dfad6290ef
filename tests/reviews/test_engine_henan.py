"""Henan's table through the one engine: county → city → province (paper copies) → review →
批准筹建, and what is refused on the way."""

from __future__ import annotations

import pytest

from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import AuditEntry
from lianmeng.proposals.editing import ensure_editable
from lianmeng.proposals.lifecycle import allowed_transitions, proposal_transition
from lianmeng.reviews.services import paper_copies_record
from lianmeng.workflow.models import Deadline, StateChange

from .conftest import beijing


def test_henan_happy_path(file_proposal, staff, at, review_closed):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    assert proposal.region.code == "410182"
    county, city = staff("410182"), staff("410100")
    province = staff("410000", "competent")

    at(2020, 9, 10, 9)
    assert [t.id for t in allowed_transitions(actor=county, proposal=proposal)] == [
        "recommend_county",
        "return_county",
    ]
    assert allowed_transitions(actor=city, proposal=proposal) == []
    proposal_transition(
        actor=county, pk=proposal.pk, transition="recommend_county", reason="同意推荐"
    )
    proposal_transition(actor=city, pk=proposal.pk, transition="recommend_city", reason="同意推荐")
    proposal.refresh_from_db()
    assert proposal.status == "recommended"

    at(2020, 9, 21, 9, 30)
    with pytest.raises(ValidationFailed, match="需一式2份，已登记0份"):
        proposal_transition(actor=province, pk=proposal.pk, transition="accept")
    paper_copies_record(
        actor=province,
        pk=proposal.pk,
        copies=2,
        received_at=beijing(2020, 9, 21, 9, 0),
        received_by="张超",
    )
    proposal_transition(actor=province, pk=proposal.pk, transition="accept")
    proposal_transition(actor=province, pk=proposal.pk, transition="start_review", via="review")
    at(2020, 11, 3, 15)
    proposal = proposal_transition(
        actor=province,
        pk=proposal.pk,
        transition="approve",
        reason="经专家评审，同意批准筹建",
        via="decide",
    )
    assert proposal.status == "approved_to_build"

    history = list(StateChange.objects.of(proposal).values_list("transition", flat=True))
    assert history == [
        "submit",
        "recommend_county",
        "recommend_city",
        "accept",
        "start_review",
        "approve",
    ]
    deadline = Deadline.objects.of(proposal).get()
    assert deadline.kind == "construction_period"
    assert deadline.due_at.astimezone(beijing(2020, 1, 1).tzinfo).date().isoformat() == "2021-11-03"
    assert AuditEntry.objects.filter(
        action="lianmeng.proposal.approve", object_id=str(proposal.pk)
    ).exists()


def test_invalid_transition_lists_what_is_allowed(file_proposal, staff, at):
    proposal = file_proposal("henan")
    county = staff("410182")
    at(2020, 9, 10, 9)
    with pytest.raises(Conflict) as caught:
        proposal_transition(actor=county, pk=proposal.pk, transition="recommend_city")
    assert "当前状态为“已提交”" in caught.value.message
    assert "您可以：推荐、退回修改" in caught.value.message


def test_wrong_level_is_refused_and_other_county_cannot_see(file_proposal, staff, at):
    proposal = file_proposal("henan")
    city = staff("410100")
    other_county = staff("410305")
    at(2020, 9, 10, 9)
    with pytest.raises(PermissionDenied, match="荥阳市科学技术局"):
        proposal_transition(actor=city, pk=proposal.pk, transition="recommend_county")
    with pytest.raises(NotFound):
        proposal_transition(actor=other_county, pk=proposal.pk, transition="recommend_county")


def test_return_makes_the_proposal_editable_again(file_proposal, staff, applicant, at):
    proposal = file_proposal("henan")
    lead = applicant(proposal)
    county = staff("410182")
    at(2020, 9, 10, 9)
    with pytest.raises(ValidationFailed, match="请填写退回原因"):
        proposal_transition(actor=county, pk=proposal.pk, transition="return_county")
    proposal = proposal_transition(
        actor=county, pk=proposal.pk, transition="return_county", reason="成员单位名单不完整"
    )
    assert proposal.status == "returned"
    ensure_editable(actor=lead, proposal=proposal)
    assert lead.has_perm("proposals.edit_proposal", proposal)


def test_late_recommendation_is_refused(file_proposal, staff, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    county, city = staff("410182"), staff("410100")
    province = staff("410000", "competent")
    at(2020, 9, 20, 10)
    proposal_transition(actor=county, pk=proposal.pk, transition="recommend_county")
    at(2020, 9, 21, 8, 30)  # the city recommends the morning after the window closed
    proposal_transition(actor=city, pk=proposal.pk, transition="recommend_city")
    at(2020, 9, 21, 8, 45)
    paper_copies_record(
        actor=province,
        pk=proposal.pk,
        copies=2,
        received_at=beijing(2020, 9, 21, 8, 40),
        received_by="郭建",
    )
    with pytest.raises(ValidationFailed, match="逾期不予受理"):
        proposal_transition(actor=province, pk=proposal.pk, transition="accept")
    proposal = proposal_transition(actor=province, pk=proposal.pk, transition="refuse_late")
    assert proposal.status == "refused"
    assert StateChange.objects.of(proposal).last().reason == "逾期不予受理"
