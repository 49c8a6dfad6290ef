"""Every name in the profiles' ``[evaluation]`` tables is in the message catalogue, so the
English UI never shows a grade, an evaluator or an indicator in Chinese."""

from __future__ import annotations

from django.utils import translation

from lianmeng.policy.loader import load_profiles
from lianmeng.reviews.evaluation_labels import EVALUATION_LABELS


def _names() -> set[str]:
    names: set[str] = set()
    for profile in load_profiles().values():
        config = profile.evaluation
        if config is None:
            continue
        names |= {grade.label for grade in config.grades}
        names |= {evaluator.label for evaluator in config.evaluators}
        for family in config.families:
            names |= {family.label} | {indicator.label for indicator in family.indicators}
        if config.consequences is not None:
            names |= {config.consequences.warning.value, config.consequences.on_failed_recheck.text}
    return names


def test_every_evaluation_name_is_marked_and_translated():
    names = _names()
    assert {"优秀", "良好", "合格", "不合格", "创新活动情况"} <= names
    missing = names - set(EVALUATION_LABELS)
    assert not missing, f"add to lianmeng/reviews/evaluation_labels.py: {sorted(missing)}"
    with translation.override("en"):
        untranslated = [n for n in names if translation.gettext(n) == n]
        assert translation.gettext("不合格") == "Fail"
    assert not untranslated, f"no English in django.po for: {sorted(untranslated)}"
