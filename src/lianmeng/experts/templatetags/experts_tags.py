"""``{% expert_pending_count as n %}``: the home card's count of tasks waiting for scores."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def expert_pending_count(context: dict[str, Any]) -> int:
    from lianmeng.experts.selectors import pending_count

    request = context.get("request")
    user = getattr(request, "user", None)
    return pending_count(viewer=user) if user is not None and user.is_authenticated else 0
