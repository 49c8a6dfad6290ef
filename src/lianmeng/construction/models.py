"""筹建与验收（M-30）：筹建清单、验收评审轮次、专家评分与认定证书.

The checklist items come from the profile's ``[construction]`` table; a :class:`ChecklistEntry`
holds what the lead unit supplied for one item (text and/or files, as its ``evidence`` says),
edited with an optimistic ``revision`` until the alliance applies for 验收. Applying opens an
:class:`AcceptanceRound` (criteria snapshotted from ``[construction.acceptance]``); the
competent department assigns experts of its pool, who score each criterion; the department
closes the round and decides. Passing issues a :class:`Certificate` (认定证书) with a
verification code checked at ``/verify/<code>``. The alliance's state itself lives on the
lifecycle engine (:mod:`lianmeng.alliances.lifecycle`), never here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction


class ChecklistEntry(models.Model):
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="checklist_entries"
    )
    #: the item's id in the profile's ``[[construction.checklist]]``
    item = models.CharField(_("清单项"), max_length=40)
    text = models.TextField(_("完成情况说明"), blank=True)
    #: whether the entry holds every kind of evidence its item asks for
    complete = models.BooleanField(_("已完成"), default=False)
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["alliance", "id"]
        verbose_name = _("筹建清单项")
        verbose_name_plural = _("筹建清单项")
        constraints = [
            models.UniqueConstraint(fields=["alliance", "item"], name="one_entry_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.alliance_id} · {self.item}"


class ChecklistFile(models.Model):
    """A file supplied for one checklist item, checked like proposal materials."""

    entry = models.ForeignKey(ChecklistEntry, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to="construction/", max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    #: removed by the lead unit before applying (kept for the audit trail, no longer shown)
    removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("筹建清单附件")
        verbose_name_plural = _("筹建清单附件")

    def __str__(self) -> str:
        return self.original_name


class AcceptanceRound(models.Model):
    """One application for 验收 and its expert review (an alliance may apply again after a
    failed 验收: ``attempt`` counts)."""

    class Status(models.TextChoices):
        OPEN = "open", _("评审中")
        CLOSED = "closed", _("评审已结束")
        PASSED = "passed", _("验收通过")
        FAILED = "failed", _("验收不通过")

    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="acceptance_rounds"
    )
    attempt = models.PositiveSmallIntegerField(_("申请次数"), default=1)
    #: the organising (competent) department's area: the profile's jurisdiction
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织部门辖区")
    )
    #: [{"key", "title", "description", "weight", "max_score", "citation": {seed, article}}]
    criteria = models.JSONField(_("验收标准"))
    exclude_same_area = models.BooleanField(_("推荐地区专家回避"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField()
    note = models.TextField(_("申请说明"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("验收意见"), blank=True)

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = _("验收评审")
        verbose_name_plural = _("验收评审")
        constraints = [
            models.UniqueConstraint(fields=["alliance", "attempt"], name="one_round_per_attempt"),
        ]

    def __str__(self) -> str:
        return f"{self.alliance} · 验收 {self.attempt}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def undecided(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.CLOSED)


class AcceptanceAssignment(models.Model):
    """One expert scores one 验收 application."""

    round = models.ForeignKey(AcceptanceRound, on_delete=models.PROTECT, related_name="assignments")
    expert = models.ForeignKey(
        "experts.ExpertProfile", on_delete=models.PROTECT, related_name="acceptance_assignments"
    )
    #: a conflict staff knowingly accepted (same area), with the reason for choosing him
    accepted_conflict = models.CharField(_("已知晓的回避情形"), max_length=200, blank=True)
    override_reason = models.TextField(_("人工指定理由"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("验收评审任务")
        verbose_name_plural = _("验收评审任务")
        constraints = [
            models.UniqueConstraint(fields=["round", "expert"], name="one_acceptance_task"),
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.round}"


class AcceptanceScore(models.Model):
    assignment = models.ForeignKey(
        AcceptanceAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.CharField(_("验收标准"), max_length=40)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    comment = models.TextField(_("评语"), blank=True)

    class Meta:
        ordering = ["assignment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="one_acceptance_score"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0),
                name="acceptance_score_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.criterion}: {self.score}"


class Certificate(models.Model):
    """认定证书: issued when 验收 passes; printed with its verification code and QR."""

    alliance = models.OneToOneField(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="certificate"
    )
    round = models.OneToOneField(
        AcceptanceRound, on_delete=models.PROTECT, related_name="certificate"
    )
    verification_code = models.CharField(max_length=16, unique=True)
    #: what the certificate says, fixed when it is issued
    department = models.CharField(_("认定部门"), max_length=120)
    outcome = models.CharField(_("认定结论"), max_length=200)
    citation = models.CharField(_("依据"), max_length=200, blank=True)
    recognised_on = models.DateField(_("认定日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("认定证书")
        verbose_name_plural = _("认定证书")

    def __str__(self) -> str:
        return f"{self.alliance} · {self.verification_code}"
