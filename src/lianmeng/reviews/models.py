"""State history, deadlines, paper copies, zone filings and notifications.

The proposal's current state is ``Proposal.status``; every change of it is one
:class:`StateChange` row (Wagtail's "a history row per step"), written by the engine in the
same transaction as the change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction


class StateChange(models.Model):
    """One step of a proposal's lifecycle: who did what, when and why."""

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="state_changes"
    )
    from_state = models.CharField(_("原状态"), max_length=20)
    to_state = models.CharField(_("新状态"), max_length=20)
    #: transition id of the profile's table (``recommend_county``, ``submit`` …)
    transition = models.CharField(_("操作"), max_length=40)
    #: the transition's kind (recommend, return, accept …), kept for lists and the 推荐表
    kind = models.CharField(max_length=20, blank=True, db_index=True)
    #: the label as the table named it then (a later edit of the table does not rewrite history)
    label = models.CharField(_("操作名称"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: the department (or unit) the actor acted for, as shown on forms and stamps
    actor_office = models.CharField(_("办理部门"), max_length=120, blank=True)
    #: the jurisdiction the actor acted for (None for the lead unit)
    actor_jurisdiction = models.ForeignKey(
        Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    reason = models.TextField(_("意见或理由"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        indexes = [
            models.Index(fields=["proposal", "at"]),
            # "the latest recommendation of each proposal" on lists of thousands
            models.Index(fields=["proposal", "kind", "at"]),
            # the 推荐表: what one department recommended
            models.Index(fields=["actor_jurisdiction", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_state} → {self.to_state}"


class ProposalDeadline(models.Model):
    """A period a transition started (Henan: 筹建期一年 from 批准筹建)."""

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="deadlines"
    )
    #: the ``[deadlines]`` field of the profile: ``construction_period_months``
    kind = models.CharField(max_length=40)
    starts_at = models.DateTimeField()
    due_at = models.DateTimeField(_("截止时间"))
    state_change = models.ForeignKey(StateChange, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.kind} {self.due_at:%Y-%m-%d}"


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
        StateChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
