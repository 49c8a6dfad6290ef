"""Profile validity enforced everywhere (issue 11, "What was seen" 4).

Every call form/action (create, publish, apply, submit, resubmit) and every department action
and decision under each profile that has a validity window, at a moment before ``valid_from``
and one after ``valid_until``, is refused with a message naming the policy document — its
title and 文号 — and never a file name. ``in_force`` itself is checked with hypothesis around
the boundaries (Beijing dates, both ends inclusive).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianmeng.core.errors import DomainError
from lianmeng.policy.loader import get_profile, load_profiles
from lianmeng.policy.timeutil import BEIJING
from lianmeng.policy.validity import in_force, lapse, window_inside

#: the profiles whose document sets a validity (Henan and Heilongjiang are open-ended)
WINDOWED = [pid for pid, p in load_profiles().items() if p.validity.valid_until]
OPEN_ENDED = [pid for pid in load_profiles() if pid not in WINDOWED]
#: a seed file name must never reach a user
SEED_NAMES = [d.seed for p in load_profiles().values() for d in p.documents if d.seed]


def _bounds(pid: str) -> tuple[date, date]:
    validity = get_profile(pid).validity
    return validity.valid_from.value, validity.valid_until.value


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BEIJING)


def _outside(pid: str, when: str) -> datetime:
    start, end = _bounds(pid)
    return _moment(start - timedelta(days=1)) if when == "before" else _moment(end + timedelta(1))


def _inside(pid: str) -> datetime:
    start, _end = _bounds(pid)
    return _moment(start + timedelta(days=5))


def assert_names_document(pid: str, message: str) -> None:
    doc = get_profile(pid).documents[0]
    assert f"《{doc.title.value}》" in message, message
    if doc.number is not None:
        assert doc.number.value in message, message
    assert not any(seed in message for seed in SEED_NAMES), message
    assert "有效期" in message or "施行" in message, message


# -- the pure function ---------------------------------------------------------------------------


def test_the_windowed_profiles_are_luoyang_and_baoding():
    assert sorted(WINDOWED) == ["baoding", "luoyang"]
    assert _bounds("luoyang") == (date(2018, 7, 10), date(2020, 12, 31))
    assert _bounds("baoding") == (date(2018, 9, 18), date(2023, 9, 17))


@pytest.mark.parametrize("pid", OPEN_ENDED)
@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_open_ended_profiles_are_always_in_force(pid, day):
    assert in_force(get_profile(pid), day)
    assert lapse(get_profile(pid), day) is None


@pytest.mark.parametrize("pid", ["luoyang", "baoding"])
@given(offset=st.integers(min_value=-3, max_value=3), edge=st.sampled_from(["from", "until"]))
def test_in_force_around_the_boundaries_inclusive(pid, offset, edge):
    start, end = _bounds(pid)
    day = (start if edge == "from" else end) + timedelta(days=offset)
    expected = start <= day <= end
    profile = get_profile(pid)
    assert in_force(profile, day) is expected
    found = lapse(profile, day)
    assert (found is None) is expected
    if found is not None:
        assert found.reason == ("not_yet" if day < start else "expired")
        assert found.title == profile.documents[0].title.value
        assert found.number == profile.documents[0].number.value


@pytest.mark.parametrize("pid", ["luoyang", "baoding"])
@given(
    seconds=st.integers(min_value=-3 * 86400, max_value=3 * 86400),
    edge=st.sampled_from(["from", "until"]),
    offset_hours=st.integers(min_value=-12, max_value=14),
)
def test_in_force_judges_the_beijing_date_of_any_instant(pid, seconds, edge, offset_hours):
    """The same instant written in any time zone is judged by its date in Beijing."""
    start, end = _bounds(pid)
    anchor = datetime.combine(start if edge == "from" else end, time(12), tzinfo=BEIJING)
    instant = anchor + timedelta(seconds=seconds)
    written = instant.astimezone(timezone(timedelta(hours=offset_hours)))
    beijing_day = instant.astimezone(BEIJING).date()
    assert in_force(get_profile(pid), written) is (start <= beijing_day <= end)


def test_the_last_second_of_the_last_day_is_inside():
    luoyang = get_profile("luoyang")
    assert in_force(luoyang, datetime(2020, 12, 31, 23, 59, 59, 999999, tzinfo=BEIJING))
    assert not in_force(luoyang, datetime(2021, 1, 1, 0, 0, tzinfo=BEIJING))
    # 16:00 UTC on the 31st is midnight in Beijing: already expired
    assert in_force(luoyang, datetime(2020, 12, 31, 15, 59, 59, tzinfo=UTC))
    assert not in_force(luoyang, datetime(2020, 12, 31, 16, 0, tzinfo=UTC))
    # a naive datetime is Beijing time
    assert in_force(luoyang, datetime(2018, 7, 10, 0, 0))
    assert not in_force(luoyang, datetime(2018, 7, 9, 23, 59, 59))


def test_window_inside_names_the_end_outside():
    baoding = get_profile("baoding")
    assert window_inside(baoding, date(2023, 8, 1), date(2023, 9, 17)) is None
    assert window_inside(baoding, date(2023, 8, 1), date(2023, 9, 18)).reason == "expired"
    assert window_inside(baoding, date(2018, 9, 17), date(2018, 10, 1)).reason == "not_yet"


# -- every form and action, under each profile, outside its validity ------------------------------

CALL_ACTIONS = ["create", "publish", "apply", "submit", "resubmit"]
CASES = [(pid, when) for pid in WINDOWED for when in ("before", "after")]


@pytest.fixture
def pin(monkeypatch):
    from lianmeng.core import clock

    def set_to(moment: datetime) -> datetime:
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    return set_to


def _call_fields(pid: str, opens: date, closes: date) -> dict[str, Any]:
    profile = get_profile(pid)
    return {
        "profile": pid,
        "jurisdiction": profile.jurisdiction.value,
        "year": opens.year,
        "title": f"关于组织申报{opens.year}年{profile.name.value}产业技术创新战略联盟的通知",
        "online_opens": opens,
        "online_closes": closes,
    }


def _published_call(pid: str, pin) -> Any:
    from lianmeng.calls.services import call_create, call_publish

    inside = _inside(pid)
    pin(inside)
    call = call_create(
        actor=None, **_call_fields(pid, inside.date(), inside.date() + timedelta(30))
    )
    return call_publish(actor=None, pk=call.pk)


def _filing(pid: str, status: str, make_review_proposal, make_user) -> tuple[Any, Any]:
    region = {"luoyang": "410305", "baoding": "130602"}[pid]
    proposal = make_review_proposal(profile=pid, status=status, region=region)
    return proposal, make_user(["applicant"], unit=proposal.lead_unit)


def _do_call_action(action, pid, when, pin, make_review_proposal, make_user, make_unit):
    from lianmeng.calls.services import call_create, call_publish
    from lianmeng.proposals.services import proposal_apply
    from lianmeng.proposals.submission import proposal_submit

    outside = _outside(pid, when)
    if action == "create":
        pin(outside)
        day = outside.date()
        return call_create(actor=None, **_call_fields(pid, day, day + timedelta(days=30)))
    if action == "publish":
        from lianmeng.calls.models import Call

        inside = _inside(pid)
        pin(inside)
        call = call_create(
            actor=None, **_call_fields(pid, inside.date(), inside.date() + timedelta(30))
        )
        pin(outside)
        try:
            return call_publish(actor=None, pk=call.pk)
        finally:
            assert Call.objects.get(pk=call.pk).status == Call.Status.DRAFT
    if action == "apply":
        call = _published_call(pid, pin)
        pin(outside)
        region = {"luoyang": "410305", "baoding": "130602"}[pid]
        applicant = make_user(["applicant"], unit=make_unit(region))
        return proposal_apply(actor=applicant, call_pk=call.pk)
    status = "draft" if action == "submit" else "returned"
    proposal, user = _filing(pid, status, make_review_proposal, make_user)
    pin(outside)
    return proposal_submit(actor=user, pk=proposal.pk)


@pytest.mark.parametrize("action", CALL_ACTIONS)
@pytest.mark.parametrize(("pid", "when"), CASES)
def test_call_actions_outside_validity_are_refused_naming_the_document(
    db, action, pid, when, pin, make_review_proposal, make_user, make_unit
):
    from lianmeng.proposals.models import Proposal, ProposalVersion

    before = Proposal.objects.count()
    with pytest.raises(DomainError) as refused:
        _do_call_action(action, pid, when, pin, make_review_proposal, make_user, make_unit)
    assert_names_document(pid, refused.value.message)
    assert not ProposalVersion.objects.exists()
    if action == "apply":
        assert Proposal.objects.count() == before  # no draft was opened


def _department_transitions(pid: str) -> list[Any]:
    """What a department fires on the 办理 page, the API and the CLI (decisions and review go
    through their own services, tested below)."""
    lifecycle = get_profile(pid).lifecycle
    return [t for t in lifecycle.transitions if not t.external]


TRANSITIONS = [(pid, t.id) for pid in WINDOWED for t in _department_transitions(pid)]


def _actor_for(proposal: Any, transition: Any, make_user) -> Any:
    from lianmeng.workflow.engine import next_steps

    step = next(s for s in next_steps(proposal) if s.transition.id == transition.id)
    return make_user([transition.role], jurisdiction=step.office.jurisdiction)


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize(("pid", "transition_id"), TRANSITIONS)
def test_every_department_action_outside_validity_needs_a_basis(
    db, pid, transition_id, when, pin, make_review_proposal, make_user
):
    from lianmeng.workflow.engine import transition as fire

    transition = get_profile(pid).lifecycle.transition(transition_id)
    region = {"luoyang": "410305", "baoding": "130602"}[pid]
    proposal = make_review_proposal(profile=pid, status=transition.from_[0], region=region)
    actor = _actor_for(proposal, transition, make_user)
    pin(_outside(pid, when))
    owner = {"approve": "decide", "decline": "decide", "review": "review"}.get(transition.kind)
    with pytest.raises(DomainError) as refused:
        fire(
            actor=actor,
            kind="proposal",
            pk=proposal.pk,
            transition=transition.id,
            reason="意见",
            via=owner or "",
        )
    assert_names_document(pid, refused.value.message)
    assert refused.value.details["reason"] == "policy_lapsed"
    proposal.refresh_from_db()
    assert proposal.status == transition.from_[0]
    if transition.kind == "return":  # the lead unit could never submit again: no basis helps
        with pytest.raises(DomainError) as again:
            fire(
                actor=actor,
                kind="proposal",
                pk=proposal.pk,
                transition=transition.id,
                reason="请修改",
                data={"basis": "某某通知"},
            )
        assert "不能退回" in again.value.message
        assert_names_document(pid, again.value.message)


def _decision_case(pid: str, make_review_proposal) -> tuple[Any, list[str]]:
    lifecycle = get_profile(pid).lifecycle
    approve = lifecycle.of_kind("approve")[0]
    region = {"luoyang": "410305", "baoding": "130602"}[pid]
    proposal = make_review_proposal(profile=pid, status=approve.from_[0], region=region)
    return proposal, [get_profile(pid).outcome.value, "decline"]


@pytest.fixture
def staff_of(luoyang_staff, baoding_staff):
    return {"luoyang": luoyang_staff, "baoding": baoding_staff}


@pytest.mark.parametrize("kind", ["outcome", "decline"])
@pytest.mark.parametrize(("pid", "when"), CASES)
def test_decisions_outside_validity_need_a_recorded_basis(
    db, pid, when, kind, pin, make_review_proposal, staff_of
):
    from lianmeng.alliances import services
    from lianmeng.alliances.models import Decision

    proposal, kinds = _decision_case(pid, make_review_proposal)
    chosen = kinds[0] if kind == "outcome" else "decline"
    category = 2 if pid == "baoding" and chosen != "decline" else None
    pin(_outside(pid, when))
    with pytest.raises(DomainError) as refused:
        services.decision_stage(
            actor=staff_of[pid],
            proposal_id=proposal.pk,
            kind=chosen,
            reason="理由",
            category=category,
        )
    assert_names_document(pid, refused.value.message)
    assert "依据" in refused.value.message  # and it says how to go on
    assert not Decision.objects.exists()
    staged = services.decision_stage(
        actor=staff_of[pid],
        proposal_id=proposal.pk,
        kind=chosen,
        reason="理由",
        category=category,
        basis="市政府办公室关于延续执行的通知（示例〔2021〕1号）",
    )
    assert staged.basis.startswith("市政府办公室")


@pytest.mark.parametrize(("pid", "when"), CASES)
def test_a_decision_staged_in_force_is_refused_at_publishing_outside(
    db, pid, when, pin, make_review_proposal, staff_of
):
    """Staged while the policy was in force, published after it lapsed: the engine refuses
    naming the document (nothing is published); staged again with a basis, it goes through
    and the basis is in the history."""
    from lianmeng.alliances import services
    from lianmeng.alliances.models import Decision
    from lianmeng.experts import services as review
    from lianmeng.workflow.models import StateChange

    staff = staff_of[pid]
    proposal, kinds = _decision_case(pid, make_review_proposal)
    pin(_inside(pid))
    if pid == "luoyang":  # the review round must be closed before 认定
        proposal.status = "accepted"
        proposal.save(update_fields=["status"])
        round = review.round_create(actor=staff, profile=pid, call_year=2020)
        review.round_add_proposals(actor=staff, round_id=round.pk, proposal_ids=[proposal.pk])
        review.round_close(actor=staff, round_id=round.pk)
    category = 2 if pid == "baoding" else None
    decision = services.decision_stage(
        actor=staff, proposal_id=proposal.pk, kind=kinds[0], category=category
    )
    pin(_outside(pid, when))
    with pytest.raises(DomainError) as refused:
        services.decisions_publish(actor=staff, ids=[decision.pk])
    assert_names_document(pid, refused.value.message)
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.STAGED

    basis = "关于继续办理存量申报的通知（示例〔2021〕2号）"
    decision = services.decision_stage(
        actor=staff, proposal_id=proposal.pk, kind=kinds[0], category=category, basis=basis
    )
    services.decisions_publish(actor=staff, ids=[decision.pk])
    change = StateChange.objects.of(proposal).order_by("-id").first()
    assert change.data["basis"] == basis
    assert change.data["policy_lapsed"]["document"].startswith("《")


def test_a_transition_with_a_basis_records_it_and_the_history_shows_it(
    db, client, pin, make_review_proposal, make_user
):
    from tests.conftest import PASSWORD

    proposal = make_review_proposal(profile="luoyang", status="submitted", region="410305")
    county = make_user(["recommender"], jurisdiction="410305")
    pin(_outside("luoyang", "after"))
    client.login(username=county.username, password=PASSWORD)
    page = client.get(f"/reviews/proposals/{proposal.pk}/").content.decode()
    assert "政策已失效" in page and "洛政办〔2018〕54号" in page and 'name="basis"' in page
    response = client.post(
        f"/reviews/proposals/{proposal.pk}/transition/",
        {"transition": "preliminary_review", "reason": "初审通过"},
        follow=True,
    )
    assert "须在“依据”栏写明" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    basis = "洛阳市科技局关于存量申报继续办理的通知"
    client.post(
        f"/reviews/proposals/{proposal.pk}/transition/",
        {"transition": "preliminary_review", "reason": "初审通过", "basis": basis},
    )
    proposal.refresh_from_db()
    assert proposal.status == "preliminary_passed"
    page = client.get(f"/reviews/proposals/{proposal.pk}/").content.decode()
    assert basis in page and "依据" in page


# -- what people see -----------------------------------------------------------------------------


def test_a_call_under_a_lapsed_policy_is_never_shown_as_open(db, client, pin, make_user, make_unit):
    """An existing call (made before this rule) whose window is open today under the expired
    Luoyang 办法: the list says 政策已失效 with the document, the page offers no 在线申报, the
    applicant's home lists no open call."""
    from lianmeng.calls.models import Call
    from lianmeng.core.models import Jurisdiction
    from tests.conftest import PASSWORD

    now = pin(_outside("luoyang", "after"))
    call = Call.objects.create(
        profile="luoyang",
        jurisdiction=Jurisdiction.objects.get(code="410300"),
        year=now.year,
        title="关于组织申报洛阳市产业技术创新战略联盟的通知",
        online_opens_at=now - timedelta(days=10),
        online_closes_at=now + timedelta(days=10),
        status=Call.Status.PUBLISHED,
        published_at=now - timedelta(days=10),
    )
    listing = client.get("/calls/").content.decode()
    assert "政策已失效" in listing and "正在受理" not in listing
    assert "洛政办〔2018〕54号" in listing
    detail = client.get(f"/calls/{call.pk}/").content.decode()
    assert "不能再按该办法新建申报" in detail
    assert f"/calls/{call.pk}/apply/" not in detail
    applicant = make_user(["applicant"], unit=make_unit("410305"))
    client.login(username=applicant.username, password=PASSWORD)
    home = client.get("/home/").content.decode()
    assert call.title not in home


