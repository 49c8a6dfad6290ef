"""Paper copies, zone filings and notifications.

The state history and deadlines of proposals are the lifecycle engine's
(:mod:`lianmeng.workflow.models`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction


class PaperReceipt(models.Model):
    """纸质材料接收登记 (seed 001 三(三)、四: 一式两份, on the call's paper days and hours)."""

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="paper_receipts"
    )
    copies = models.PositiveSmallIntegerField(_("份数"))
    received_at = models.DateTimeField(_("接收时间"))
    received_by = models.CharField(_("接收人"), max_length=60)
    #: why copies were taken outside the call's paper days and hours (empty when inside)
    outside_hours_reason = models.TextField(_("非报送时间接收的原因"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(copies__gte=1), name="paper_receipt_copies_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.copies}"


class ZoneFiling(models.Model):
    """自贸区片区管委会向省科技厅报备的新组建联盟名单 (seed 001 三(四))."""

    zone = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    #: the department the list is filed with
    filed_with = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    profile = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField(_("年度"))
    #: [{"proposal": id, "name", "lead_unit", "state", "decided_at"}] as filed
    items = models.JSONField(default=list)
    note = models.TextField(_("说明"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    proposals = models.ManyToManyField("proposals.Proposal", related_name="zone_filings")

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.zone} {self.year}"


class NotificationTemplate(models.Model):
    """A notification text staff edited for one profile and event (defaults live in code)."""

    profile = models.CharField(max_length=30)
    event = models.CharField(max_length=60)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "event"], name="unique_notification_text")
        ]

    def __str__(self) -> str:
        return f"{self.profile} {self.event}"


class Notification(models.Model):
    """站内消息: one per recipient; the e-mail carries the same text."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=60)
    proposal = models.ForeignKey(
        "proposals.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state_change = models.ForeignKey(
        "workflow.StateChange", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"])]

    def __str__(self) -> str:
        return self.subject
