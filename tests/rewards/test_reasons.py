"""Every reason the calculation gives reads in English on the pages (rewards/reasons.py): its
template is in the catalogue, the names among its values too, and the Chinese text stays what
``lianmeng rewards`` prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from lianmeng.policy.cli_rewards import calculate_request
from lianmeng.policy.rewards import loads
from lianmeng.rewards.reasons import NAMES, TEMPLATES, award_reason

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "rewards"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _awards():
    for path in sorted(EXAMPLES.glob("*.json")):
        if path.name.startswith("invalid") or path.name == "expected.json":
            continue
        profile, result = calculate_request(loads(path.read_text(encoding="utf-8")))
        yield from ((path.name, award) for award in result.awards)


def test_the_examples_give_every_kind_of_reason():
    codes = {award.code for _name, award in _awards()}
    assert {"fixed", "computed", "capped", "review", "revoked", "lapsed"} <= codes
    assert {"double_support", "duplicate", "condition", "out_of_years"} <= codes


@pytest.mark.parametrize(("name", "award"), list(_awards()), ids=lambda v: str(v)[:40])
def test_each_reason_reads_in_english_and_stays_the_same_in_chinese(name, award):
    assert award.template in TEMPLATES, award.template
    assert award.template % dict(award.params) == award.reason
    with translation.override("zh-hans"):
        assert award_reason(award) == award.reason
    with translation.override("en"):
        english = award_reason(award)
    assert english != award.reason
    # what stays Chinese is data the claimant typed (a source of support, a reason), never
    # the platform's words or the policy's names
    typed = [v for k, v in award.params.items() if k not in NAMES]
    rest = english
    for value in typed:
        rest = rest.replace(value, "")
    assert not CJK.search(rest), english
