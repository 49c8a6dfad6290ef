"""The duplicate search of ``lianmeng check`` reads only the proposals that can be similar
(lianmeng.proposals.checks, GIN indexes on PostgreSQL) and must find what comparing with all finds."""

from __future__ import annotations

import copy
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from lianmeng.policy.interchange import parse_proposal
from lianmeng.policy.loader import get_profile
from lianmeng.policy.rules import check
from lianmeng.policy.similarity import SIMILARITY_THRESHOLD, similarity
from lianmeng.proposals.checks import _alternatives, existing_alliances
from lianmeng.proposals.models import Proposal

from .test_checks import MOMENT


def _tokens(text: str) -> set[str]:
    """The tokens ``lianmeng_cjk_vector`` gives a text of 汉字: every character and pair."""
    return set(text) | {text[i : i + 2] for i in range(len(text) - 1)}


def _holds(alternatives: list[str], text: str) -> bool:
    tokens = _tokens(text)
    return any(
        all(token in tokens for token in re.findall(r"'([^']+)'", alternative))
        for alternative in alternatives
    )


# a few characters, so that random texts are often alike
HANZI = st.text(alphabet="铝镁材料加工新能源车", min_size=1, max_size=7)


@settings(max_examples=400, deadline=None)
@given(HANZI, HANZI)
def test_every_text_similar_at_the_threshold_holds_one_of_the_alternatives(mine, other):
    if similarity(mine, other) >= SIMILARITY_THRESHOLD:
        assert _holds(_alternatives(mine), other), (mine, other)


def test_the_short_cases_without_a_shared_pair_are_covered():
    # 2·LCS/(2 + 3) = 80 with no pair in common: "铝工" against "铝加工", both ways
    assert similarity("铝工", "铝加工") >= SIMILARITY_THRESHOLD
    assert _holds(_alternatives("铝工"), "铝加工")
    assert _holds(_alternatives("铝加工"), "铝工")
    assert _holds(_alternatives("铝"), "铝")


def _finding(proposal: Proposal, existing: list) -> dict:
    result = check(
        parse_proposal(proposal.document),
        get_profile(proposal.profile),
        at=MOMENT,
        existing=existing,
    )
    return next(f for f in result.to_dict()["findings"] if f["rule"] == "alliance.unique_in_field")


def test_a_duplicate_among_many_others_is_found_as_when_comparing_with_all(
    draft, make_draft, henan_document
):
    template = make_draft(dict(henan_document, name="河南省模板产业技术创新战略联盟"))
    Proposal.objects.filter(pk=template.pk).update(status=Proposal.Status.SUBMITTED)
    template.refresh_from_db()
    others = []
    fields = ["小麦育种", "中药材", "轴承", "矿山机械", "数控机床", "食用菌", "冷链物流", "光伏"]
    for i in range(300):
        field = fields[i % len(fields)]
        clone = copy.copy(template)
        clone.pk = None
        clone.name = f"河南省{field}产业技术创新战略联盟"
        clone.industry, clone.product = field, f"{field}产品"
        others.append(clone)
    twins = [  # each alike in one way the index must not miss
        ("河南省高性能铝基新材料产业技术创新战略联盟", "种业", "种子"),  # the same name
        ("河南省甲联盟乙产业技术创新战略联盟", "铝基 新材料", "铝箔"),  # a space
        ("河南省高性能铝基新材料5G产业技术创新战略联盟", "餐饮", "菜品"),  # Latin and digits
        ("河南省铝箔深加工产业技术创新战略联盟", "铝基新材料", "铝箔"),  # the industry, by index
    ]
    for name, industry, product in twins:
        clone = copy.copy(template)
        clone.pk = None
        clone.name, clone.industry, clone.product = name, industry, product
        others.append(clone)
    Proposal.objects.bulk_create(others)

    facts = {key: str(draft.document.get(key) or "") for key in ("name", "industry", "product")}
    searched = existing_alliances(draft.profile, exclude_pk=draft.pk, facts=facts)
    every = existing_alliances(draft.profile, exclude_pk=draft.pk)
    assert len(every) == 305
    found = _finding(draft, searched)
    assert found == _finding(draft, every)
    assert found["status"] == "fail"
    assert found["evidence"]["compared_with"] == 305
    named = {hit["name"] for hit in found["evidence"]["similar"]}
    assert {name for name, _i, _p in twins} <= named
    assert not any(name.startswith("河南省小麦育种") for name in named)
