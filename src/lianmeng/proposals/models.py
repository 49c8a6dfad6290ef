"""Proposals (建议书) as filed by a lead unit, with the interchange document they carry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction, Unit


class Proposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回修改")
        WITHDRAWN = "withdrawn", _("已撤回")

    #: statuses in which the lead unit may edit the proposal
    EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})

    class Domain(models.TextChoices):
        INDUSTRY = "industry", _("工业")
        AGRICULTURE = "agriculture", _("农业")
        SOCIAL_DEVELOPMENT = "social_development", _("社会发展")

    profile = models.CharField(_("政策档案"), max_length=30, db_index=True)
    call = models.ForeignKey(
        "calls.Call",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("申报通知"),
    )
    call_year = models.PositiveSmallIntegerField(_("申报年度"), null=True, blank=True)
    name = models.CharField(_("联盟名称"), max_length=100)
    domain = models.CharField(_("所属领域"), max_length=20, choices=Domain.choices)
    focus_area = models.CharField(_("重点领域"), max_length=60, blank=True)
    industry = models.CharField(_("产业（行业）"), max_length=100, blank=True)
    product = models.CharField(_("产品（品种）"), max_length=100, blank=True)
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="led_proposals", verbose_name=_("牵头单位")
    )
    #: where the lead unit is registered: the record belongs to this jurisdiction's staff
    region = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地")
    )
    #: the development or free-trade zone the lead unit lies in, if any (M-03)
    zone = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在园区"),
    )
    member_count = models.PositiveIntegerField(_("成员总数"), default=0)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    #: the interchange document (schema version 1) as the lead unit has filled it so far;
    #: a draft may be incomplete, it must be valid to be submitted
    document = models.JSONField(_("申报数据"))
    #: raw values typed into fields that did not validate, {section: {field: text}}, so that
    #: nothing typed is lost; cleared field by field as values become valid
    form_state = models.JSONField(default=dict, blank=True)
    #: 可行性研究报告 and 协议书 written online: {"feasibility": {"1": html, …}, "agreement": {…}}
    writeups = models.JSONField(default=dict, blank=True)
    #: written explanations for failed 原则上 (principle) findings, {rule id: text}
    explanations = models.JSONField(default=dict, blank=True)
    #: bumped on every save; a form posted with an older revision is refused (two staff
    #: editing the same section must not overwrite each other silently)
    revision = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("联盟构建申报")
        verbose_name_plural = _("联盟构建申报")
        indexes = [
            models.Index(fields=["region", "status"]),
            # the lists' order: a page is read from the index, not sorted from every row
            models.Index(fields=["-updated_at", "-id"], name="proposals_updated_id"),
        ]

    def __str__(self) -> str:
        return self.name


class ProposalVersion(models.Model):
    """An immutable copy of a proposal as submitted, with its printable PDF (M-17, B-3)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    document = models.JSONField()
    writeups = models.JSONField(default=dict, blank=True)
    explanations = models.JSONField(default=dict, blank=True)
    #: SHA-256 of the canonical JSON of document + writeups + explanations
    sha256 = models.CharField(max_length=64)
    #: code printed on every page of the PDF; /verify/<code> confirms the paper copy
    verification_code = models.CharField(max_length=16, unique=True)
    pdf = models.FileField(upload_to="versions/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="unique_proposal_version")
        ]

    def __str__(self) -> str:
        return f"{self.proposal} v{self.number}"


class Material(models.Model):
    """An uploaded attachment of one required kind (M-14), stored outside the web root."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="materials")
    kind = models.CharField(_("材料类别"), max_length=30)
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(upload_to="materials/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposal", "kind", "uploaded_at"]

    def __str__(self) -> str:
        return self.title


class MemberConfirmation(models.Model):
    """A member unit's contact confirming membership (and signature) online (M-12)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="confirmations")
    #: the member's USCC or organisation code as it stands in the roster
    member_code = models.CharField(max_length=18)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)
    signature_confirmed = models.BooleanField(_("法定代表人已签署协议"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "member_code"], name="unique_member_confirmation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal} · {self.member_code}"


class RosterEntry(models.Model):
    """One member of a proposal's roster (``document["members"]``) under its organisation-code
    key (``roster_fields.identity_keys``: the code inside its USCC, its 组织机构代码), so that
    the proposals listing a unit are found through an index, not by reading every document
    (``selectors.member_confirmations``). Kept in step by ``roster_index`` on every save of a
    proposal's document; rows written around ``save()`` (bulk inserts) add their entries
    themselves (``lianmeng.scale``)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    #: the member's place in the roster, from 0
    position = models.PositiveIntegerField()
    #: upper case, without "-" (9 characters for a valid code)
    key = models.CharField(max_length=64)
    #: the code the member is known by in the roster (``roster_fields.member_code``)
    member_code = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["key", "proposal"], name="proposals_roster_key")]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.position} · {self.key}"
