"""联盟报告：年度工作计划、自评价报告、工作总结、重大事项报告、协议续签（M-32、M-33、B-5）.

One :class:`Report` per alliance, kind of the profile's ``[[reporting.reports]]`` and year (an
annual one) or per event (a major event). Its content is a JSON object by field id of the
profile's report kind; its state follows the profile's ``[report_lifecycle]`` on the lifecycle
engine (subject kind ``report``, lianmeng.reporting.lifecycle). ``region`` and ``lead_unit`` are
copied from the alliance when the report is made, so that the routing of the engine and the
department's inbox read them without a join. ``warnings`` holds the KPI early warnings (B-5)
computed when the report was last saved or submitted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction, Unit


class Report(models.Model):
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="reports"
    )
    profile = models.CharField(_("政策档案"), max_length=30, db_index=True)
    #: the report kind's id in the profile (annual_plan, self_evaluation, major_event …)
    kind = models.CharField(_("报告类别"), max_length=40)
    #: the year an annual report is about (none for a major event)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    #: a major event's kind (the profile's ``events``), else blank
    event_kind = models.CharField(_("事项类别"), max_length=40, blank=True)
    #: {field id: value}; a ``table`` field holds {"funding.lead_unit": 120, …}
    content = models.JSONField(_("内容"), default=dict, blank=True)
    #: the state in the profile's ``[report_lifecycle]``, set only through the engine
    status = models.CharField(_("状态"), max_length=20, default="draft", db_index=True)
    revision = models.PositiveIntegerField(default=1)
    #: the KPI early warnings (lianmeng.policy.alliance_life.KpiWarning.to_dict())
    warnings = models.JSONField(_("绩效预警"), default=list, blank=True)
    warning_count = models.PositiveSmallIntegerField(_("预警指标数"), default=0, db_index=True)
    region = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("所属地区")
    )
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头单位")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("联盟报告")
        verbose_name_plural = _("联盟报告")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "kind", "year"],
                condition=models.Q(year__isnull=False),
                name="one_annual_report_per_kind_year",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "profile", "submitted_at"], name="report_inbox"),
            models.Index(fields=["alliance", "kind", "year"], name="report_alliance_kind"),
            models.Index(fields=["region", "status"], name="report_region_status"),
        ]

    def __str__(self) -> str:
        return f"{self.alliance_id} {self.kind} {self.year or ''}".strip()

    def get_absolute_url(self) -> str:
        return reverse("reporting:report_detail", args=[self.pk])

    # -- what the lifecycle engine's routing reads (lianmeng.workflow.routing) ---------------

    @property
    def name(self) -> str:
        return f"{self.alliance.name} · {self.kind}{f' {self.year}' if self.year else ''}"

    #: a report has no zone route and names no recommender
    zone = None
    zone_id = None

    @property
    def document(self) -> dict:
        return {}


class ReportFile(models.Model):
    """A file of a report (a ``files`` field, or attachments), checked like proposal materials."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="files")
    field = models.CharField(_("内容项"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(upload_to="reporting/", max_length=200)
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
        verbose_name = _("报告附件")
        verbose_name_plural = _("报告附件")

    def __str__(self) -> str:
        return self.title