def test_the_editor_shows_the_banner_before_trying(
    db, client, pin, make_review_proposal, make_user
):
    from tests.conftest import PASSWORD

    proposal, user = _filing("baoding", "returned", make_review_proposal, make_user)
    pin(_outside("baoding", "after"))
    client.login(username=user.username, password=PASSWORD)
    for url in (
        f"/proposals/{proposal.pk}/edit/section/facts/",
        f"/proposals/{proposal.pk}/submit/",
    ):
        page = client.get(url).content.decode()
        assert "《保定市推进产业创新战略联盟建设实施办法》（保政办发〔2018〕18号）" in page, url
        assert "有效期至2023年9月17日，已失效，不能再提交申报" in page, url


def test_the_api_asks_for_the_basis_and_records_it(
    db, client, pin, token_for, make_review_proposal, make_user, baoding_staff
):
    from tests.api.conftest import API, assert_error, bearer

    proposal = make_review_proposal(profile="luoyang", status="submitted", region="410305")
    county = make_user(["recommender"], jurisdiction="410305")
    pin(_outside("luoyang", "after"))
    url = f"{API}/proposals/{proposal.pk}/transitions/preliminary_review"
    headers = bearer(token_for(county))
    refused = client.post(
        url, {"reason": "初审通过"}, content_type="application/json", headers=headers
    )
    body = assert_error(refused, 422)
    assert_names_document("luoyang", body["message"])
    done = client.post(
        url,
        {"reason": "初审通过", "data": {"basis": "某某通知（示例〔2021〕3号）"}},
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 200, done.content
    assert done.json()["last_change"]["data"]["basis"] == "某某通知（示例〔2021〕3号）"

    filed = make_review_proposal(profile="baoding", status="recommended", region="130602")
    pin(_outside("baoding", "after"))
    staff = bearer(token_for(baoding_staff))
    stage = {"proposal": filed.pk, "kind": "file", "category": 2}
    body = assert_error(
        client.post(f"{API}/decisions", stage, content_type="application/json", headers=staff),
        422,
    )
    assert_names_document("baoding", body["message"])
    staged = client.post(
        f"{API}/decisions",
        {**stage, "basis": "保定市科技局关于继续备案的通知"},
        content_type="application/json",
        headers=staff,
    )
    assert staged.status_code == 201, staged.content
    assert staged.json()["basis"] == "保定市科技局关于继续备案的通知"


def test_the_cli_refuses_without_a_basis_and_records_it(
    db, pin, make_review_proposal, make_user, capsys
):
    from lianmeng.cli import main as cli_main

    proposal = make_review_proposal(profile="baoding", status="submitted", region="130602")
    make_user(["recommender"], jurisdiction="130602", username="jingxiu-cli")
    pin(_outside("baoding", "after"))
    args = ["proposal", "transition", str(proposal.pk), "recommend_county", "--as", "jingxiu-cli"]
    assert cli_main([*args, "--reason", "同意推荐"]) == 1
    err = capsys.readouterr().err
    assert_names_document("baoding", err)
    assert "依据" in err
    basis = "保定市科技局关于存量申报继续办理的通知"
    assert cli_main([*args, "--reason", "同意推荐", "--basis", basis]) == 0
    capsys.readouterr()
    assert cli_main(["proposal", "history", str(proposal.pk)]) == 0
    assert f"依据：{basis}" in capsys.readouterr().out


def test_the_staff_call_form_keeps_the_input_and_names_the_document(db, client, pin, luoyang_staff):
    from lianmeng.calls.models import Call
    from tests.conftest import PASSWORD

    now = pin(_outside("luoyang", "after"))
    client.login(username=luoyang_staff.username, password=PASSWORD)
    form = client.get("/staff/calls/new/").content.decode()
    assert "洛阳市（政策已失效）" in form
    response = client.post(
        "/staff/calls/new/",
        {
            "profile": "luoyang",
            "year": now.year,
            "title": "关于组织申报洛阳市产业技术创新战略联盟的通知",
            "online_opens": now.date().isoformat(),
            "online_closes": (now.date() + timedelta(days=30)).isoformat(),
            "paper_copies": 2,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "《洛阳市产业技术创新战略联盟构建和发展实施办法》（洛政办〔2018〕54号）" in page
    assert "关于组织申报洛阳市产业技术创新战略联盟的通知" in page  # nothing typed is lost
    assert not Call.objects.exists()

    # a draft saved while the 办法 was in force cannot be published after it expired
    pin(_inside("luoyang"))
    inside = _inside("luoyang").date()
    client.post(
        "/staff/calls/new/",
        {
            "profile": "luoyang",
            "year": inside.year,
            "title": "关于组织申报洛阳市产业技术创新战略联盟的通知",
            "online_opens": inside.isoformat(),
            "online_closes": (inside + timedelta(days=30)).isoformat(),
            "paper_copies": 2,
        },
    )
    call = Call.objects.get()
    pin(_outside("luoyang", "after"))
    response = client.post(f"/staff/calls/{call.pk}/publish/", follow=True)
    assert "不能按该办法发布申报通知" in response.content.decode()
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT
