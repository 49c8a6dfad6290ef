"""Policy what-if, the pure part (lianmeng.policy.whatif, B-6): the editable parameters, the
overrides applied to a profile, and the rule-by-rule comparison of two lists of findings."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianmeng.policy.interchange import parse_proposal
from lianmeng.policy.loader import get_profile, load_profiles
from lianmeng.policy.models import Citation
from lianmeng.policy.results import Finding
from lianmeng.policy.rules import check
from lianmeng.policy.whatif import (
    DRAFT_ARTICLE,
    OFF,
    OverrideError,
    apply_overrides,
    changed_parameters,
    compare,
    normalise_overrides,
    overrides_from_form,
    parameter,
    parameters,
    profile_version,
    summarise,
    toml_snippet,
)
from tests.policy.helpers import example

PROFILES = sorted(load_profiles())
EXAMPLES = sorted(
    p.name
    for p in (Path(__file__).resolve().parents[2] / "docs" / "examples").glob("*-*.json")
    if p.name.split("-")[0] in PROFILES and p.name.split("-")[1] in ("valid", "fail")
)
CITE = Citation(seed="001_4b62cab113297976.txt", article="二(一)2(3)")


def _judge(name: str, profile):
    doc = parse_proposal(example(name))
    return check(doc, profile, existing=None).findings


# -- the parameters -------------------------------------------------------------------------------


def test_luoyang_lists_its_applied_rules_with_current_values_and_citations():
    profile = get_profile("luoyang")
    share = parameter(profile, "members.mostly_local.more_than_share")
    assert share.current == 0.5 and share.display(share.current) == "50 %"
    assert share.citation.article == "第六条(一)" and share.unit == "%"
    assert share.bounds_text() == "1–99 %之间的数"
    # Luoyang's measures set no minimum member count: the draft may switch the rule on
    minimum = parameter(profile, "members.min_count.severity")
    assert minimum.current == OFF and not minimum.applied
    assert [value for value, _ in minimum.choices] == [OFF, "required", "principle", "advisory"]
    assert parameter(profile, "members.min_count.min_count").current is None
    # a rule that needs data the profile lacks (calls) cannot be switched on by a draft
    assert parameter(profile, "call.within_window.severity") is None


def test_every_profiles_parameters_have_labels_and_bounds():
    for profile_id in PROFILES:
        for param in parameters(get_profile(profile_id)):
            assert param.label and param.bounds_text()
            if param.applied and param.name != "severity":
                assert param.citation is not None, param.key


# -- applying overrides ---------------------------------------------------------------------------


@pytest.mark.parametrize("profile_id", PROFILES)
def test_no_override_gives_the_same_profile(profile_id):
    profile = get_profile(profile_id)
    assert apply_overrides(profile, {}) is profile
    assert apply_overrides(profile, None) is profile


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_override_gives_identical_findings_for_every_example(name):
    profile = get_profile(name.split("-")[0])
    # overrides equal to the current values are no change at all
    same = {
        p.rule: {p.name: p.current}
        for p in parameters(profile)
        if p.applied and p.name == "severity"
    }
    draft = apply_overrides(profile, same)
    assert _judge(name, draft) == _judge(name, profile)


def test_override_values_become_a_validated_profile_and_leave_the_original_alone():
    profile = get_profile("henan")
    draft = apply_overrides(profile, {"members.min_count": {"min_count": 12}})
    assert draft.applied_rules["members.min_count"].params.min_count == 12
    assert profile.applied_rules["members.min_count"].params.min_count == 10
    assert get_profile("henan").applied_rules["members.min_count"].params.min_count == 10
    assert profile_version(draft) != profile_version(profile)
    # the Henan example with 10 members now fails the principle rule, citing Henan's article
    findings = {f.rule: f for f in _judge("henan-valid.json", draft)}
    assert findings["members.min_count"].status == "fail"
    assert findings["members.min_count"].citation.article == "二(一)2(3)"


def test_switching_a_rule_on_and_off():
    profile = get_profile("luoyang")
    draft = apply_overrides(
        profile,
        {
            "members.min_count": {"severity": "required", "min_count": 50},
            "call.focus_area": {"severity": OFF},
        },
    )
    assert draft.applies("members.min_count") and not draft.applies("call.focus_area")
    assert draft.applied_rules["members.min_count"].citation.article == DRAFT_ARTICLE
    findings = {f.rule: f for f in _judge("luoyang-valid.json", draft)}
    assert findings["members.min_count"].status == "fail"
    assert "call.focus_area" not in findings


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=-1000, max_value=2000))
def test_minimum_member_count_outside_its_bounds_is_refused_naming_it(value):
    profile = get_profile("henan")
    if 1 <= value <= 500:
        draft = apply_overrides(profile, {"members.min_count": {"min_count": value}})
        assert draft.applied_rules["members.min_count"].params.min_count == value
        return
    with pytest.raises(OverrideError) as caught:
        apply_overrides(profile, {"members.min_count": {"min_count": value}})
    assert caught.value.key == "members.min_count.min_count"
    assert (
        "1–500 家之间的整数" in caught.value.message and "成员单位数量下限" in caught.value.message
    )


@settings(max_examples=60, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True, width=32))
def test_local_share_outside_its_bounds_is_refused(value):
    profile = get_profile("luoyang")
    inside = value == value and 0.01 <= value <= 0.99
    if inside:
        draft = apply_overrides(profile, {"members.mostly_local": {"more_than_share": value}})
        assert draft.applied_rules["members.mostly_local"].params.more_than_share == pytest.approx(
            value
        )
        return
    with pytest.raises(OverrideError) as caught:
        apply_overrides(profile, {"members.mostly_local": {"more_than_share": value}})
    assert caught.value.key == "members.mostly_local.more_than_share"
    assert "1–99 %" in caught.value.message


@settings(max_examples=40, deadline=None)
@given(
    st.one_of(st.text(max_size=5), st.booleans(), st.none(), st.lists(st.integers(), max_size=2))
)
def test_a_number_of_the_wrong_type_is_refused(value):
    with pytest.raises(OverrideError):
        apply_overrides(get_profile("henan"), {"members.min_count": {"min_count": value}})


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"members.nonsense": {"severity": "required"}}, "members.nonsense"),
        ({"members.min_count": {"maximum": 3}}, "members.min_count.maximum"),
        ({"members.min_count": {"severity": "sometimes"}}, "members.min_count.severity"),
        ({"members.composition": {"industry_kinds": []}}, "members.composition.industry_kinds"),
        (
            {"members.composition": {"industry_kinds": ["bank"]}},
            "members.composition.industry_kinds",
        ),
        (
            {"governance.fulltime_staff": {"fulltime_required": "yes"}},
            "governance.fulltime_staff.fulltime_required",
        ),
        ({"call.within_window": {"severity": "required"}}, "call.within_window.severity"),
    ],
)
def test_invalid_overrides_name_the_parameter(overrides, key):
    with pytest.raises(OverrideError) as caught:
        apply_overrides(get_profile("luoyang"), overrides)
    assert caught.value.key == key and caught.value.message


def test_agreement_term_bounds_must_stay_ordered():
    with pytest.raises(OverrideError) as caught:
        apply_overrides(get_profile("heilongjiang"), {"agreement.term": {"min_years": 6}})
    assert caught.value.key == "agreement.term.min_years"
    assert "不能大于上限" in caught.value.message


def test_normalised_overrides_keep_only_differences():
    profile = get_profile("luoyang")
    clean = normalise_overrides(
        profile,
        {
            "members.mostly_local": {"more_than_share": 0.5, "severity": "required"},
            "members.min_count": {"min_count": 20},  # the rule stays off: nothing to keep
            "members.chain_coverage": {"positions": ["downstream", "upstream"]},
        },
    )
    assert clean == {"members.chain_coverage": {"positions": ["upstream", "downstream"]}}
    changed = changed_parameters(profile, clean)
    assert [(p.key, v) for p, v in changed] == [
        ("members.chain_coverage.positions", ["upstream", "downstream"])
    ]


def test_the_form_reads_percentages_and_refuses_text():
    profile = get_profile("luoyang")
    posted = {
        "members.mostly_local.more_than_share": ["60"],
        "members.min_count.severity": ["required"],
        "members.min_count.min_count": ["8"],
        "governance.bodies.liability_party": ["yes"],
    }
    clean = overrides_from_form(profile, lambda key: posted.get(key, []))
    assert clean == {
        "members.mostly_local": {"more_than_share": 0.6},
        "members.min_count": {"severity": "required", "min_count": 8},
        "governance.bodies": {"liability_party": True},
    }
    posted["members.min_count.min_count"] = ["八"]
    with pytest.raises(OverrideError) as caught:
        overrides_from_form(profile, lambda key: posted.get(key, []))
    assert caught.value.key == "members.min_count.min_count" and "八" in caught.value.message
    # a check-box group sent with nothing ticked is refused (at least one)
    posted["members.min_count.min_count"] = ["8"]
    posted["members.chain_coverage.positions.__sent"] = ["1"]
    with pytest.raises(OverrideError) as caught:
        overrides_from_form(profile, lambda key: posted.get(key, []))
    assert caught.value.key == "members.chain_coverage.positions"


def test_toml_snippet_is_toml_the_loader_reads_back():
    profile = get_profile("luoyang")
    overrides = {
        "members.min_count": {"severity": "required", "min_count": 8},
        "members.mostly_local": {"more_than_share": 0.6},
        "call.focus_area": {"severity": OFF},
    }
    text = toml_snippet(profile, overrides, title="试算")
    data = tomllib.loads(text)
    rules = data["rules"]
    assert rules["members"]["min_count"]["params"]["min_count"]["value"] == 8
    assert rules["members"]["mostly_local"]["params"]["more_than_share"]["value"] == 0.6
    assert (
        rules["members"]["mostly_local"]["params"]["more_than_share"]["citation"]["article"]
        == DRAFT_ARTICLE
    )
    assert "call" not in rules and "删除 [rules.call.focus_area]" in text
    assert "系统管理员" in text


# -- comparing findings ---------------------------------------------------------------------------


STATUSES = st.sampled_from(["pass", "fail", "manual"])
SEVERITIES = st.sampled_from(["required", "principle", "advisory"])
RULES = st.sampled_from(
    ["members.min_count", "members.composition", "members.mostly_local", "agreement.signed"]
)


@st.composite
def findings(draw):
    rules = draw(st.lists(RULES, unique=True, max_size=4))
    return [
        Finding(
            rule=r, status=draw(STATUSES), severity=draw(SEVERITIES), citation=CITE, message="m"
        )
        for r in rules
    ]


@given(findings())
def test_comparing_a_list_with_itself_changes_nothing(items):
    result = compare(items, items)
    assert result.changes == () and result.verdict == "unchanged" and not result.changed


FLIP = {"newly_failing": "newly_passing", "newly_passing": "newly_failing", "changed": "changed"}
VERDICT_FLIP = {
    "pass_to_fail": "fail_to_pass",
    "fail_to_pass": "pass_to_fail",
    "unchanged": "unchanged",
}


@given(findings(), findings())
def test_the_comparison_is_symmetric(today, draft):
    forth, back = compare(today, draft), compare(draft, today)
    assert back.verdict == VERDICT_FLIP[forth.verdict]
    assert [(c.rule, FLIP[c.change], c.draft, c.today) for c in forth.changes] == [
        (c.rule, c.change, c.today, c.draft) for c in back.changes
    ]
    one, other = summarise([forth]), summarise([back])
    assert (one.pass_to_fail, one.fail_to_pass) == (other.fail_to_pass, other.pass_to_fail)


@given(st.lists(st.tuples(findings(), findings()), max_size=8))
def test_the_summary_counts_every_subject_once(pairs):
    comparisons = [compare(a, b) for a, b in pairs]
    summary = summarise(comparisons)
    assert (
        summary.total
        == len(pairs)
        == summary.pass_to_fail + summary.fail_to_pass + summary.unchanged
    )
    assert summary.rules_changed <= summary.unchanged


def test_a_rule_the_draft_adds_and_fails_is_newly_failing():
    today = [Finding("members.composition", "pass", "required", CITE, "ok")]
    draft = today + [Finding("members.min_count", "fail", "required", CITE, "少于 8 家")]
    result = compare(today, draft)
    assert result.verdict == "pass_to_fail"
    assert [(c.rule, c.change, c.today) for c in result.changes] == [
        ("members.min_count", "newly_failing", None)
    ]
    # a failing rule re-weighed from principle to advisory: still failing, but now eligible
    today = [Finding("members.min_count", "fail", "principle", CITE, "少于 10 家")]
    draft = [Finding("members.min_count", "fail", "advisory", CITE, "少于 10 家")]
    result = compare(today, draft)
    assert result.verdict == "fail_to_pass" and result.changes[0].change == "changed"
