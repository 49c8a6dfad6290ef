"""站内消息 and e-mail when an alliance is revoked (取消备案、撤销) or dissolved (宣布解散).

The alliances app sits below this one and cannot read the member roster, so the notice is a
listener of the ``alliance`` subject kind (lianmeng.workflow.listeners), registered here: after
the commit, the lead unit's accounts and the accounts of every member unit still in the
alliance (``Member`` rows with a unit of the system) get the notice, naming the ground (or the
declared reason) and the date.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.models import User
from lianmeng.core.site import absolute_url
from lianmeng.reviews.notifications import notify
from lianmeng.workflow.listeners import on_change
from lianmeng.workflow.models import StateChange

from .models import Member

KINDS = ("revoke", "dissolve")
_TEXTS = {
    "revoke": (
        gettext_noop("【联盟%(act)s】%(name)s"),
        gettext_noop(
            "%(office)s于%(date)s对“%(name)s”作出“%(act)s”决定。%(ground)s理由：%(reason)s\n"
            "联盟仍列于联盟名录，状态为“%(state)s”。"
        ),
    ),
    "dissolve": (
        gettext_noop("【联盟已解散】%(name)s"),
        gettext_noop(
            "“%(name)s”的牵头单位%(unit)s于%(date)s宣布联盟解散。解散原因：%(reason)s\n"
            "联盟仍列于联盟名录，状态为“%(state)s”。"
        ),
    ),
}


def recipients(alliance: Alliance) -> list[User]:
    """The lead unit's active accounts and those of the member units still in the alliance."""
    units = {alliance.lead_unit_id}
    units |= set(
        Member.objects.filter(
            workspace__alliance=alliance, unit__isnull=False, left_on__isnull=True
        ).values_list("unit_id", flat=True)
    )
    return list(User.objects.filter(unit_id__in=units, is_active=True).order_by("pk"))


@on_change("alliance")
def queue(change: StateChange, event: str | None) -> None:
    if change.kind not in KINDS:
        return
    change_id = change.pk
    transaction.on_commit(lambda: deliver(change_id))


def deliver(change_id: int) -> int:
    """Write the inbox entries (and send the e-mails) of one revocation or dissolution."""
    from lianmeng.alliances.lifecycle import state_label_of

    change = StateChange.objects.filter(pk=change_id, subject_kind="alliance").first()
    if change is None or change.kind not in KINDS:
        return 0
    alliance = Alliance.objects.select_related("lead_unit").get(pk=change.subject_id)
    data = change.data or {}
    ground = ""
    if data.get("ground_label"):
        ground = _("事由：%(ground)s。") % {"ground": _(data["ground_label"])}
    day = clock.as_beijing(change.at).date()
    values = {
        "act": _(change.label),
        "name": alliance.name,
        "office": change.actor_office or "",
        "unit": alliance.lead_unit.name,
        "date": _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day},
        "ground": ground,
        "reason": change.reason or "—",
        "state": _(state_label_of(alliance, change.to_state)),
    }
    subject_text, body_text = _TEXTS[change.kind]
    subject = (_(subject_text) % values)[:200]
    link = absolute_url(reverse("alliances:registry_detail", args=[alliance.pk]))
    body = f"{_(body_text) % values}\n\n{_('在联盟管理平台查看')}：{link}"
    people = recipients(alliance)
    created = notify(
        people, event=f"alliance.{change.kind}", subject=subject, body=body, state_change=change
    )
    return len(created)
