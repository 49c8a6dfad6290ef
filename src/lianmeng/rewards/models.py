"""扶持与奖补（M-50、M-51）：申请、专家评审、决定、预算与资金台账.

- :class:`SupportFacts` — what the department records of an alliance that the reward rules read
  and the registry does not hold: 纳入重点支持, the independent legal entity's registration.
- :class:`Claim` — a lead unit's (or the department's on its behalf) claim for one item: its
  kind, the figures (万元), the other government support declared, evidence files, and the
  calculation of :func:`lianmeng.policy.rewards.calculate` stored as it was at each step.
- :class:`ClaimReview` — one expert's score and suggested amount where a rule sets a range.
- :class:`Batch` — a batch of award decisions, staged and published together.
- :class:`Award` — the decided amount of one claim, inside the rule's range, with the reason.
- :class:`Budget` — a fund source's budget for a year; :class:`Instalment` — the part of an
  award due in a year, reserved on that year's budget; :class:`Payment` — a payment against an
  instalment (date, voucher number, amount).

Every amount is a ``DecimalField`` in 万元 with two places.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction, Unit

MONEY = {"max_digits": 14, "decimal_places": 2}


class SupportFacts(models.Model):
    alliance = models.OneToOneField(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="support_facts"
    )
    key_support = models.BooleanField(_("纳入重点支持"), default=False)
    key_support_reason = models.TextField(_("纳入重点支持的依据"), blank=True)
    legal_entity_name = models.CharField(_("独立法人机构名称"), max_length=120, blank=True)
    legal_entity_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_entity_registered_on = models.DateField(_("注册日期"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("扶持认定情况")
        verbose_name_plural = _("扶持认定情况")

    def __str__(self) -> str:
        return str(self.alliance_id)


class Claim(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回补正")
        REVIEWING = "reviewing", _("专家评审中")
        STAGED = "staged", _("已拟定")
        AWARDED = "awarded", _("已决定给予")
        REFUSED = "refused", _("不予支持")
        WITHDRAWN = "withdrawn", _("已撤回")

    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="reward_claims"
    )
    profile = models.CharField(_("政策档案"), max_length=30, db_index=True)
    region = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("申请编号"), max_length=24, unique=True)
    kind = models.CharField(_("奖补类别"), max_length=30, db_index=True)
    #: lianmeng.policy.rewards.item_key at submission: one award per item
    item = models.CharField(_("奖补事项"), max_length=200, db_index=True)
    event_date = models.DateField(_("奖励事项日期"))
    level = models.CharField(_("获批层级"), max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    project = models.CharField(_("项目名称"), max_length=200, blank=True)
    platform = models.CharField(_("平台名称"), max_length=200, blank=True)
    major_contribution = models.BooleanField(_("做出重大贡献"), default=False)
    #: {"sales_revenue": "1234.50", …} in 万元 (strings: exact decimals)
    figures = models.JSONField(_("申报数据"), default=dict, blank=True)
    #: [{"source": "省科技厅平台专项", "amount": "50.00"}] declared by the claimant
    other_support = models.JSONField(_("已获其他政府支持"), default=list, blank=True)
    statement = models.TextField(_("申请说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    on_behalf = models.BooleanField(_("主管部门代为申请"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    #: the calculation when last saved (Award.to_dict of lianmeng.policy.rewards)
    calculation = models.JSONField(default=dict, blank=True)
    computed_amount = models.DecimalField(_("测算金额"), default=0, **MONEY)
    range_min = models.DecimalField(null=True, blank=True, **MONEY)
    range_max = models.DecimalField(null=True, blank=True, **MONEY)
    #: why the department returned it (补正意见)
    return_reason = models.TextField(_("退回意见"), blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("奖补申请")
        verbose_name_plural = _("奖补申请")
        indexes = [
            models.Index(fields=["profile", "region", "status"], name="reward_claim_inbox"),
            models.Index(fields=["lead_unit", "-created_at"], name="reward_claim_lead"),
            models.Index(fields=["alliance", "item"], name="reward_claim_item"),
            # the lists' order (newest first): a page reads 20 entries, never sorts them all
            models.Index(fields=["-created_at", "-id"], name="reward_claim_recent"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("rewards:claim", args=[self.pk])


class ClaimFile(models.Model):
    """An evidence file (registration certificate, audited revenue, investment vouchers),
    checked by content and size like proposal materials."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="files")
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(upload_to="rewards/", max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")

    def __str__(self) -> str:
        return self.title


class ClaimReview(models.Model):
    """One expert on one claim whose amount a review sets: score 0–100, suggested amount."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="reviews")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=1, null=True, blank=True)
    suggested = models.DecimalField(_("建议金额"), null=True, blank=True, **MONEY)
    comment = models.TextField(_("评审意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "expert"], name="one_reward_review_each")
        ]
        indexes = [models.Index(fields=["expert", "submitted_at"], name="reward_review_task")]

    def __str__(self) -> str:
        return f"{self.claim_id}:{self.expert_id}"


class Budget(models.Model):
    """A fund source's budget for one year (M-51), e.g. 洛阳市应用技术研究与开发资金 2020."""

    profile = models.CharField(_("政策档案"), max_length=30, db_index=True)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    fund = models.CharField(_("资金来源"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("预算金额"), **MONEY)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "fund"]
        verbose_name = _("预算")
        verbose_name_plural = _("预算")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "jurisdiction", "fund", "year"], name="one_budget_per_fund_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fund} {self.year}"


