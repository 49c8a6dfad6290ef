"""Decisions: staged, then published together (all or nothing) through the lifecycle engine;
a positive decision enters the registry with the profile's name, status, category and period."""

from __future__ import annotations

from datetime import date

import pytest

from lianmeng.alliances import services
from lianmeng.alliances.models import Alliance, Decision
from lianmeng.alliances.naming import alliance_name
from lianmeng.core.errors import PermissionDenied, ValidationFailed
from lianmeng.experts import services as review
from lianmeng.policy.loader import get_profile


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("洛阳市轴承产业技术创新战略联盟", "洛阳市轴承产业技术创新战略联盟"),
        ("洛阳轴承产业联盟", "洛阳市轴承产业技术创新战略联盟"),
        ("新能源汽车创新联盟", "洛阳市新能源汽车产业技术创新战略联盟"),
        ("洛阳市高端装备制造产业技术创新联盟", "洛阳市高端装备制造产业技术创新战略联盟"),
        (" 洛阳市 耐火材料 战略联盟 ", "洛阳市耐火材料产业技术创新战略联盟"),
    ],
)
def test_luoyang_names_follow_the_pattern(typed, named):
    assert alliance_name(get_profile("luoyang"), typed) == named


def test_a_name_without_core_words_is_refused():
    with pytest.raises(ValidationFailed) as excinfo:
        alliance_name(get_profile("luoyang"), "洛阳市产业技术创新战略联盟")
    assert "洛阳市×××产业技术创新战略联盟" in excinfo.value.message


def test_baoding_keeps_the_proposal_name():
    assert (
        alliance_name(get_profile("baoding"), "保定市电力装备创新联盟") == "保定市电力装备创新联盟"
    )


def _reviewed(staff, proposals, *, profile="henan", close=True):
    round = review.round_create(actor=staff, profile=profile, call_year=2020)
    review.round_add_proposals(
        actor=staff, round_id=round.pk, proposal_ids=[p.pk for p in proposals]
    )
    if close:
        review.round_close(actor=staff, round_id=round.pk)
    for proposal in proposals:
        proposal.refresh_from_db()
    return round


@pytest.fixture
def applicant_of(make_user):
    def make(proposal):
        return make_user(["applicant"], unit=proposal.lead_unit)

    return make


def test_henan_stage_then_publish_together(
    henan_staff,
    make_review_proposal,
    applicant_of,
    django_capture_on_commit_callbacks,
    mailoutbox,
    monkeypatch,
):
    from datetime import datetime

    from lianmeng.core import clock
    from lianmeng.reviews.models import Notification

    monkeypatch.setattr(clock, "now", lambda: datetime(2020, 11, 16, 10, 0, tzinfo=clock.BEIJING))
    approved = make_review_proposal(name="河南省轴承产业技术创新战略联盟")
    declined = make_review_proposal(name="河南省陶瓷产业联盟")
    applicant = applicant_of(approved)
    applicant.email = "lead@example.cn"
    applicant.save()
    _reviewed(henan_staff, [approved, declined])

    with pytest.raises(ValidationFailed):  # a decline needs its reasons
        services.decision_stage(actor=henan_staff, proposal_id=declined.pk, kind="decline")
    with pytest.raises(ValidationFailed):  # Henan approves to build, it does not file
        services.decision_stage(actor=henan_staff, proposal_id=approved.pk, kind="file")
    yes = services.decision_stage(
        actor=henan_staff, proposal_id=approved.pk, kind="approve_to_build", reason="专家评审通过"
    )
    no = services.decision_stage(
        actor=henan_staff, proposal_id=declined.pk, kind="decline", reason="成员单位构成不足"
    )
    approved.refresh_from_db()
    assert approved.status == "under_review"  # staging changes nothing yet
    assert yes.alliance_name == "河南省轴承产业技术创新战略联盟"

    with django_capture_on_commit_callbacks(execute=True):
        services.decisions_publish(actor=henan_staff, ids=[yes.pk, no.pk])

    approved.refresh_from_db()
    declined.refresh_from_db()
    assert (approved.status, declined.status) == ("approved_to_build", "declined")
    yes.refresh_from_db()
    assert yes.status == Decision.Status.PUBLISHED and yes.published_by == henan_staff
    alliance = Alliance.objects.get(proposal=approved)
    assert alliance.status == Alliance.Status.BUILDING
    assert alliance.decided_on == date(2020, 11, 16)
    assert alliance.construction_deadline == date(2021, 11, 16)
    assert alliance.level == "provincial" and alliance.authority == "河南省科学技术厅"
    assert not Alliance.objects.filter(proposal=declined).exists()
    note = Notification.objects.get(recipient=applicant)
    assert "批准筹建" in note.subject and "2021年11月16日" in note.body
    assert mailoutbox and mailoutbox[0].to == ["lead@example.cn"]


