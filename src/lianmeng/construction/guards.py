"""The guard ``checklist_complete`` of the alliance's ``apply_acceptance`` (Henan 五(二)): the
lead unit applies for 验收 only once every item of the construction checklist is complete;
the refusal names the items still open."""

from __future__ import annotations

from django.utils.translation import gettext, pgettext

from lianmeng.workflow.guards import GuardContext, register


def checklist_complete(ctx: GuardContext) -> str | None:
    from .services import missing_items

    missing = missing_items(ctx.subject)
    if not missing:
        return None
    return gettext("筹建清单尚未完成，不能申请验收。请先完成：%(items)s。") % {
        "items": pgettext("list separator", "、").join(missing)
    }


def register_guards() -> None:
    register("alliance", "checklist_complete")(checklist_complete)