class Batch(models.Model):
    """A batch of award decisions: staged one by one, published together (with notification)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("拟定中")
        PUBLISHED = "published", _("已公布")

    profile = models.CharField(_("政策档案"), max_length=30, db_index=True)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("批次名称"), max_length=120)
    reference = models.CharField(_("文号"), max_length=60, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    verification_code = models.CharField(max_length=16, blank=True, db_index=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("奖补决定批次")
        verbose_name_plural = _("奖补决定批次")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("rewards:batch", args=[self.pk])


class Award(models.Model):
    """The decision on one claim: the amount (0 for 不予支持) and why."""

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="award")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="awards")
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="reward_awards"
    )
    item = models.CharField(max_length=200, db_index=True)
    amount = models.DecimalField(_("决定金额"), **MONEY)
    reason = models.TextField(_("决定理由"), blank=True)
    fund = models.CharField(_("资金来源"), max_length=120)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    #: mirrors the batch: awards count (for the item and the ledger) once published
    published = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("奖补决定")
        verbose_name_plural = _("奖补决定")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.amount}"


class Instalment(models.Model):
    """The part of an award due in one year, reserved on that year's budget."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="instalments")
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="instalments")
    year = models.PositiveSmallIntegerField(_("拨付年度"))
    amount = models.DecimalField(_("应拨金额"), **MONEY)
    paid = models.DecimalField(_("已拨金额"), default=0, **MONEY)

    class Meta:
        ordering = ["year", "id"]
        verbose_name = _("分年拨付")
        verbose_name_plural = _("分年拨付")
        constraints = [
            models.UniqueConstraint(fields=["award", "year"], name="one_instalment_per_year"),
            models.CheckConstraint(
                condition=models.Q(paid__lte=models.F("amount")), name="instalment_not_overpaid"
            ),
        ]
        indexes = [
            models.Index(fields=["budget", "year"], name="reward_instalment_budget"),
            # 应拨未拨 in the list's order: only the instalments not yet paid in full
            models.Index(
                fields=["year", "id"],
                condition=models.Q(paid__lt=models.F("amount")),
                name="reward_instalment_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_id} {self.year}"


class Payment(models.Model):
    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="payments")
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="payments")
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="reward_payments"
    )
    paid_on = models.DateField(_("拨付日期"))
    voucher = models.CharField(_("凭证号"), max_length=40)
    amount = models.DecimalField(_("拨付金额"), **MONEY)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("拨付记录")
        verbose_name_plural = _("拨付记录")
        constraints = [
            models.UniqueConstraint(fields=["budget", "voucher"], name="one_payment_per_voucher"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive"),
        ]
        indexes = [
            models.Index(fields=["budget", "paid_on"], name="reward_payment_budget"),
            # the ledger's order (latest first) and the XLSX's (read backwards)
            models.Index(fields=["-paid_on", "-id"], name="reward_payment_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher} {self.amount}"
