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
        WITHDRAWN = "withdrawn", _("已撤回")

    class Domain(models.TextChoices):
        INDUSTRY = "industry", _("工业")
        AGRICULTURE = "agriculture", _("农业")
        SOCIAL_DEVELOPMENT = "social_development", _("社会发展")

    profile = models.CharField(_("政策档案"), max_length=30, db_index=True)
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
    document = models.JSONField(_("申报数据"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("联盟构建申报")
        verbose_name_plural = _("联盟构建申报")
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return self.name
