"""站内消息 of change filings: written after the filing's transaction commits (the inbox of
``lianmeng.reviews``; the link to the filing is in the text, as the schedule's reminders do)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse

from lianmeng.core import clock
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.core.site import absolute_url
from lianmeng.reviews.models import Notification
from lianmeng.workflow import engine

from .models import ChangeFiling

EVENT_FILED = "change.filed"
EVENT_WARNING = "change.eligibility_warning"
EVENT_DECIDED = "change.decided"


def lead_unit_staff(filing: ChangeFiling) -> list[User]:
    return list(
        User.objects.filter(
            unit_id=filing.lead_unit_id, is_active=True, role_grants__role=Role.APPLICANT
        )
        .distinct()
        .order_by("pk")
    )


def department_staff(filing: ChangeFiling) -> list[User]:
    """The staff who acknowledge or query the filing now (the office of its next step)."""
    people: list[User] = []
    for step in engine.next_steps(filing):
        office = step.office
        if office.jurisdiction is None:
            continue
        for user in (
            User.objects.filter(
                jurisdiction=office.jurisdiction,
                is_active=True,
                role_grants__role=step.transition.role,
            )
            .distinct()
            .order_by("pk")
        ):
            if user not in people:
                people.append(user)
    return people


def link(filing: ChangeFiling) -> str:
    return absolute_url(reverse("running:change_detail", args=[filing.pk]))


def send(users: Iterable[User], event: str, subject: str, body: str, filing: ChangeFiling) -> None:
    """Queue one inbox entry per user, written once the surrounding transaction commits."""
    recipients = [u.pk for u in users]
    text = f"{body}\n\n在联盟管理平台查看：{link(filing)}"

    def write() -> None:
        now = clock.now()
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=pk,
                    event=event,
                    subject=subject[:200],
                    body=text,
                    created_at=now,
                )
                for pk in recipients
            ]
        )

    if recipients:
        transaction.on_commit(write)
