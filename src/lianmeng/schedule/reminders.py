"""The reminder job (M-36): before each deadline (by default 30, 7 and 1 days before), on the
day, and once when it has passed unmet, the responsible people are told in the inbox and by
e-mail.

Each reminder is one :class:`~lianmeng.schedule.models.Reminder` row, unique per deadline and
step, inserted first and in the same transaction as its inbox entries: when two workers run the
job at the same moment, the second insert waits for the first to commit and then fails on the
constraint, so the second worker sends nothing. E-mails go out after the commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from lianmeng.core import clock
from lianmeng.core.models import User
from lianmeng.reviews.models import Notification
from lianmeng.workflow.models import Deadline

from .models import Reminder
from .selectors import Entry, entries
from .subjects import department_of, department_users, lead_unit_users

logger = logging.getLogger("lianmeng.schedule")

EVENT = "schedule.reminder"
DUE = "due"
OVERDUE = "overdue"


def reminder_days() -> list[int]:
    """Days before the due date a reminder goes out (setting LIANMENG_REMINDER_DAYS)."""
    days = getattr(settings, "LIANMENG_REMINDER_DAYS", (30, 7, 1))
    return sorted({int(d) for d in days if int(d) > 0}, reverse=True)


def step_for(entry: Entry, today: Any) -> str | None:
    """The reminder due for ``entry`` on ``today`` (a Beijing date), or None."""
    if not entry.open:
        return None
    left = (entry.due_date - today).days
    if left < 0:
        return OVERDUE
    if left == 0:
        return DUE
    within = [d for d in reminder_days() if d >= left]
    return f"before_{min(within)}" if within else None


def step_label(step: str) -> str:
    if step == DUE:
        return "今天到期"
    if step == OVERDUE:
        return "已逾期"
    return f"还有 {step.removeprefix('before_')} 天到期"


@dataclass
class Sent:
    deadline: int
    step: str
    title: str
    name: str
    due_date: str
    recipients: list[str] = field(default_factory=list)
    emails: int = 0

    def line(self) -> str:
        who = "、".join(self.recipients) or "（无收件人）"
        return (
            f"“{self.title}” {self.name} {self.due_date}（{step_label(self.step)}）"
            f" → {who}；邮件 {self.emails} 封"
        )


def _text(entry: Entry, step: str) -> tuple[str, str, str | None]:
    from lianmeng.core.site import absolute_url

    when = f"{entry.due_date.year}年{entry.due_date.month}月{entry.due_date.day}日"
    subject = f"【{step_label(step)}】{entry.title}：{entry.name}"
    if step == OVERDUE:
        lead = f"“{entry.title}”的{entry.name}已于{when}到期，尚未完成，请尽快办理。"
    elif step == DUE:
        lead = f"“{entry.title}”的{entry.name}今天（{when}）到期，请按时办理。"
    else:
        days = step.removeprefix("before_")
        lead = f"“{entry.title}”的{entry.name}将于{when}到期（还有 {days} 天），请提前安排。"
    link = absolute_url(entry.url) if entry.url else None
    return subject[:200], lead + "\n\n联盟管理平台自动提醒", link


def candidates(now: datetime) -> list[Deadline]:
    """Deadlines within reach of a reminder: due in the next window, or passed lately."""
    ahead = max(reminder_days(), default=0) + 2
    behind = getattr(settings, "LIANMENG_REMINDER_OVERDUE_DAYS", 30)
    return list(
        Deadline.objects.filter(
            due_at__gt=now - timedelta(days=behind), due_at__lte=now + timedelta(days=ahead)
        )
        .select_related("state_change")
        .order_by("due_at", "id")
    )


def send_due_reminders(now: datetime | None = None) -> list[Sent]:
    """Send every reminder due at ``now`` not yet sent; what was sent, for the log and CLI."""
    moment = now or clock.now()
    today = moment.astimezone(clock.BEIJING).date()
    due = [
        (e, step) for e in entries(candidates(moment), now=moment) if (step := step_for(e, today))
    ]
    if not due:
        return []
    units = lead_unit_users([e.subject for e, _ in due])
    departments = {e.pk: department_of(e.deadline, e.subject) for e, _ in due}
    staff = department_users(departments.values())
    sent = []
    for entry, step in due:
        people = list(units.get(getattr(entry.subject, "lead_unit_id", None), []))
        # overdue: the department as well; a lead unit without an account: the department
        if step == OVERDUE or not people:
            people += [u for u in staff.get(departments[entry.pk], []) if u not in people]
        result = _send(entry, step, people, moment)
        if result is not None:
            sent.append(result)
    return sent


def _send(entry: Entry, step: str, people: list[User], now: datetime) -> Sent | None:
    subject, body, link = _text(entry, step)
    try:
        with transaction.atomic():
            # insert first: a second worker's insert waits here, then fails on the constraint
            reminder = Reminder.objects.create(
                deadline=entry.deadline, step=step, sent_at=now, recipients=len(people)
            )
            notes = Notification.objects.bulk_create(
                [
                    Notification(
                        recipient=user,
                        event=EVENT,
                        proposal_id=entry.subject.pk
                        if entry.deadline.subject_kind == "proposal"
                        else None,
                        state_change=entry.deadline.state_change,
                        subject=subject,
                        body=body + (f"\n在联盟管理平台查看：{link}" if link else ""),
                        created_at=now,
                    )
                    for user in people
                ]
            )
    except IntegrityError:
        return None  # another worker sent this reminder
    emailed = []
    for user, note in zip(people, notes, strict=True):
        if not user.email:
            continue
        try:
            send_mail(note.subject, note.body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:  # a mail server being down must not stop the other reminders
            logger.exception("reminder e-mail to user %s failed", user.pk)
            continue
        emailed.append(note.pk)
    if emailed:
        Notification.objects.filter(pk__in=emailed).update(emailed_at=clock.now())
        Reminder.objects.filter(pk=reminder.pk).update(emails=len(emailed))
    return Sent(
        deadline=entry.pk,
        step=step,
        title=entry.title,
        name=entry.name,
        due_date=entry.due_date.isoformat(),
        recipients=[u.display_name or u.username for u in people],
        emails=len(emailed),
    )
