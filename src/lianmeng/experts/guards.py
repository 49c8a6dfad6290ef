"""The ``review_round_closed`` guard of the lifecycle tables, implemented where its facts live.

A decision that follows expert review (Henan 批准筹建, Luoyang 认定) may be taken once the
latest review round holding the proposal is closed. Registered with the engine's guard
registry for ``proposal`` subjects when the app is ready (``ExpertsConfig.ready``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from lianmeng.workflow.guards import GuardContext, register

from .models import ReviewRound


def review_closed_message(proposal: Any) -> str | None:
    """None when the proposal's latest round is closed, else what to do first."""
    latest = (
        ReviewRound.objects.filter(entries__proposal=proposal)
        .order_by("-created_at", "-id")
        .only("title", "status")
        .first()
    )
    if latest is None:
        return _("该申报尚未提交专家评审：请先在“专家评审”中将其加入评审轮次，评审结束后再作决定。")
    if latest.is_open:
        return _("专家评审“%(round)s”尚未结束：请先结束该评审轮次，再作决定。") % {
            "round": latest.title
        }
    return None


@register("proposal", "review_round_closed")
def review_round_closed(ctx: GuardContext) -> str | None:
    return review_closed_message(ctx.subject)
