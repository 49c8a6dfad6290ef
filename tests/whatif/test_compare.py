"""What a what-if run judges (lianmeng.whatif.compare): the department's running alliances by
their roster and its pending proposals by the filing page's check, today and under the draft."""

from __future__ import annotations

from lianmeng.policy.loader import get_profile
from lianmeng.policy.whatif import apply_overrides
from lianmeng.whatif import compare


def _run(overrides):
    profile = get_profile("luoyang")
    return compare.run(profile, apply_overrides(profile, overrides))


def test_no_override_changes_nothing(wi):
    result = _run({})
    assert result.alliance_summary.total == 2  # the dissolved one and Henan's are not judged
    assert result.alliance_summary.unchanged == 2 and result.alliances == []
    assert result.proposal_summary.total == 1 and result.proposals == []


def test_a_minimum_of_eight_members_fails_the_small_alliance_and_the_proposal(wi):
    result = _run({"members.min_count": {"severity": "required", "min_count": 8}})
    summary = result.alliance_summary
    assert (summary.pass_to_fail, summary.fail_to_pass, summary.unchanged) == (1, 0, 1)
    [small] = result.alliances
    assert small.pk == wi.small.pk and small.name == "洛阳市小型联盟"
    [change] = small.comparison.changes
    assert change.rule == "members.min_count" and change.change == "newly_failing"
    assert change.today is None
    assert change.draft.status == "fail" and "6 家" in change.draft.message
    [proposal] = result.proposals
    assert proposal.pk == wi.proposal.pk and proposal.comparison.verdict == "pass_to_fail"
    assert "7 家" in proposal.comparison.changes[0].draft.message
    assert result.proposal_summary.pass_to_fail == 1


def test_a_lower_local_share_changes_nothing_for_local_rosters(wi):
    result = _run({"members.mostly_local": {"more_than_share": 0.3}})
    assert result.alliances == [] and result.alliance_summary.unchanged == 2


def test_dropping_the_chain_rule_lets_a_failing_alliance_pass(wi):
    from lianmeng.running.models import Member

    # the big alliance loses its downstream members: it fails the chain rule today
    Member.objects.filter(workspace__alliance=wi.big, details__chain_position="downstream").update(
        details={}
    )
    result = _run({"members.chain_coverage": {"severity": "off"}})
    assert result.alliance_summary.fail_to_pass == 1
    [big] = result.alliances
    assert big.pk == wi.big.pk
    assert big.comparison.changes[0].change == "newly_passing"
    assert big.comparison.changes[0].draft is None


def test_an_alliance_without_a_roster_is_counted_as_not_judged(wi, make_unit):
    from datetime import date

    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import Jurisdiction

    Alliance.objects.create(
        profile="luoyang",
        level="municipal",
        name="洛阳市历史名录联盟",
        domain="industry",
        lead_unit=make_unit("410305"),
        jurisdiction=Jurisdiction.objects.get(code="410300"),
        member_count=16,
        status="recognised",
        decided_on=date(2016, 1, 1),
        source="legacy",
    )
    result = _run({"members.min_count": {"severity": "required", "min_count": 8}})
    assert result.alliances_not_judged == 1 and result.alliance_summary.total == 2


def test_an_alliance_with_an_empty_workspace_is_not_judged(wi):
    from lianmeng.running.models import Member

    Member.objects.filter(workspace__alliance=wi.small).delete()
    result = _run({"members.min_count": {"severity": "required", "min_count": 8}})
    assert result.alliances_not_judged == 1 and result.alliance_summary.total == 1
