"""决定与联盟名录（M-23、M-62）.

A :class:`Decision` is staged by the competent department (or Heilongjiang's coordination
group) and published together with others; publishing fires the lifecycle transition and, for
a positive decision, creates or updates the proposal's :class:`Alliance` row in the public
registry. A decline is recorded and told to the applicant but is not listed publicly.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction, Unit
from lianmeng.proposals.models import Proposal

#: 备案类别 as the Baoding measures write them (seed 004 第八条: 一类、二类、三类)
CATEGORY_LABELS = {1: _("一类"), 2: _("二类"), 3: _("三类")}


def category_label(number: int | None) -> str:
    return str(CATEGORY_LABELS.get(number, number or ""))


class DecisionNotice(models.Model):
    """发布文件：一批同时发布的决定所用的文号 (e.g. 豫科〔2026〕12号), one per publication.

    A 文号 belongs to one department and year: the same department never uses it twice
    (checked against the legacy registry's numbers too). ``token`` is the publish form's own
    key, so a second click of "发布" finds the batch already published instead of
    publishing again.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("发文部门辖区")
    )
    department = models.CharField(_("发文部门"), max_length=120)
    reference = models.CharField(_("文号"), max_length=60)
    prefix = models.CharField(_("发文字号"), max_length=30)
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveIntegerField(_("序号"))
    token = models.CharField(max_length=40, unique=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("决定文件")
        verbose_name_plural = _("决定文件")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "prefix", "year", "number"],
                name="one_reference_per_department_year",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Decision(models.Model):
    class Kind(models.TextChoices):
        APPROVE_TO_BUILD = "approve_to_build", _("批准筹建")
        RECOGNISE = "recognise", _("认定")
        FILE = "file", _("备案")
        PILOT = "pilot", _("确定为试点")
        DECLINE = "decline", _("不予通过")

    class Status(models.TextChoices):
        STAGED = "staged", _("待发布")
        PUBLISHED = "published", _("已发布")

    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.PROTECT, related_name="decisions"
    )
    profile = models.CharField(_("政策档案"), max_length=30, db_index=True)
    kind = models.CharField(_("决定"), max_length=20, choices=Kind.choices)
    #: the lifecycle transition publishing fires (from the profile's table)
    transition = models.CharField(max_length=40, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    #: 依据: the document or instruction a decision under a policy not in force relies on
    #: (lianmeng.policy.validity); recorded with the lifecycle change too
    basis = models.TextField(_("依据"), blank=True)
    #: 备案类别 (Baoding 第八条: 1, 2 or 3)
    category = models.PositiveSmallIntegerField(_("类别"), null=True, blank=True)
    alliance_name = models.CharField(_("联盟名称"), max_length=120, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.STAGED, db_index=True
    )
    alliance = models.ForeignKey(
        "Alliance", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    staged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    staged_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    #: the publication (文号) it went out under
    notice = models.ForeignKey(
        DecisionNotice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("决定文件"),
    )
    reference = models.CharField(_("文号"), max_length=60, blank=True)
    #: printed on the decision document (决定书/批复) with a QR code, checked at
    #: /registry/decisions/verify/<code>
    verification_code = models.CharField(max_length=16, blank=True, db_index=True)

    class Meta:
        ordering = ["-staged_at", "-id"]
        verbose_name = _("决定")
        verbose_name_plural = _("决定")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=models.Q(status="staged"),
                name="one_staged_decision_per_proposal",
            ),
            models.CheckConstraint(
                condition=models.Q(category__isnull=True) | models.Q(category__in=[1, 2, 3]),
                name="decision_category_1_2_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.proposal}"

    @property
    def positive(self) -> bool:
        return self.kind != self.Kind.DECLINE

    @property
    def category_label(self) -> str:
        return category_label(self.category)


class Alliance(models.Model):
    """联盟名录中的一个联盟 (one per proposal that was approved, recognised, filed or piloted)."""

    class Status(models.TextChoices):
        BUILDING = "building", _("筹建中")
        AWAITING_ACCEPTANCE = "awaiting_acceptance", _("待验收")
        RECOGNISED = "recognised", _("已认定")
        FILED = "filed", _("已备案")
        PILOT = "pilot", _("试点")
        REVOKED = "revoked", _("已撤销")
        DISSOLVED = "dissolved", _("已解散")

    class Source(models.TextChoices):
        SYSTEM = "system", _("本系统决定")
        LEGACY = "legacy", _("历史名录导入")

    #: the proposal decided in this system; none for an alliance of the legacy registry
    #: (decided before the system, imported with ``lianmeng alliance import``)
    proposal = models.OneToOneField(
        "proposals.Proposal",
        on_delete=models.PROTECT,
        related_name="alliance",
        null=True,
        blank=True,
    )
    source = models.CharField(
        _("来源"), max_length=10, choices=Source.choices, default=Source.SYSTEM, db_index=True
    )
    #: the decision's document number, e.g. 豫科〔2016〕12号
    reference = models.CharField(_("文号"), max_length=60, blank=True)
    profile = models.CharField(_("政策档案"), max_length=30, db_index=True)
    #: national / provincial / municipal (the profile's level)
    level = models.CharField(_("级别"), max_length=20, db_index=True)
    name = models.CharField(_("联盟名称"), max_length=120, db_index=True)
    domain = models.CharField(
        _("所属领域"), max_length=20, choices=Proposal.Domain.choices, blank=True, db_index=True
    )
    focus_area = models.CharField(_("重点领域"), max_length=60, blank=True)
    industry = models.CharField(_("产业（行业）"), max_length=100, blank=True)
    product = models.CharField(_("主要产品"), max_length=100, blank=True)
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="alliances", verbose_name=_("牵头单位")
    )
    #: the profile's jurisdiction (who decided), for the jurisdiction filter
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("认定辖区")
    )
    member_count = models.PositiveIntegerField(_("成员总数"), default=0)
    #: the state in the profile's ``[alliance_lifecycle]``, set only through the lifecycle
    #: engine (lianmeng.alliances.lifecycle): every change has its history row
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, db_index=True)
    category = models.PositiveSmallIntegerField(_("类别"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), db_index=True)
    #: Henan: 筹建期 one year from the decision (seed 000 五(二))
    construction_deadline = models.DateField(_("筹建期限"), null=True, blank=True)
    authority = models.CharField(_("决定机关"), max_length=60, blank=True)
    #: 绩效预警 (B-5): indicators behind plan in the alliance's latest submitted or accepted
    #: report with a KPI table; kept by lianmeng.reporting.services (denormalised, so that
    #: the department's list flags and filters it without a query per row)
    kpi_warning_count = models.PositiveSmallIntegerField(
        _("绩效预警指标数"), default=0, db_index=True
    )
    #: 享受扶持与奖励政策的资格 (洛阳 第九条): lost when a rectification fails its re-check;
    #: the reward calculator must honour it (lianmeng.evaluation.services.recheck)
    support_eligible = models.BooleanField(
        _("享受扶持与奖励政策的资格"), default=True, db_index=True
    )
    support_lost_on = models.DateField(_("取消扶持资格日期"), null=True, blank=True)
    support_lost_reason = models.TextField(_("取消扶持资格的理由"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("联盟")
        verbose_name_plural = _("联盟名录")

    def __str__(self) -> str:
        return self.name

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    # -- what the lifecycle engine's routing reads (lianmeng.workflow.routing) ---------------

    @property
    def region(self) -> Jurisdiction:
        """The area the alliance belongs to: its proposal's, else its lead unit's, else the
        deciding jurisdiction."""
        if self.proposal_id is not None:
            return self.proposal.region
        if self.lead_unit.region_id is not None:
            return self.lead_unit.region
        return self.jurisdiction

    #: an alliance has no zone route and names no recommender
    zone = None
    zone_id = None

    @property
    def document(self) -> dict:
        return {}


class RevocationNotice(models.Model):
    """取消备案通知 / 撤销通知: the notice a revocation sends the lead unit, fixed when the
    department revokes (the ground, the reasons, the date) and printed with a verification
    code checked at ``/verify/<code>`` (lianmeng.alliances.revocation)."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="revocations")
    state_change = models.OneToOneField(
        "workflow.StateChange", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=200)
    department = models.CharField(_("发文部门"), max_length=120)
    ground = models.CharField(_("事由编号"), max_length=40, blank=True)
    ground_label = models.CharField(_("事由"), max_length=200, blank=True)
    citation = models.CharField(_("依据"), max_length=200, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    revoked_on = models.DateField(_("日期"))
    verification_code = models.CharField(max_length=16, unique=True)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("取消备案（撤销）通知")
        verbose_name_plural = _("取消备案（撤销）通知")

    def __str__(self) -> str:
        return self.title


class RevocationEvidence(models.Model):
    """证明材料 the department attaches to a revocation: seen by department staff above the
    alliance and its lead unit, never by the public (the registry shows the ground only)."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="+")
    state_change = models.ForeignKey(
        "workflow.StateChange", on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("取消备案证明材料")
        verbose_name_plural = _("取消备案证明材料")

    def __str__(self) -> str:
        return self.original_name
