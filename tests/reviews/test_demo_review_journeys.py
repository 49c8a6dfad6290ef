"""The demo data the three review journeys walk with (README.md, tests/e2e/test_journey_review_*):
the Henan example submitted to the call open today, two experts outside 郑州 whom automatic
assignment picks for it, and the other examples filed on the day their documents say."""

from __future__ import annotations

from datetime import datetime, timedelta

from lianmeng.core.models import User
from lianmeng.demo import load_demo
from lianmeng.proposals.lifecycle import allowed_transitions, proposal_transition
from lianmeng.proposals.models import Proposal
from lianmeng.workflow.models import StateChange


def test_henan_example_is_submitted_to_todays_call_by_its_lead_unit(db):
    from lianmeng.core import clock

    list(load_demo())
    assert list(load_demo()) == ["演示数据已存在，未做改动。"]
    henan = Proposal.objects.filter(profile="henan").earliest("id")  # the example of `shenbao`
    now = clock.now()
    assert henan.status == "submitted"
    assert henan.call.online_opens_at <= now <= henan.call.online_closes_at
    assert henan.call_year == henan.call.year == henan.document["call_year"]
    change = StateChange.objects.of(henan).get(transition="submit")
    assert change.actor.username == "shenbao"
    assert change.actor_office == "河南豫铝新材料科技股份有限公司"
    xingyang = User.objects.get(username="xingyang")
    assert [t.id for t in allowed_transitions(actor=xingyang, proposal=henan)] == [
        "recommend_county",
        "return_county",
    ]


def test_other_examples_are_filed_on_their_documents_day_by_their_lead_units(db):
    list(load_demo())
    for profile in ("luoyang", "baoding", "heilongjiang"):
        proposal = Proposal.objects.get(profile=profile)
        filed = datetime.fromisoformat(proposal.document["submitted_at"])
        assert proposal.submitted_at == filed
        change = StateChange.objects.of(proposal).get(transition="submit")
        assert (change.at, change.actor_office) == (filed, proposal.lead_unit.name)


def test_two_experts_outside_zhengzhou_review_the_henan_example(db, monkeypatch):
    from lianmeng.core import clock
    from lianmeng.experts.services import assign_automatically, round_add_proposals, round_create
    from lianmeng.policy.uscc import validate_uscc
    from lianmeng.reviews.services import paper_copies_record

    list(load_demo())
    users = {u.username: u for u in User.objects.select_related("unit__region")}
    for username in ("zhuanjia-ly", "zhuanjia-xx"):
        unit = users[username].unit
        validate_uscc(unit.uscc)
        assert not unit.region.path.startswith(users["zhengzhou"].jurisdiction.path)
        assert users[username].expert_profile.fields
    henan = Proposal.objects.filter(profile="henan").earliest("id")  # the example of `shenbao`
    roster = {m.get("uscc") for p in Proposal.objects.all() for m in p.document["members"]}
    assert not roster & {users[u].unit.uscc for u in ("zhuanjia", "zhuanjia-ly", "zhuanjia-xx")}

    proposal_transition(actor=users["xingyang"], pk=henan.pk, transition="recommend_county")
    proposal_transition(actor=users["zhengzhou"], pk=henan.pk, transition="recommend_city")
    paper_day = henan.call.online_closes_at.astimezone(clock.BEIJING) + timedelta(days=1)
    moment = paper_day.replace(hour=9, minute=30, second=0, microsecond=0)
    monkeypatch.setattr(clock, "now", lambda: moment)
    province = users["henan"]
    paper_copies_record(
        actor=province, pk=henan.pk, copies=2, received_at=moment, received_by="收件人"
    )
    proposal_transition(actor=province, pk=henan.pk, transition="accept")
    round = round_create(actor=province, profile="henan", call_year=henan.call_year)
    round_add_proposals(actor=province, round_id=round.pk, proposal_ids=[henan.pk])
    result = assign_automatically(actor=province, round_id=round.pk, per_proposal=2)
    assert {a.expert.user.username for a in result.created} == {"zhuanjia-ly", "zhuanjia-xx"}
    assert not result.shortfalls
