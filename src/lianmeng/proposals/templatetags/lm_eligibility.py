"""``{% eligibility_panel %}``: the editor's right-hand eligibility panel (M-15).

Every editor page includes ``proposals/_panel_slot.html``; the panel is computed here from
the page's ``proposal`` unless the view already put the findings in the context.
"""

from __future__ import annotations

from typing import Any

from django import template

from lianmeng.proposals.presenters_form import eligibility_view

register = template.Library()


@register.inclusion_tag("proposals/sections/_panel.html", takes_context=True)
def eligibility_panel(context: template.Context) -> dict[str, Any]:
    view = context.get("eligibility_view")
    if view is None:
        proposal = context.get("proposal")
        if proposal is None:
            return {"missing": True}
        view = eligibility_view(proposal)
    return {"panel": view, "request": context.get("request")}
