"""The demo accounts the three journeys need, and their first steps on the demo proposals."""

from __future__ import annotations

from lianmeng.core.models import User
from lianmeng.demo import load_demo
from lianmeng.proposals.lifecycle import allowed_transitions
from lianmeng.proposals.models import Proposal
from lianmeng.workflow.models import StateChange


def test_demo_accounts_for_the_journeys(db):
    list(load_demo())
    again = list(load_demo())
    assert again == ["演示数据已存在，未做改动。"]
    places = dict(
        User.objects.filter(
            username__in=["xingyang", "zhengzhou", "jingxiu", "baoding", "luoyangftz"]
        ).values_list("username", "jurisdiction__code")
    )
    assert places == {
        "xingyang": "410182",
        "zhengzhou": "410100",
        "jingxiu": "130602",
        "baoding": "130600",
        "luoyangftz": "410300-FTZ",
    }
    henan = Proposal.objects.filter(profile="henan").earliest("id")  # the example of `shenbao`
    assert henan.region.code == "410182"  # the lead unit's USCC region: 荥阳市, 郑州市
    users = {u.username: u for u in User.objects.all()}

    def steps(username: str, profile: str) -> list[str]:
        proposal = Proposal.objects.get(profile=profile)
        return [t.id for t in allowed_transitions(actor=users[username], proposal=proposal)]

    assert steps("jianxi", "luoyang") == ["preliminary_review", "return_county"]
    assert steps("jingxiu", "baoding") == ["recommend_county", "return_county"]
    assert steps("xietiao", "heilongjiang") == ["select_pilot", "decline"]
    luoyang = Proposal.objects.get(profile="luoyang")
    assert users["shenbao-ly"].unit_id == luoyang.lead_unit_id
    assert StateChange.objects.of(luoyang).filter(transition="submit").count() == 1