def test_publishing_is_all_or_nothing(henan_staff, make_review_proposal):
    ready = make_review_proposal()
    pending = make_review_proposal()
    _reviewed(henan_staff, [ready])
    _reviewed(henan_staff, [pending], close=False)  # its review round is still open
    a = services.decision_stage(actor=henan_staff, proposal_id=ready.pk, kind="approve_to_build")
    b = services.decision_stage(actor=henan_staff, proposal_id=pending.pk, kind="approve_to_build")
    with pytest.raises(ValidationFailed) as excinfo:
        services.decisions_publish(actor=henan_staff, ids=[a.pk, b.pk])
    assert "尚未结束" in excinfo.value.message and "均未发布" in excinfo.value.message
    ready.refresh_from_db()
    assert ready.status == "under_review"
    assert not Alliance.objects.exists()
    assert set(Decision.objects.values_list("status", flat=True)) == {"staged"}


def test_restaging_replaces_the_staged_decision(henan_staff, make_review_proposal):
    proposal = make_review_proposal()
    _reviewed(henan_staff, [proposal])
    services.decision_stage(actor=henan_staff, proposal_id=proposal.pk, kind="approve_to_build")
    services.decision_stage(
        actor=henan_staff, proposal_id=proposal.pk, kind="decline", reason="重新研究后不予批准"
    )
    (decision,) = Decision.objects.filter(proposal=proposal)
    assert decision.kind == "decline"


def test_other_departments_cannot_decide(henan_staff, luoyang_staff, make_review_proposal):
    proposal = make_review_proposal(region="410305")
    _reviewed(henan_staff, [proposal])
    with pytest.raises(PermissionDenied):
        services.decision_stage(
            actor=luoyang_staff, proposal_id=proposal.pk, kind="approve_to_build"
        )


def test_baoding_files_with_category_two(baoding_staff, make_review_proposal, policies_in_force):
    proposal = make_review_proposal(
        profile="baoding", status="recommended", region="130602", name="保定市电力装备创新联盟"
    )
    with pytest.raises(ValidationFailed) as excinfo:
        services.decision_stage(actor=baoding_staff, proposal_id=proposal.pk, kind="file")
    assert "备案类别" in excinfo.value.message
    decision = services.decision_stage(
        actor=baoding_staff, proposal_id=proposal.pk, kind="file", category=2
    )
    services.decisions_publish(actor=baoding_staff, ids=[decision.pk])
    proposal.refresh_from_db()
    assert proposal.status == "filed"
    alliance = Alliance.objects.get(proposal=proposal)
    assert (alliance.status, alliance.category, alliance.name) == (
        Alliance.Status.FILED,
        2,
        "保定市电力装备创新联盟",
    )
    assert alliance.construction_deadline is None
    from lianmeng.workflow.models import StateChange

    change = StateChange.objects.of(proposal).get(transition="file")
    assert change.data["category"] == 2 and change.data["category_name"] == "产业创新联盟"


