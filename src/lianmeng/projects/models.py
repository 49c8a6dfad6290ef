"""重大项目征集（seed 000 六(二)：省重大科技专项主要依托联盟征集项目，通过联盟组织实施）.

- :class:`Solicitation` — a department's call for project proposals addressed to the alliances
  of its jurisdiction and below, optionally only those of chosen fields (``Alliance.domain``) and
  states; open between ``opens_at`` and ``closes_at`` (stored in UTC, shown in Beijing time).
- :class:`ProjectProposal` — one alliance's proposal, filed by its lead unit's applicants: goals,
  content, period, budget (万元, two places: government funds requested + self-raised = total).
- :class:`ProjectMember` — a member unit of the alliance taking part, with its task (taken from
  the alliance workspace's current member rows; name and USCC are copied as they were).
- :class:`ProjectScore` — one department staff member's score (0–100) of a submitted proposal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction, Unit

MONEY = {"max_digits": 14, "decimal_places": 2}


class Solicitation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("征集中")
        CLOSED = "closed", _("已截止")

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布部门辖区")
    )
    title = models.CharField(_("征集名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    guide = models.TextField(_("征集指南"), blank=True)
    #: Alliance.domain codes addressed (empty: every field)
    domains = models.JSONField(_("征集领域"), default=list, blank=True)
    #: Alliance.Status values addressed (empty: every running state, see services.RUNNING)
    statuses = models.JSONField(_("联盟状态"), default=list, blank=True)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    max_per_alliance = models.PositiveSmallIntegerField(_("每个联盟限报项目数"), default=1)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("项目征集")
        verbose_name_plural = _("项目征集")
        indexes = [
            models.Index(fields=["jurisdiction", "-created_at"], name="proj_sol_dept"),
            models.Index(fields=["status", "closes_at"], name="proj_sol_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="proj_sol_closes_after_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:solicitation", args=[self.pk])


class ProjectProposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回修改")
        WITHDRAWN = "withdrawn", _("已撤回")

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.PROTECT, related_name="proposals"
    )
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="project_proposals"
    )
    #: the alliance's lead unit when the proposal was created (its applicants file)
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    #: Alliance.domain at creation (the list filters on it without a join)
    domain = models.CharField(_("所属领域"), max_length=20, blank=True)
    title = models.CharField(_("项目名称"), max_length=200)
    goals = models.TextField(_("项目目标"), blank=True)
    summary = models.TextField(_("主要研究内容"), blank=True)
    starts_on = models.DateField(_("起始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    budget_total = models.DecimalField(_("总预算（万元）"), default=0, **MONEY)
    funds_requested = models.DecimalField(_("申请财政资金（万元）"), default=0, **MONEY)
    self_raised = models.DecimalField(_("自筹资金（万元）"), default=0, **MONEY)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    return_reason = models.TextField(_("退回意见"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    #: printed on the proposal's PDF, checked at /verify/<code> (set on first submission)
    verification_code = models.CharField(max_length=16, blank=True, db_index=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("项目申报书")
        verbose_name_plural = _("项目申报书")
        indexes = [
            # the department's list of one solicitation (filters: status, field), newest first
            models.Index(
                fields=["solicitation", "status", "-submitted_at", "-id"], name="proj_prop_list"
            ),
            models.Index(fields=["solicitation", "domain", "status"], name="proj_prop_domain"),
            models.Index(fields=["lead_unit", "-created_at"], name="proj_prop_lead"),
            models.Index(fields=["alliance", "solicitation"], name="proj_prop_alliance"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_total__gte=0)
                & models.Q(funds_requested__gte=0)
                & models.Q(self_raised__gte=0),
                name="proj_prop_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:proposal", args=[self.pk])


class ProjectMember(models.Model):
    """A member unit of the alliance taking part in the project, with its task."""

    proposal = models.ForeignKey(ProjectProposal, on_delete=models.CASCADE, related_name="members")
    #: the workspace's member row it was chosen from (none once that row is gone)
    member = models.ForeignKey(
        "running.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("单位名称"), max_length=120)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    task = models.CharField(_("承担任务"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("参与成员单位")
        verbose_name_plural = _("参与成员单位")

    def __str__(self) -> str:
        return self.name


class ProjectScore(models.Model):
    proposal = models.ForeignKey(ProjectProposal, on_delete=models.PROTECT, related_name="scores")
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("评分意见"), blank=True)
    scored_at = models.DateTimeField()

    class Meta:
        ordering = ["scored_at", "id"]
        verbose_name = _("项目评分")
        verbose_name_plural = _("项目评分")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "scorer"], name="proj_one_score_per_scorer"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=100),
                name="proj_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.score}"
