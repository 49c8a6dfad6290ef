"""The guards of the proposal tables whose facts this app owns: the call's online window, a
recommendation on time or late, paper copies received, the filing category.

Registered with the engine's guard registry for ``proposal`` subjects (lianmeng.workflow.guards)
when the module is imported (``ReviewsConfig.ready``). ``review_round_closed`` belongs to expert
review (lianmeng.experts.guards).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lianmeng.core.dates import show_moment
from lianmeng.workflow.guards import GuardContext
from lianmeng.workflow.guards import register as register_guard
from lianmeng.workflow.models import StateChange

from .call_terms import call_terms_for

KIND = "proposal"


def register(name: str):  # noqa: ANN201 - the decorator of workflow.guards.register
    return register_guard(KIND, name)


def last_recommended_at(proposal: Any) -> datetime | None:
    return (
        StateChange.objects.of(proposal)
        .filter(kind="recommend")
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )


@register("call_window_open")
def call_window_open(ctx: GuardContext) -> str | None:
    terms = call_terms_for(ctx.subject)
    if terms is None:
        return None
    if ctx.at < terms.online_opens_at:
        return _("网上填报将于 %(opens)s 开始，请届时再办理。") % {
            "opens": show_moment(terms.online_opens_at)
        }
    if ctx.at > terms.online_closes_at:
        return _("网上填报已于 %(closes)s 截止，逾期不予受理。") % {
            "closes": show_moment(terms.online_closes_at)
        }
    return None


def _late(ctx: GuardContext) -> tuple[bool, dict[str, str]]:
    """Whether the proposal was recommended after the window closed, and the two moments."""
    terms = call_terms_for(ctx.subject)
    recommended_at = last_recommended_at(ctx.subject)
    if terms is None or recommended_at is None:
        return False, {}
    late = recommended_at > terms.online_closes_at
    return late, {
        "recommended": show_moment(recommended_at),
        "closes": show_moment(terms.online_closes_at),
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
    terms = call_terms_for(ctx.subject)
    required = terms.paper_copies if terms is not None else 2
    received = paper_copies_counted(ctx.subject)
    if received < required:
        return _(
            "尚未收齐纸质申报材料：需一式%(required)s份，已登记%(received)s份。"
            "请先在“纸质材料接收”中登记。"
        ) % {"required": required, "received": received}
    return None


@register("category_chosen")
def category_chosen(ctx: GuardContext) -> str | None:
    numbers = {c.value.number: c.value.name for c in ctx.profile.categories} or {
        1: "一类",
        2: "二类",
        3: "三类",
    }
    value = ctx.data.get("category")
    if value in (None, ""):
        value = (ctx.subject.document or {}).get("category")
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
