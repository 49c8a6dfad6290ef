"""Annual calls (申报通知, M-10) and their windows, judged in Asia/Shanghai."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction


class Call(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("未发布")
        PUBLISHED = "published", _("已发布")

    profile = models.CharField(_("政策档案"), max_length=30, db_index=True)
    #: the issuing department's jurisdiction (the competent department)
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="calls", verbose_name=_("发布部门辖区")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    scope = models.TextField(_("支持范围"), blank=True)
    focus_areas = models.JSONField(_("重点领域"), default=list, blank=True)
    #: first instant and last instant (inclusive) of online filing; a closing date without an
    #: hour is stored as that day 23:59:59.999999 Beijing time
    online_opens_at = models.DateTimeField(_("网上填报开始"))
    online_closes_at = models.DateTimeField(_("网上填报截止"))
    #: [{"date": "2020-09-21", "hours": [["08:00", "12:00"], ["15:00", "18:00"]]}, …]
    paper_days = models.JSONField(_("纸质材料报送时间"), default=list, blank=True)
    paper_place = models.CharField(_("报送地点"), max_length=200, blank=True)
    #: [{"name": "张超", "phone": "0371-65990399", "office": "成果转化处"}, …]
    contacts = models.JSONField(_("联系人"), default=list, blank=True)
    #: material kinds of the interchange schema (proposal_form, feasibility_report, …)
    required_materials = models.JSONField(_("申报材料"), default=list, blank=True)
    paper_copies = models.PositiveSmallIntegerField(_("纸质份数"), default=2)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-online_opens_at", "-id"]
        verbose_name = _("申报通知")
        verbose_name_plural = _("申报通知")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(online_closes_at__gt=models.F("online_opens_at")),
                name="call_window_ordered",
                violation_error_message=_("网上填报截止时间须晚于开始时间"),
            )
        ]

    def __str__(self) -> str:
        return self.title
