"""Permissions of rewards (django-rules, autodiscovered).

The view-level gate only; who may see or act on one claim, review, award or budget is decided
with the object in hand (lianmeng.rewards.selectors and services)."""

from __future__ import annotations

import rules

from lianmeng.core.rules import (
    is_applicant,
    is_competent,
    is_department_staff,
    is_expert,
)


@rules.predicate
def is_reward_department(user) -> bool:  # noqa: ANN001
    """Competent staff of a jurisdiction whose profile has ``[rewards]``."""
    from .selectors import department_profiles

    return bool(department_profiles(user))


@rules.predicate
def has_reward_reviews(user) -> bool:  # noqa: ANN001
    """An expert with at least one reward claim to review."""
    from .models import ClaimReview

    return ClaimReview.objects.filter(expert=user).exists()


# the claims list and one claim: lead units, the departments (deciding, or of the area below),
# experts (only the claims assigned to them)
rules.add_perm("rewards.view", is_applicant | is_department_staff | is_expert)
# filing and editing a claim: the lead unit's applicants, the department on their behalf
rules.add_perm("rewards.file", is_applicant | is_competent)
# returning, organising the review, staging decisions: the deciding department
rules.add_perm("rewards.decide", is_competent)
# an expert's score and suggested amount
rules.add_perm("rewards.review", is_expert)
# the menu entry 奖补: lead units, the deciding department, experts with claims to review
rules.add_perm(
    "rewards.menu", is_applicant | is_reward_department | (is_expert & has_reward_reviews)
)
