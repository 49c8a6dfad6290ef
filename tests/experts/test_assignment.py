"""Assignment of experts: conflicts are never assigned, load is balanced, overrides are recorded."""

from __future__ import annotations

import math

import pytest

from lianmeng.core.errors import Conflict, ValidationFailed
from lianmeng.core.models import AuditEntry
from lianmeng.experts import services
from lianmeng.experts.models import Assignment


def _round(actor, proposals, profile="henan"):
    round = services.round_create(actor=actor, profile=profile, call_year=2020)
    services.round_add_proposals(
        actor=actor, round_id=round.pk, proposal_ids=[p.pk for p in proposals]
    )
    return round


def _assigned(round, proposal):
    return set(
        Assignment.objects.filter(
            round=round, proposal=proposal, declared_conflict=False
        ).values_list("expert_id", flat=True)
    )


def test_adding_a_proposal_moves_it_into_review_through_the_engine(
    henan_staff, make_review_proposal
):
    from lianmeng.workflow.models import StateChange

    proposal = make_review_proposal()
    _round(henan_staff, [proposal])
    proposal.refresh_from_db()
    assert proposal.status == "under_review"
    change = StateChange.objects.of(proposal).get()
    assert (change.from_state, change.to_state, change.transition) == (
        "accepted",
        "under_review",
        "start_review",
    )


def test_round_takes_criteria_and_weights_from_the_profile(henan_staff):
    round = services.round_create(actor=henan_staff, profile="henan", call_year=2020)
    titles = [c["title"] for c in round.criteria]
    assert titles[:3] == ["突出战略重点", "坚持市场导向", "强化顶层设计"]
    assert "牵头单位实力与地位" in titles and "成员单位构成与水平" in titles
    assert sum(c["weight"] for c in round.criteria) == 100
    assert round.criteria[0]["citation"]["article"] == "二(一)1(1)"
    assert round.exclude_same_area is True


def test_only_the_profiles_competent_department_organises(make_user):
    county = make_user(["competent"], jurisdiction="410305")
    with pytest.raises(Exception) as excinfo:
        services.round_create(actor=county, profile="henan", call_year=2020)
    assert "河南省科学技术厅" in excinfo.value.message


def test_auto_assignment_never_gives_a_proposal_to_an_expert_from_a_member_unit(
    henan_staff, make_unit, make_expert, make_review_proposal
):
    member = make_unit("410105", kind="university", name="郑州某大学")
    proposal = make_review_proposal(members=(member,))
    insider = make_expert(unit=member)
    others = [make_expert("410105"), make_expert("410105")]
    round = _round(henan_staff, [proposal])

    result = services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=2)

    assert _assigned(round, proposal) == {e.pk for e in others}
    assert insider.pk not in _assigned(round, proposal)
    assert result.shortfalls == {}


def test_expert_employed_by_the_lead_unit_is_excluded(
    henan_staff, make_unit, make_expert, make_review_proposal
):
    lead = make_unit("410305", kind="enterprise")
    proposal = make_review_proposal(lead=lead)
    make_expert(unit=lead)
    round = _round(henan_staff, [proposal])
    result = services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=1)
    assert result.created == []
    assert result.shortfalls == {proposal.pk: 1}


def test_same_area_experts_stand_aside_where_the_profile_says_so(
    henan_staff, make_expert, make_review_proposal
):
    proposal = make_review_proposal(region="410305")  # 洛阳市涧西区: recommended by 洛阳市
    same_city = make_expert("410302")  # 洛阳市老城区
    elsewhere = make_expert("410105")  # 郑州市金水区
    round = _round(henan_staff, [proposal])
    services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=2)
    assert _assigned(round, proposal) == {elsewhere.pk}
    assert same_city.pk not in _assigned(round, proposal)


def test_area_is_the_recommending_department_from_the_history(
    henan_staff, make_user, make_expert, make_review_proposal
):
    """Recommended by a provincial department (not an area): nobody stands aside for area."""
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction
    from lianmeng.workflow.kinds import subject_key
    from lianmeng.workflow.models import StateChange

    proposal = make_review_proposal(region="410305")
    StateChange.objects.create(
        **subject_key(proposal),
        from_state="submitted",
        to_state="recommended",
        transition="recommend_department",
        kind="recommend",
        label="推荐",
        actor_jurisdiction=Jurisdiction.objects.get(code="410000"),
        at=clock.now(),
    )
    same_city = make_expert("410302")
    round = _round(henan_staff, [proposal])
    services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=1)
    assert _assigned(round, proposal) == {same_city.pk}


def test_baoding_does_not_exclude_same_area_experts(
    baoding_staff, make_expert, make_review_proposal
):
    proposal = make_review_proposal(profile="baoding", status="recommended", region="130602")
    neighbour = make_expert("130606")
    round = _round(baoding_staff, [proposal], profile="baoding")
    proposal.refresh_from_db()
    assert proposal.status == "recommended"  # no review step in Baoding's table
    services.assign_automatically(actor=baoding_staff, round_id=round.pk, per_proposal=1)
    assert _assigned(round, proposal) == {neighbour.pk}


def test_declared_units_are_avoided(henan_staff, make_unit, make_expert, make_review_proposal):
    member = make_unit("410105")
    proposal = make_review_proposal(members=(member,))
    declaring = make_expert("410105", declared=(member.uscc,))
    other = make_expert("410105")
    round = _round(henan_staff, [proposal])
    services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=2)
    assert _assigned(round, proposal) == {other.pk}
    assert declaring.pk not in _assigned(round, proposal)


