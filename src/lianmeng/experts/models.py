"""专家库与专家评审（M-22）：专家、评审轮次、评审任务（分配）与评分。

Conflicts of interest are decided from data the platform holds, not from the expert's word
alone: an expert whose employer (``user.unit``) is the lead unit or a member of a proposal
(by USCC or organisation code in the roster) is never assigned to it and never sees it; where
the profile says so, an expert whose unit lies in the recommending area stands aside too; and
an expert may declare further units (by code) or a conflict with one task.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction


class ExpertProfile(models.Model):
    """专家库中的一位专家. The employer is ``user.unit`` (one source of truth)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile"
    )
    #: 专业领域, e.g. ["新材料", "高端装备制造"]
    fields = models.JSONField(_("专业领域"), default=list, blank=True)
    #: where the expert is based; defaults to the employer's registered region
    region = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在地区"),
    )
    title = models.CharField(_("职称/职务"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    available = models.BooleanField(_("可接受评审任务"), default=True)
    #: USCCs or organisation codes of units the expert declares a conflict with
    #: (former employer, spouse's employer, a company he advises …)
    declared_conflicts = models.JSONField(_("申报回避单位"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")

    def __str__(self) -> str:
        return str(self.user)


class ReviewRound(models.Model):
    """一个评审轮次: one profile, one call year, criteria snapshotted from the profile."""

    class Status(models.TextChoices):
        OPEN = "open", _("评审中")
        CLOSED = "closed", _("已结束")

    profile = models.CharField(_("政策档案"), max_length=30, db_index=True)
    call_year = models.PositiveSmallIntegerField(_("申报年度"))
    #: the organising (competent) department's area; its staff manage the round
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织部门辖区")
    )
    title = models.CharField(_("名称"), max_length=200)
    #: [{"key", "title", "description", "weight", "max_score", "citation": {seed, article}}]
    criteria = models.JSONField(_("评审标准"))
    #: the profile's area rule at creation (snapshotted like the criteria)
    exclude_same_area = models.BooleanField(_("推荐地区专家回避"), default=False)
    opens_at = models.DateTimeField(_("评审开始"), null=True, blank=True)
    closes_at = models.DateTimeField(_("评审截止"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    proposals = models.ManyToManyField(
        "proposals.Proposal", through="RoundProposal", related_name="review_rounds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("评审轮次")
        verbose_name_plural = _("评审轮次")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class RoundProposal(models.Model):
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="entries")
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="round_entries"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "proposal"]
        constraints = [
            models.UniqueConstraint(fields=["round", "proposal"], name="unique_round_proposal")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.proposal}"


class Assignment(models.Model):
    """评审任务: one expert scores one proposal in one round."""

    class By(models.TextChoices):
        AUTO = "auto", _("自动分配")
        MANUAL = "manual", _("人工指定")

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="assignments")
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="expert_assignments"
    )
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="assignments")
    by = models.CharField(_("分配方式"), max_length=10, choices=By.choices)
    #: why staff chose this expert by hand (required for a manual assignment)
    override_reason = models.TextField(_("人工指定理由"), blank=True)
    #: a conflict staff knowingly accepted when assigning by hand (e.g. same area)
    accepted_conflict = models.CharField(_("已知晓的回避情形"), max_length=200, blank=True)
    #: the expert declared a conflict with this task: it no longer counts, he no longer sees it
    declared_conflict = models.BooleanField(_("专家声明回避"), default=False)
    declared_reason = models.TextField(_("回避理由"), blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["round", "proposal", "id"]
        verbose_name = _("评审任务")
        verbose_name_plural = _("评审任务")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "proposal", "expert"], name="unique_assignment"
            )
        ]
        indexes = [models.Index(fields=["expert", "round"])]

    def __str__(self) -> str:
        return f"{self.expert} → {self.proposal}"

    @property
    def active(self) -> bool:
        return not self.declared_conflict


class Score(models.Model):
    """One criterion's score and comment in one task (a draft until the task is submitted)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("评审标准"), max_length=40)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    comment = models.TextField(_("评语"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assignment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="unique_score"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0),
                name="score_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.criterion}: {self.score}"
