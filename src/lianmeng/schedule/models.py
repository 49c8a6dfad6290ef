"""Reminders sent (one row per deadline and step: the unique constraint makes each reminder
go out once, whichever worker inserts first) and the personal iCalendar feed tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    """One reminder of one deadline: ``step`` is ``before_30`` … ``due`` or ``overdue``."""

    deadline = models.ForeignKey(
        "workflow.Deadline", on_delete=models.CASCADE, related_name="reminders"
    )
    step = models.CharField(_("提醒节点"), max_length=20)
    sent_at = models.DateTimeField(_("发送时间"))
    #: how many people it reached (in-app), and how many e-mails went out
    recipients = models.PositiveIntegerField(default=0)
    emails = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "step"], name="schedule_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id} {self.step}"


class FeedToken(models.Model):
    """The secret of a user's calendar feed; only its SHA-256 is stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feed of {self.user_id}"
