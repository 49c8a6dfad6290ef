"""The guard functions a profile's transitions name (``guards = [...]``).

A guard answers ``None`` when the transition may go ahead, else the message that tells the
actor what to do first, in the reader's language (a guard runs while a page or an API call is
answered; its message is shown, never stored). Guards may add to ``ctx.data`` what they
established (the category a filing is made in, in Chinese as the profile names it), which the
engine records with the state change.

The names are fixed by :data:`lianmeng.policy.lifecycle.GUARDS` (a profile naming another one
does not load). An app may supply the implementation of a guard whose facts it owns:
``review_round_closed`` belongs to expert review, which registers it with :func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lianmeng.core.models import User
from lianmeng.policy.lifecycle import GUARDS, Transition
from lianmeng.policy.models import Profile

from .call_terms import call_terms_for, display_moment


@dataclass
class GuardContext:
    proposal: Any
    transition: Transition
    actor: User
    at: datetime
    profile: Profile
    data: dict[str, Any] = field(default_factory=dict)


Guard = Callable[[GuardContext], str | None]
#: guards that say whether a transition applies at all, not what to do first: a page hides
#: an action such a guard refuses (逾期不予受理 is offered only for a late recommendation)
SITUATIONAL = frozenset({"recommended_after_window"})
_REGISTRY: dict[str, Guard] = {}


def register(name: str) -> Callable[[Guard], Guard]:
    """Supply (or replace) the implementation of guard ``name``."""
    if name not in GUARDS:
        raise ValueError(f"unknown guard {name!r}; known: {', '.join(GUARDS)}")

    def decorate(function: Guard) -> Guard:
        _REGISTRY[name] = function
        return function

    return decorate


def run_guards(ctx: GuardContext) -> list[str]:
    """Messages of the guards that refuse, in the table's order (empty: all pass)."""
    return [message for _name, message in refusals(ctx)]


def refusals(ctx: GuardContext) -> list[tuple[str, str]]:
    """(guard name, message) of each guard that refuses."""
    found = []
    for name in ctx.transition.guards:
        message = _REGISTRY[name](ctx)
        if message:
            found.append((name, message))
    return found


def last_recommended_at(proposal: Any) -> datetime | None:
    from .models import StateChange

    return (
        StateChange.objects.filter(proposal=proposal, kind="recommend")
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )


@register("call_window_open")
def call_window_open(ctx: GuardContext) -> str | None:
    terms = call_terms_for(ctx.proposal)
    if terms is None:
        return None
    if ctx.at < terms.online_opens_at:
        return _("网上填报将于 %(opens)s 开始，请届时再办理。") % {
            "opens": display_moment(terms.online_opens_at)
        }
    if ctx.at > terms.online_closes_at:
        return _("网上填报已于 %(closes)s 截止，逾期不予受理。") % {
            "closes": display_moment(terms.online_closes_at)
        }
    return None


def _late(ctx: GuardContext) -> tuple[bool, dict[str, str]]:
    """Whether the proposal was recommended after the window closed, and the two moments."""
    terms = call_terms_for(ctx.proposal)
    recommended_at = last_recommended_at(ctx.proposal)
    if terms is None or recommended_at is None:
        return False, {}
    late = recommended_at > terms.online_closes_at
    return late, {
        "recommended": display_moment(recommended_at),
        "closes": display_moment(terms.online_closes_at),
    }


@register("recommended_within_window")
def recommended_within_window(ctx: GuardContext) -> str | None:
    late, moments = _late(ctx)
    if late:
        return (
            _(
                "该申报于 %(recommended)s 推荐，网上填报截止时间为 %(closes)s，"
                "推荐晚于截止时间，逾期不予受理。请选择“逾期不予受理”。"
            )
            % moments
        )
    return None


@register("recommended_after_window")
def recommended_after_window(ctx: GuardContext) -> str | None:
    late, _moments = _late(ctx)
    if not late:
        return _(
            "该申报在网上填报截止前已推荐，不属于逾期；如不予受理，请选择“不予受理”并填写原因。"
        )
    return None


def paper_copies_counted(proposal: Any) -> int:
    from .models import PaperReceipt

    total = PaperReceipt.objects.filter(proposal=proposal).aggregate(n=Sum("copies"))["n"]
    return int(total or 0)


@register("paper_copies_received")
def paper_copies_received(ctx: GuardContext) -> str | None:
    terms = call_terms_for(ctx.proposal)
    required = terms.paper_copies if terms is not None else 2
    received = paper_copies_counted(ctx.proposal)
    if received < required:
        return _(
            "尚未收齐纸质申报材料：需一式%(required)s份，已登记%(received)s份。"
            "请先在“纸质材料接收”中登记。"
        ) % {"required": required, "received": received}
    return None


@register("review_round_closed")
def review_round_closed(ctx: GuardContext) -> str | None:
    """Refuses until expert review supplies the real check (lianmeng.experts registers it)."""
    return _("专家评审尚未结束：请先结束该申报所在的评审轮次，再作决定。")


@register("category_chosen")
def category_chosen(ctx: GuardContext) -> str | None:
    numbers = {c.value.number: c.value.name for c in ctx.profile.categories} or {
        1: "一类",
        2: "二类",
        3: "三类",
    }
    value = ctx.data.get("category")
    if value in (None, ""):
        value = (ctx.proposal.document or {}).get("category")
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number not in numbers:
        choices = pgettext("list separator", "、").join(
            _("%(number)s（%(name)s）") % {"number": n, "name": _(name) if name else name}
            for n, name in sorted(numbers.items())
        )
        return _("请选择备案类别：%(choices)s。") % {"choices": choices}
    ctx.data["category"] = number
    ctx.data["category_name"] = numbers[number]
    return None
