"""The demo's what-if draft (load_demo_whatif): added once, run, the Luoyang proposal fails."""

from __future__ import annotations


def test_the_demo_draft_is_added_once_and_shows_the_proposal_failing(wi, make_user):
    from lianmeng.whatif.demo import DEMO_NAME, load_demo_whatif
    from lianmeng.whatif.models import PolicyDraft

    make_user(["recommender", "competent"], jurisdiction="410300", username="luoyang")
    lines = list(load_demo_whatif())
    assert len(lines) == 1 and DEMO_NAME in lines[0]
    assert list(load_demo_whatif()) == []
    draft = PolicyDraft.objects.get()
    assert draft.overrides == {"members.min_count": {"severity": "required", "min_count": 8}}
    names = {s["name"] for s in draft.result["proposals"]["changed"]}
    assert "洛阳市精密轴承产业技术创新战略联盟" in names
    assert {s["name"] for s in draft.result["alliances"]["changed"]} == {"洛阳市小型联盟"}
