"""专利池与产业技术标准信息库（M-61，种子 000 四(一)4）.

One :class:`Patent` per patent number and one :class:`Standard` per standard number across the
whole platform: a number reported again (by the same alliance in a later year, or by another
alliance) is merged into the existing row, never repeated. ``alliance`` is the alliance that
first reported it; ``region`` and ``field`` are copied from that alliance so that the public
base, the dashboards and the department's lists filter without a join. ``number`` is stored
normalised (:func:`lianmeng.ipbase.numbers.normalise_*`), so "ZL 2020 1 0123456.7" and
"zl202010123456.7" are the same patent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction


class Patent(models.Model):
    class Kind(models.TextChoices):
        INVENTION = "invention", _("发明专利")
        UTILITY = "utility", _("实用新型专利")
        DESIGN = "design", _("外观设计专利")

    class Status(models.TextChoices):
        APPLIED = "applied", _("已申请")
        GRANTED = "granted", _("已授权")
        LAPSED = "lapsed", _("已失效")

    number = models.CharField(_("专利号"), max_length=40, unique=True)
    title = models.CharField(_("专利名称"), max_length=200)
    kind = models.CharField(_("专利类型"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("法律状态"), max_length=10, choices=Status.choices, db_index=True)
    #: [{"name": …, "uscc": …}] the holders among the alliance's members
    holders = models.JSONField(_("专利权人"), default=list, blank=True)
    licences_inside = models.PositiveIntegerField(_("联盟内许可数"), default=0)
    licences_outside = models.PositiveIntegerField(_("联盟外许可数"), default=0)
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="patents"
    )
    region = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    #: the alliance's field (Alliance.domain) when it was reported
    field = models.CharField(_("领域"), max_length=60, blank=True, db_index=True)
    #: the year it was (last) reported in
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    #: text the search reads (title, number, holders), see lianmeng.ipbase.search
    search_text = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("专利")
        verbose_name_plural = _("专利")
        indexes = [
            models.Index(fields=["alliance", "year"], name="ipbase_patent_alliance"),
            models.Index(fields=["region", "year"], name="ipbase_patent_region"),
            # the public list's order (newest year first) without a sort of the whole table
            models.Index(fields=["-year", "-id"], name="ipbase_patent_order"),
            models.Index(fields=["kind", "year"], name="ipbase_patent_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Standard(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "national", _("国家标准")
        INDUSTRY = "industry", _("行业标准")
        LOCAL = "local", _("地方标准")
        GROUP = "group", _("团体标准")

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("制定中")
        PUBLISHED = "published", _("已发布")
        ABOLISHED = "abolished", _("已废止")

    number = models.CharField(_("标准号"), max_length=60, unique=True)
    title = models.CharField(_("标准名称"), max_length=200)
    level = models.CharField(_("标准层级"), max_length=10, choices=Level.choices, db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, db_index=True)
    #: [{"name": …, "uscc": …}] the drafting members
    drafters = models.JSONField(_("起草单位"), default=list, blank=True)
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="standards"
    )
    region = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("领域"), max_length=60, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    search_text = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("标准")
        verbose_name_plural = _("标准")
        indexes = [
            models.Index(fields=["alliance", "year"], name="ipbase_standard_alliance"),
            models.Index(fields=["region", "year"], name="ipbase_standard_region"),
            models.Index(fields=["-year", "-id"], name="ipbase_standard_order"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PatentReport(models.Model):
    """One report of a patent by an alliance (a form, an import line or the API), kept even
    when the number was merged into a row another alliance reported first: the alliance's own
    list is the patents it reported."""

    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="reports")
    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    #: the annual report of that year it was reported with, when there is one
    report = models.ForeignKey(
        "reporting.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: what this report said (the row keeps the latest)
    status = models.CharField(_("法律状态"), max_length=10, blank=True)
    licences_inside = models.PositiveIntegerField(_("联盟内许可数"), default=0)
    licences_outside = models.PositiveIntegerField(_("联盟外许可数"), default=0)
    #: form, xlsx or api
    source = models.CharField(_("来源"), max_length=10, default="form")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("专利报送记录")
        verbose_name_plural = _("专利报送记录")
        indexes = [
            models.Index(fields=["alliance", "year"], name="ipbase_patentreport_alliance"),
        ]

    def __str__(self) -> str:
        return f"{self.patent_id} {self.alliance_id} {self.year}"


class StandardReport(models.Model):
    """One report of a standard by an alliance (as :class:`PatentReport`)."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="reports")
    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    report = models.ForeignKey(
        "reporting.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, blank=True)
    source = models.CharField(_("来源"), max_length=10, default="form")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("标准报送记录")
        verbose_name_plural = _("标准报送记录")
        indexes = [
            models.Index(fields=["alliance", "year"], name="ipbase_standardreport_alliance"),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.alliance_id} {self.year}"
