"""绩效评价（M-40、M-41、M-42）：评价活动、联盟自评、评价人评分、核定与排名、公示与异议、整改.

- :class:`Campaign` — one department's evaluation of a profile's alliances for a year; its
  ``stage`` moves forward only (自评 → 评分 → 核定 → 公示 → 已公布), each step audited
  (lianmeng.evaluation.services).
- :class:`Evaluation` — one alliance in a campaign: the self-evaluation (pre-filled from the
  accepted annual reports, :mod:`lianmeng.evaluation.prefill`), the evaluators' mean, the
  department's adjustment with its reason, the grade (always from
  :func:`lianmeng.policy.evaluation.grade_of`) and the rank.
- :class:`Assignment` — an evaluator (expert or third-party evaluator) on one alliance of the
  campaign, with scores and comments per indicator; nobody else sees them before publication.
- :class:`Objection` — an objection filed during the public notice, and how it was handled.
- :class:`Rectification` — the warning and rectification after a failing grade, on the
  lifecycle engine (subject kind ``rectification``, the profile's ``[rectification_lifecycle]``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction, Unit

SCORE = {"max_digits": 7, "decimal_places": 3}


class Campaign(models.Model):
    class Stage(models.TextChoices):
        SELF = "self", _("联盟自评")
        SCORING = "scoring", _("评价人评分")
        VERIFYING = "verifying", _("主管部门核定")
        NOTICE = "notice", _("结果公示")
        PUBLISHED = "published", _("已公布")

    profile = models.CharField(_("政策档案"), max_length=30, db_index=True)
    year = models.PositiveSmallIntegerField(_("评价年度"))
    title = models.CharField(_("名称"), max_length=120)
    #: the department that runs the campaign (the profile's jurisdiction)
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("主管部门辖区")
    )
    stage = models.CharField(
        _("阶段"), max_length=12, choices=Stage.choices, default=Stage.SELF, db_index=True
    )
    self_due = models.DateField(_("自评截止日期"))
    scoring_due = models.DateField(_("评分截止日期"))
    #: days of public notice before publication (the profile's ``notice_days``; 0: none)
    notice_days = models.PositiveSmallIntegerField(_("公示天数"), default=0)
    notice_starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示结束"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    #: the results document's verification code (as on the proposal PDF)
    verification_code = models.CharField(max_length=16, blank=True, db_index=True)
    alliance_count = models.PositiveIntegerField(_("参评联盟数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("绩效评价")
        verbose_name_plural = _("绩效评价")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "jurisdiction", "year"], name="one_campaign_per_year"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluation:campaign", args=[self.pk])


class CampaignEvaluator(models.Model):
    """An evaluator the department put on the campaign: an expert of its pool or the
    commissioned third-party evaluator (role ``evaluator``, e.g. demo ``pinggu``)."""

    class Kind(models.TextChoices):
        EXPERTS = "experts", _("评价专家")
        THIRD_PARTY = "third_party", _("第三方评价机构")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="evaluators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("评价主体"), max_length=12, choices=Kind.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="one_seat_per_evaluator")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.user_id}"


class Evaluation(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="evaluations")
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="evaluations"
    )
    region = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    #: what the platform found in the alliance's reports, per indicator:
    #: {indicator: {"text": str, "suggested": "87.5" | None}} (lianmeng.evaluation.prefill)
    facts = models.JSONField(_("数据来源"), default=dict, blank=True)
    #: the lead unit's self-evaluation: {indicator: {"score": "90", "statement": str}}
    self_content = models.JSONField(_("自评内容"), default=dict, blank=True)
    self_filed_at = models.DateTimeField(_("自评提交时间"), null=True, blank=True)
    self_filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: the mean of the submitted evaluators' weighted totals
    score = models.DecimalField(_("评价得分"), null=True, blank=True, **SCORE)
    adjusted_score = models.DecimalField(_("核定得分"), null=True, blank=True, **SCORE)
    adjustment_reason = models.TextField(_("调整理由"), blank=True)
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adjusted_at = models.DateTimeField(null=True, blank=True)
    #: the score that counts (adjusted, else the evaluators' mean), its grade id and rank
    final_score = models.DecimalField(_("最终得分"), null=True, blank=True, db_index=True, **SCORE)
    grade = models.CharField(_("等级"), max_length=40, blank=True, db_index=True)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["rank", "id"]
        verbose_name = _("联盟绩效评价")
        verbose_name_plural = _("联盟绩效评价")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "alliance"], name="one_evaluation_each")
        ]
        indexes = [
            models.Index(fields=["campaign", "rank"], name="evaluation_rank"),
            # the campaign's rows of one grade by rank (the list's grade filter, the
            # distribution's grade counts): docs/benchmarks.md, evaluation campaign
            models.Index(fields=["campaign", "grade", "rank"], name="evaluation_grade_rank"),
            models.Index(fields=["lead_unit", "campaign"], name="evaluation_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.alliance_id}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:evaluation", args=[self.pk])


class Assignment(models.Model):
    """One evaluator on one alliance: per-indicator scores (0–100) and comments."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="assignments")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=CampaignEvaluator.Kind.choices)
    #: {indicator: "87.5"}; {indicator: "comment"}
    scores = models.JSONField(default=dict, blank=True)
    comments = models.JSONField(default=dict, blank=True)
    total = models.DecimalField(_("加权总分"), null=True, blank=True, **SCORE)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    #: a conflict the department knowingly accepted, with its reason
    accepted_conflict = models.CharField(max_length=200, blank=True)
    override_reason = models.TextField(blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "evaluator"], name="one_task_each")
        ]
        indexes = [models.Index(fields=["evaluator", "submitted_at"], name="evaluation_task")]

    def __str__(self) -> str:
        return f"{self.evaluation_id}:{self.evaluator_id}"


class Objection(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="objections")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("异议人"), max_length=60)
    contact = models.CharField(_("联系方式"), max_length=60)
    text = models.TextField(_("异议内容"))
    filed_at = models.DateTimeField()
    status = models.CharField(
        _("处理结果"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    response = models.TextField(_("处理意见"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["filed_at", "id"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")

    def __str__(self) -> str:
        return f"{self.evaluation_id}:{self.pk}"


class Rectification(models.Model):
    """警告并限期整改 after a failing grade; ``status`` follows ``[rectification_lifecycle]``."""

    evaluation = models.OneToOneField(
        Evaluation, on_delete=models.PROTECT, related_name="rectification"
    )
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="rectifications"
    )
    profile = models.CharField(max_length=30, db_index=True)
    region = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    #: set only through the lifecycle engine
    status = models.CharField(_("状态"), max_length=20, default="draft", db_index=True)
    deadline = models.DateField(_("整改期限"))
    warning = models.TextField(_("警告内容"))
    warning_code = models.CharField(max_length=16, unique=True)
    report = models.TextField(_("整改报告"), blank=True)
    report_saved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("整改")
        verbose_name_plural = _("整改")

    def __str__(self) -> str:
        return f"{self.alliance_id} {self.deadline}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:rectification", args=[self.pk])

    # -- what the lifecycle engine's routing reads ---------------------------------------------
    @property
    def name(self) -> str:
        return f"{self.alliance.name} · 整改"

    zone = None
    zone_id = None

    @property
    def document(self) -> dict:
        return {}
