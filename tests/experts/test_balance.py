"""Balanced assignment over random pools (hypothesis): no conflict, bounded load, full cover."""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations, product
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from lianmeng.experts.balance import balanced_assignment
from lianmeng.experts.conflicts import expert_conflicts, recommending_area_path, roster_codes


def _place(path: str) -> SimpleNamespace:
    return SimpleNamespace(path=path, code=path.strip("/").split("/")[-1])


CITIES = [
    "000000/410000/410100/410105/",
    "000000/410000/410300/410305/",
    "000000/410000/410700/410702/",
]


@st.composite
def pools(draw, *, sparse: bool):
    """Units, proposals with rosters, experts whose employers are among the units.

    ``sparse``: each expert is an insider of at most one proposal and the area rule is off —
    the conflicts of a real provincial pool. Otherwise anything goes, including pools where a
    few experts are the only ones free of conflict for most proposals.
    """
    n_units = draw(st.integers(2, 10))
    units = [
        SimpleNamespace(
            uscc=f"U{i:017d}", org_code=None, region=_place(draw(st.sampled_from(CITIES)))
        )
        for i in range(n_units)
    ]
    per = draw(st.integers(1, 3))
    proposals = []
    for p in range(draw(st.integers(1, 5 if not sparse else 10))):
        members = draw(
            st.lists(st.sampled_from(range(n_units)), min_size=1, max_size=3, unique=True)
        )
        proposals.append(
            SimpleNamespace(
                pk=100 + p,
                lead=units[members[0]],
                members=[{"uscc": units[m].uscc} for m in members[1:]],
                region=units[members[0]].region,
            )
        )
    experts = []
    for e in range(draw(st.integers(per + 1 if sparse else 1, 8 if sparse else 4))):
        employer = units[draw(st.sampled_from(range(n_units)))]
        inside = [
            p
            for p in proposals
            if employer.uscc in roster_codes(lead_unit=p.lead, members=p.members)
        ]
        if sparse and len(inside) > 1:
            employer = None
        declared = draw(
            st.lists(st.sampled_from([u.uscc for u in units]), max_size=0 if sparse else 2)
        )
        experts.append(
            SimpleNamespace(
                pk=e + 1,
                unit=employer,
                region=_place(draw(st.sampled_from(CITIES))),
                declared=declared,
            )
        )
    same_area = False if sparse else draw(st.booleans())
    return per, proposals, experts, same_area


def _conflicted(expert, proposal, same_area: bool) -> bool:
    area = recommending_area_path(profile_jurisdiction="410000", region=proposal.region, zone=None)
    return bool(
        expert_conflicts(
            employer=expert.unit,
            expert_region=expert.region,
            declared=expert.declared,
            roster=roster_codes(lead_unit=proposal.lead, members=proposal.members),
            area_path=area,
            exclude_same_area=same_area,
        )
    )


def _run(pool):
    per, proposals, experts, same_area = pool
    eligible = {
        p.pk: [e.pk for e in experts if not _conflicted(e, p, same_area)] for p in proposals
    }
    chosen = balanced_assignment(
        proposals=[p.pk for p in proposals],
        experts=[e.pk for e in experts],
        need={p.pk: per for p in proposals},
        eligible=eligible,
    )
    by_pk = {e.pk: e for e in experts}
    for proposal in proposals:
        picked = chosen[proposal.pk]
        assert len(picked) == len(set(picked))
        # every proposal gets as many experts as it can have without a conflict
        assert len(picked) == min(per, len(eligible[proposal.pk]))
        for expert_pk in picked:
            assert not _conflicted(by_pk[expert_pk], proposal, same_area)
    loads = [sum(e.pk in picked for picked in chosen.values()) for e in experts]
    return per, proposals, eligible, loads


def _best_possible(per, proposals, eligible, n_experts) -> int:
    """The smallest heaviest load of any conflict-free assignment (brute force)."""
    options = [list(combinations(eligible[p.pk], min(per, len(eligible[p.pk])))) for p in proposals]
    best = None
    for choice in product(*options):
        loads = Counter(e for picked in choice for e in picked)
        heaviest = max(loads.values(), default=0)
        best = heaviest if best is None else min(best, heaviest)
    return best or 0


@settings(max_examples=300, deadline=None)
@given(pools(sparse=True))
def test_no_conflict_is_assigned_and_no_expert_is_overloaded(pool):
    _per, _proposals, _eligible, loads = _run(pool)
    assert max(loads) <= math.ceil(sum(loads) / len(loads)) + 1


@settings(max_examples=150, deadline=None)
@given(pools(sparse=False))
def test_in_any_pool_the_heaviest_load_is_the_smallest_possible(pool):
    """Where conflicts force work onto a few experts, they carry no more than they must."""
    per, proposals, eligible, loads = _run(pool)
    assert max(loads, default=0) == _best_possible(per, proposals, eligible, len(loads))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 12), st.integers(1, 9), st.integers(1, 4))
def test_without_conflicts_the_load_is_even(n_proposals, n_experts, per):
    per = min(per, n_experts)
    proposals = list(range(1, n_proposals + 1))
    experts = list(range(100, 100 + n_experts))
    chosen = balanced_assignment(
        proposals=proposals,
        experts=experts,
        need={p: per for p in proposals},
        eligible={p: experts for p in proposals},
    )
    loads = [sum(e in picked for picked in chosen.values()) for e in experts]
    assert sum(loads) == n_proposals * per
    assert max(loads) - min(loads) <= 1


def test_a_matching_field_is_preferred_when_the_balance_allows():
    chosen = balanced_assignment(
        proposals=[1, 2],
        experts=[10, 11, 12],
        need={1: 1, 2: 1},
        eligible={1: [10, 11, 12], 2: [10, 11, 12]},
        preferred={1: {12}, 2: {12, 11}},
    )
    assert chosen == {1: [12], 2: [11]}


def test_existing_load_counts():
    chosen = balanced_assignment(
        proposals=[1, 2],
        experts=[10, 11],
        need={1: 1, 2: 1},
        eligible={1: [10, 11], 2: [10, 11]},
        load={10: 3},
    )
    assert chosen == {1: [11], 2: [11]}