def test_luoyang_recognises_with_the_unified_name(
    luoyang_staff, make_review_proposal, policies_in_force
):
    proposal = make_review_proposal(profile="luoyang", region="410305", name="洛阳轴承产业联盟")
    _reviewed(luoyang_staff, [proposal], profile="luoyang")
    with pytest.raises(ValidationFailed):
        services.decision_stage(
            actor=luoyang_staff, proposal_id=proposal.pk, kind="recognise", name="轴承联盟"
        )
    decision = services.decision_stage(
        actor=luoyang_staff, proposal_id=proposal.pk, kind="recognise"
    )
    services.decisions_publish(actor=luoyang_staff, ids=[decision.pk])
    alliance = Alliance.objects.get(proposal=proposal)
    assert alliance.name == "洛阳市轴承产业技术创新战略联盟"
    assert alliance.status == Alliance.Status.RECOGNISED
    assert alliance.authority == "洛阳市科学技术局" and alliance.level == "municipal"


def test_heilongjiang_pilot_is_chosen_by_the_coordination_group(make_user, make_review_proposal):
    group = make_user(["coordination"], jurisdiction="230000")
    proposal = make_review_proposal(profile="heilongjiang", status="submitted", region="230102")
    decision = services.decision_stage(actor=group, proposal_id=proposal.pk, kind="pilot")
    services.decisions_publish(actor=group, ids=[decision.pk])
    proposal.refresh_from_db()
    assert proposal.status == "pilot"
    assert Alliance.objects.get(proposal=proposal).status == Alliance.Status.PILOT


def test_decisions_page_stages_and_publishes_selected(
    client, login, henan_staff, make_review_proposal
):
    first, second = make_review_proposal(), make_review_proposal()
    _reviewed(henan_staff, [first, second])
    login(henan_staff)
    page = client.get("/staff/decisions/").content.decode()
    assert first.name in page and "批准筹建" in page
    for proposal in (first, second):
        response = client.post(
            "/staff/decisions/stage/",
            {"proposal": proposal.pk, "kind": "approve_to_build", "reason": "同意"},
        )
        assert response.status_code == 302
    staged = list(Decision.objects.order_by("id").values_list("pk", flat=True))
    response = client.post(
        "/staff/decisions/publish/", {"decisions": staged, "confirmed": "1"}, follow=True
    )
    assert "已发布 2 项决定" in response.content.decode()
    assert Alliance.objects.count() == 2


def test_decisions_api(client, token_for, henan_staff, make_review_proposal):
    from tests.api.conftest import API, assert_error, bearer

    proposal = make_review_proposal()
    _reviewed(henan_staff, [proposal])
    headers = bearer(token_for(henan_staff))
    response = client.post(
        f"{API}/decisions",
        {"proposal": proposal.pk, "kind": "approve_to_build", "reason": "同意"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.content
    decision = response.json()
    assert decision["status"] == "staged" and decision["transition"] == "approve"
    listed = client.get(f"{API}/decisions", headers=headers).json()
    assert [d["id"] for d in listed["items"]] == [decision["id"]]
    response = client.post(
        f"{API}/decisions/publish",
        {"decisions": [decision["id"]]},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200, response.content
    assert response.json()[0]["status"] == "published"
    again = client.post(
        f"{API}/decisions/publish",
        {"decisions": [decision["id"]]},
        content_type="application/json",
        headers=headers,
    )
    assert_error(again, 404)


def test_decisions_list_holds_only_what_the_department_decides(
    henan_staff, luoyang_staff, make_review_proposal, policies_in_force
):
    from lianmeng.alliances.selectors import decidable_proposals

    henan_case = make_review_proposal(profile="henan", region="410305")
    luoyang_case = make_review_proposal(profile="luoyang", region="410305")
    _reviewed(henan_staff, [henan_case])
    _reviewed(luoyang_staff, [luoyang_case], profile="luoyang")
    # the city sees both proposals of its area, but decides only on Luoyang's
    assert list(decidable_proposals(viewer=luoyang_staff)) == [luoyang_case]
    assert list(decidable_proposals(viewer=henan_staff)) == [henan_case]