def test_declared_task_conflict_is_not_reassigned(henan_staff, make_expert, make_review_proposal):
    proposal = make_review_proposal()
    first, second = make_expert("410105"), make_expert("410105")
    round = _round(henan_staff, [proposal])
    services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=1)
    (task,) = Assignment.objects.filter(round=round)
    services.expert_declare_conflict(
        actor=task.expert.user, assignment_id=task.pk, reason="曾在牵头单位任职"
    )
    services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=1)
    assert _assigned(round, proposal) == {first.pk, second.pk} - {task.expert_id}
    with pytest.raises(Conflict):
        services.assign_manually(
            actor=henan_staff,
            round_id=round.pk,
            proposal_id=proposal.pk,
            expert_id=task.expert_id,
            reason="仍请其评审",
        )


def test_load_is_balanced_and_assignment_is_deterministic(
    henan_staff, make_expert, make_review_proposal
):
    proposals = [make_review_proposal() for _ in range(7)]
    experts = [make_expert("410105") for _ in range(4)]
    round = _round(henan_staff, proposals)
    services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=2)
    loads = [Assignment.objects.filter(round=round, expert=e).count() for e in experts]
    assert sum(loads) == 14
    assert max(loads) <= math.ceil(14 / 4) + 1
    assert max(loads) - min(loads) <= 1
    first = sorted(Assignment.objects.filter(round=round).values_list("proposal_id", "expert_id"))

    again = services.round_create(actor=henan_staff, profile="henan", call_year=2020)
    services.round_add_proposals(
        actor=henan_staff, round_id=again.pk, proposal_ids=[p.pk for p in proposals]
    )
    services.assign_automatically(actor=henan_staff, round_id=again.pk, per_proposal=2)
    second = sorted(Assignment.objects.filter(round=again).values_list("proposal_id", "expert_id"))
    assert first == second


def test_manual_override_records_its_reason(henan_staff, make_expert, make_review_proposal):
    proposal = make_review_proposal(region="410305")
    local = make_expert("410302", fields=("轴承",))
    round = _round(henan_staff, [proposal])

    with pytest.raises(ValidationFailed):
        services.assign_manually(
            actor=henan_staff,
            round_id=round.pk,
            proposal_id=proposal.pk,
            expert_id=local.pk,
            reason=" ",
        )
    assignment = services.assign_manually(
        actor=henan_staff,
        round_id=round.pk,
        proposal_id=proposal.pk,
        expert_id=local.pk,
        reason="省内轴承领域仅此一位专家",
    )
    assert assignment.by == Assignment.By.MANUAL
    assert assignment.override_reason == "省内轴承领域仅此一位专家"
    assert "推荐地区" in assignment.accepted_conflict
    entry = AuditEntry.objects.filter(action="lianmeng.review.assigned.manual").latest("id")
    assert entry.summary["after"]["reason"] == "省内轴承领域仅此一位专家"
    assert entry.summary["after"]["accepted_conflict"] == ["same_area"]


def test_manual_override_still_refuses_a_member_unit_expert(
    henan_staff, make_unit, make_expert, make_review_proposal
):
    member = make_unit("410105")
    proposal = make_review_proposal(members=(member,))
    insider = make_expert(unit=member)
    round = _round(henan_staff, [proposal])
    with pytest.raises(Conflict) as excinfo:
        services.assign_manually(
            actor=henan_staff,
            round_id=round.pk,
            proposal_id=proposal.pk,
            expert_id=insider.pk,
            reason="专业对口",
        )
    assert "成员单位" in excinfo.value.message
    assert not Assignment.objects.filter(round=round).exists()


def test_unavailable_experts_are_not_assigned(henan_staff, make_expert, make_review_proposal):
    proposal = make_review_proposal()
    make_expert("410105", available=False)
    ready = make_expert("410105")
    round = _round(henan_staff, [proposal])
    services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=2)
    assert _assigned(round, proposal) == {ready.pk}


def test_other_departments_cannot_touch_the_round(
    henan_staff, make_user, make_expert, make_review_proposal
):
    from lianmeng.core.errors import NotFound

    proposal = make_review_proposal()
    make_expert("410105")
    round = _round(henan_staff, [proposal])
    city = make_user(["competent"], jurisdiction="410300")
    with pytest.raises(NotFound):
        services.assign_automatically(actor=city, round_id=round.pk)
    with pytest.raises(NotFound):
        services.round_close(actor=city, round_id=round.pk)


def test_round_candidates_are_the_departments_own(henan_staff, luoyang_staff, make_review_proposal):
    from lianmeng.experts.selectors import round_candidates

    henan_case = make_review_proposal(profile="henan", region="410305")
    make_review_proposal(profile="henan", region="410305", status="submitted")
    luoyang_case = make_review_proposal(profile="luoyang", region="410305")
    henan_round = services.round_create(actor=henan_staff, profile="henan", call_year=2020)
    city_round = services.round_create(actor=luoyang_staff, profile="luoyang", call_year=2020)
    assert list(round_candidates(viewer=henan_staff, round=henan_round)) == [henan_case]
    assert list(round_candidates(viewer=luoyang_staff, round=city_round)) == [luoyang_case]
