"""Every reward kind and figure name of the profiles reads in English (rewards/labels.py)."""

from __future__ import annotations

from django.utils import translation

from lianmeng.policy.loader import load_profiles
from lianmeng.policy.rewards import FIGURE_LABELS
from lianmeng.rewards.labels import LABELS


def _names() -> set[str]:
    names = set(FIGURE_LABELS.values())
    for profile in load_profiles().values():
        for kind in profile.rewards.kinds if profile.rewards else []:
            names.add(kind.label)
            if kind.figure_label:
                names.add(kind.figure_label)
    return names


def test_every_reward_name_of_the_profiles_is_listed_and_translated():
    names = _names()
    assert names, "the profiles have reward kinds"
    assert names <= set(LABELS), sorted(names - set(LABELS))
    with translation.override("en"):
        untranslated = [n for n in sorted(names) if translation.gettext(n) == n]
    assert untranslated == []
