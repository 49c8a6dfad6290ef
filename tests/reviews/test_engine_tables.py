"""Luoyang, Baoding and Heilongjiang through the same engine; Henan's zone and department
routes (M-03); the filing side recorded by the hook."""

from __future__ import annotations

import pytest
from django.db import transaction

from lianmeng.core.errors import NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import Unit
from lianmeng.proposals.lifecycle import (
    allowed_transitions,
    proposal_transition,
    record_state_change,
)
from lianmeng.reviews.models import ZoneFiling
from lianmeng.reviews.selectors import zone_filing_list
from lianmeng.reviews.services import zone_filing_submit
from lianmeng.workflow.models import StateChange


def _history(proposal) -> list[str]:
    return list(
        StateChange.objects.of(proposal).order_by("at", "id").values_list("transition", flat=True)
    )


def test_luoyang_county_preliminary_review_then_city_recognises(
    file_proposal, staff, at, review_closed
):
    at(2019, 9, 1, 9)
    proposal = file_proposal("luoyang")
    assert proposal.region.code == "410305"
    county, city = staff("410305"), staff("410300", "recommender", "competent")
    assert [t.id for t in allowed_transitions(actor=county, proposal=proposal)] == [
        "preliminary_review",
        "return_county",
    ]
    with pytest.raises(ValidationFailed, match="请填写初审意见"):
        proposal_transition(actor=county, pk=proposal.pk, transition="preliminary_review")
    proposal_transition(
        actor=county,
        pk=proposal.pk,
        transition="preliminary_review",
        reason="材料齐全，符合第六条条件",
    )
    proposal_transition(actor=county, pk=proposal.pk, transition="recommend_county")
    proposal_transition(actor=city, pk=proposal.pk, transition="accept")
    proposal_transition(actor=city, pk=proposal.pk, transition="start_review", via="review")
    proposal = proposal_transition(
        actor=city, pk=proposal.pk, transition="recognise", reason="同意认定", via="decide"
    )
    assert proposal.status == "recognised"
    assert _history(proposal) == [
        "submit",
        "preliminary_review",
        "recommend_county",
        "accept",
        "start_review",
        "recognise",
    ]
    first = StateChange.objects.of(proposal).get(transition="preliminary_review")
    assert first.reason == "材料齐全，符合第六条条件"
    assert first.actor_office == "洛阳市涧西区科学技术局"


def test_decisions_wait_for_the_review_round(file_proposal, staff, at):
    at(2019, 9, 1, 9)
    proposal = file_proposal("luoyang", status="under_review")
    city = staff("410300", "competent")
    with pytest.raises(ValidationFailed, match="评审"):  # expert review supplies the guard
        proposal_transition(actor=city, pk=proposal.pk, transition="recognise", via="decide")


def test_baoding_county_letter_then_city_files_in_category_two(file_proposal, staff, at):
    at(2020, 5, 6, 10)
    proposal = file_proposal("baoding", mutate=lambda d: d.pop("category"))
    county, city = staff("130602"), staff("130600", "competent")
    proposal_transition(
        actor=county, pk=proposal.pk, transition="recommend_county", reason="同意推荐"
    )
    with pytest.raises(ValidationFailed, match="请选择备案类别"):
        proposal_transition(actor=city, pk=proposal.pk, transition="file", via="decide")
    with pytest.raises(ValidationFailed, match="请选择备案类别"):
        proposal_transition(
            actor=city, pk=proposal.pk, transition="file", data={"category": 4}, via="decide"
        )
    proposal = proposal_transition(
        actor=city, pk=proposal.pk, transition="file", data={"category": 2}, via="decide"
    )
    assert proposal.status == "filed"
    change = StateChange.objects.of(proposal).get(transition="file")
    assert change.data["category"] == 2 and change.data["category_name"] == "产业创新联盟"


def test_baoding_development_zone_recommends_as_a_county(file_proposal, staff, jurisdiction, at):
    at(2020, 5, 6, 10)
    proposal = file_proposal("baoding", zone=jurisdiction("130600-HTZ"))
    county, zone = staff("130602"), staff("130600-HTZ")
    assert allowed_transitions(actor=county, proposal=proposal) == []
    assert [t.id for t in allowed_transitions(actor=zone, proposal=proposal)] == [
        "recommend_county",
        "return_county",
    ]
    proposal = proposal_transition(actor=zone, pk=proposal.pk, transition="recommend_county")
    assert StateChange.objects.of(proposal).get(transition="recommend_county").actor_office == (
        "保定国家高新技术产业开发区管理委员会"
    )


def test_heilongjiang_coordination_group_selects_pilots(file_proposal, staff, at):
    at(2013, 8, 20, 10)
    chosen = file_proposal("heilongjiang")
    group = staff("230000", "coordination")
    competent = staff("230000", "competent")
    assert allowed_transitions(actor=competent, proposal=chosen) == []
    with pytest.raises(PermissionDenied):
        proposal_transition(actor=competent, pk=chosen.pk, transition="select_pilot", via="decide")
    chosen = proposal_transition(
        actor=group, pk=chosen.pk, transition="select_pilot", reason="择优确定", via="decide"
    )
    assert chosen.status == "pilot"


# -- Henan: free-trade-zone delegation (M-03) ---------------------------------------------------


def _in_luoyang_zone(document: dict) -> None:
    from tests.conftest import make_uscc

    lead = make_uscc("410305")
    document["lead_unit"]["uscc"] = lead
    document["lead_unit"]["free_trade_zone"] = "中国（河南）自由贸易试验区洛阳片区"
    document["lead_unit"].pop("high_tech_zone", None)
    document["members"][0]["uscc"] = lead
    document["members"][0].pop("region_code", None)
    document["name"] = "河南省智能装备产业技术创新战略联盟"


