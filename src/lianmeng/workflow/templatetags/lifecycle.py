"""``{% load lifecycle %}``: state names from the profile's table, and a subject's history."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from lianmeng.workflow.kinds import kind_of
from lianmeng.workflow.routing import state_label as _state_label
from lianmeng.workflow.selectors import state_history

register = template.Library()


@register.filter
def state_label(subject: Any) -> str:
    """``{{ proposal|state_label }}`` → 县级已推荐 … (in English where the catalogue has it)"""
    kind = kind_of(subject)
    label = _state_label(subject.profile, getattr(subject, kind.state_field), kind=kind.name)
    return gettext(label) if label else label


@register.simple_tag
def state_name(profile_id: str, state: str, kind: str = "proposal") -> str:
    """``{% state_name change.subject.profile change.to_state %}``"""
    label = _state_label(profile_id, state, kind=kind)
    return gettext(label) if label else label


@register.filter
def label(name: Any) -> str:
    """``{{ transition.label|label }}``: a name from a profile's table in the reader's
    language (lianmeng/reviews/profile_labels.py marks them for the catalogue)."""
    return gettext(str(name)) if name else ""


@register.simple_tag
def history(subject: Any) -> Any:
    """``{% history proposal as history %}``: who, when, what, why."""
    return state_history(subject=subject)


@register.simple_tag
def proposal_history(proposal: Any) -> Any:
    """``{% proposal_history proposal as history %}`` (the same as ``history``)."""
    return state_history(subject=proposal)
