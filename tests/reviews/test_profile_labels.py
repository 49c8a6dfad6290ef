"""Every name in the profiles' lifecycle tables is in the message catalogue, so the English
UI never shows a state or an action in Chinese."""

from __future__ import annotations

from django.utils import translation

from lianmeng.policy.loader import load_profiles
from lianmeng.reviews.profile_labels import LABELS


def _names() -> set[str]:
    names: set[str] = set()
    for profile in load_profiles().values():
        for table in (profile.lifecycle, profile.alliance_lifecycle, profile.report_lifecycle):
            if table is None:
                continue
            names |= {state.label for state in table.states}
            for transition in table.transitions:
                names |= {transition.label, transition.reason_label}
                names |= {ground.label for ground in transition.grounds}
    return names


def test_every_lifecycle_name_is_marked_and_translated():
    missing = _names() - set(LABELS)
    assert not missing, f"add to lianmeng/reviews/profile_labels.py: {sorted(missing)}"
    with translation.override("en"):
        untranslated = [n for n in _names() if translation.gettext(n) == n]
    assert not untranslated, f"no English in django.po for: {sorted(untranslated)}"


def test_state_badges_and_actions_follow_the_language(client, file_proposal, staff):
    from django.conf import settings

    proposal = file_proposal("henan")
    client.force_login(staff("410182"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    listing = client.get("/proposals/").content.decode()
    assert ">Submitted<" in listing and ">已提交<" not in listing
    review = client.get(f"/reviews/proposals/{proposal.pk}/").content.decode()
    assert "Return for revision" in review and "Recommendation opinion" in review
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert ">已提交<" in client.get("/proposals/").content.decode()
