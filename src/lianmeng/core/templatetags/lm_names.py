"""``{{ citation|cite:profile }}`` (《文件标题》条款), ``{{ citation|cite_number:profile }}``
(with the document's 文号), ``{{ profile_id|profile_name }}`` (河南省): the names people read
(lianmeng.core.names)."""

from __future__ import annotations

from typing import Any

from django import template

from lianmeng.core.names import cite_text
from lianmeng.core.names import profile_name as _profile_name

register = template.Library()


@register.filter
def cite(citation: Any, profile: Any) -> str:
    return cite_text(citation, profile)


@register.filter
def cite_number(citation: Any, profile: Any) -> str:
    return cite_text(citation, profile, number=True)


@register.filter
def profile_name(profile: Any) -> str:
    return _profile_name(profile)