def test_zone_committee_acts_for_the_province_and_files_its_list(
    file_proposal, staff, jurisdiction, at, review_closed
):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan", mutate=_in_luoyang_zone)
    assert proposal.zone.code == "410300-FTZ"
    zone = staff("410300-FTZ", "recommender", "competent")
    province = staff("410000", "competent")
    county, city = staff("410305"), staff("410300")
    assert allowed_transitions(actor=county, proposal=proposal) == []
    assert allowed_transitions(actor=city, proposal=proposal) == []
    assert [t.id for t in allowed_transitions(actor=zone, proposal=proposal)] == [
        "recommend_zone",
        "return_zone",
    ]
    proposal_transition(actor=zone, pk=proposal.pk, transition="recommend_zone", reason="同意")

    # the province sees the proposal but cannot act in the zone's place
    assert allowed_transitions(actor=province, proposal=proposal) == []
    with pytest.raises(PermissionDenied) as caught:
        proposal_transition(actor=province, pk=proposal.pk, transition="accept")
    assert "洛阳片区" in caught.value.message and "不能代为办理" in caught.value.message

    from lianmeng.reviews.services import paper_copies_record

    from .conftest import beijing

    at(2020, 9, 25, 16)  # the zone keeps its own office hours
    paper_copies_record(
        actor=zone,
        pk=proposal.pk,
        copies=2,
        received_at=beijing(2020, 9, 25, 15),
        received_by="片区受理员",
    )
    for step, via in (("accept", ""), ("start_review", "review"), ("approve", "decide")):
        proposal = proposal_transition(actor=zone, pk=proposal.pk, transition=step, via=via)
    assert proposal.status == "approved_to_build"

    filing = zone_filing_submit(actor=zone, year=2020, note="2020年度新组建联盟")
    assert filing.filed_with.code == "410000"
    assert [item["name"] for item in filing.items] == ["河南省智能装备产业技术创新战略联盟"]
    assert list(zone_filing_list(viewer=province)) == [filing]
    assert list(zone_filing_list(viewer=county)) == []
    with pytest.raises(ValidationFailed, match="没有尚未报备的新组建联盟"):
        zone_filing_submit(actor=zone, year=2020)
    with pytest.raises(PermissionDenied):
        zone_filing_submit(actor=province, year=2020)
    assert ZoneFiling.objects.count() == 1


def test_provincial_department_named_as_recommender(file_proposal, staff, make_unit, at):
    at(2020, 9, 1, 10)

    def choose_department(document: dict) -> None:
        document["recommender"] = {"name": "河南省工业和信息化厅", "region_code": "410000"}

    proposal = file_proposal("henan", mutate=choose_department)
    department_unit = Unit.objects.create(
        name="河南省工业和信息化厅",
        kind="government",
        org_code="00000001-9",
        region=proposal.region.parent.parent,
    )
    department = staff("410000", "recommender", unit=department_unit)
    other = staff(
        "410000",
        "recommender",
        unit=make_unit("410000", name="河南省农业农村厅", kind="government"),
    )
    county = staff("410182")
    assert allowed_transitions(actor=county, proposal=proposal) == []
    assert allowed_transitions(actor=other, proposal=proposal) == []
    assert [t.id for t in allowed_transitions(actor=department, proposal=proposal)] == [
        "recommend_department",
        "return_department",
    ]
    proposal = proposal_transition(
        actor=department, pk=proposal.pk, transition="recommend_department"
    )
    assert proposal.status == "recommended"
    change = StateChange.objects.of(proposal).get(transition="recommend_department")
    assert change.actor_office == "河南省工业和信息化厅"


def test_filing_side_changes_are_recorded_by_the_hook(file_proposal, staff, applicant, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    lead = applicant(proposal)
    county = staff("410182")
    proposal_transition(
        actor=county, pk=proposal.pk, transition="return_county", reason="补充协议书"
    )
    with transaction.atomic():
        proposal.refresh_from_db()
        proposal.status = "submitted"
        proposal.save()
        change = record_state_change(
            proposal=proposal,
            from_state="returned",
            to_state="submitted",
            transition="submit",
            actor=lead,
        )
    assert change.label == "提交" and change.kind == "submit"
    assert change.actor_office == proposal.lead_unit.name
    assert _history(proposal) == ["submit", "return_county", "submit"]
    with transaction.atomic(), pytest.raises(ValueError, match="unknown state"):
        record_state_change(
            proposal=proposal,
            from_state="submitted",
            to_state="gone",
            transition="withdraw",
            actor=lead,
        )


def test_external_transitions_are_not_fired_by_the_engine(file_proposal, applicant, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    lead = applicant(proposal)
    with pytest.raises(Exception, match="申报单位在申报页面办理"):
        proposal_transition(actor=lead, pk=proposal.pk, transition="withdraw")


def test_unknown_transition_name(file_proposal, staff, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    with pytest.raises(
        ValidationFailed, match="没有名为“approve_now”的操作.*您可以：推荐、退回修改"
    ):
        proposal_transition(actor=staff("410182"), pk=proposal.pk, transition="approve_now")


def test_applicant_of_another_unit_gets_not_found(file_proposal, make_user, make_unit, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    stranger = make_user(["applicant"], unit=make_unit("410182"))
    with pytest.raises(NotFound):
        proposal_transition(actor=stranger, pk=proposal.pk, transition="recommend_county")
