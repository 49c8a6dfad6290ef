"""``{% load lifecycle %}``: state names from the profile's table."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from lianmeng.reviews.routing import state_label as _state_label

register = template.Library()


@register.filter
def state_label(proposal: Any) -> str:
    """``{{ proposal|state_label }}`` → 县级已推荐 … (in English where the catalogue has it)"""
    label = _state_label(proposal.profile, proposal.status)
    return gettext(label) if label else label


@register.simple_tag
def state_name(profile_id: str, state: str) -> str:
    """``{% state_name change.proposal.profile change.to_state %}``"""
    label = _state_label(profile_id, state)
    return gettext(label) if label else label


@register.filter
def label(name: Any) -> str:
    """``{{ transition.label|label }}``: a name from a profile's table in the reader's
    language (lianmeng/reviews/profile_labels.py marks them for the catalogue)."""
    return gettext(str(name)) if name else ""


@register.simple_tag
def proposal_history(proposal: Any) -> Any:
    """``{% proposal_history proposal as history %}``: who, when, what, why."""
    from lianmeng.reviews.selectors import state_history

    return state_history(proposal=proposal)
