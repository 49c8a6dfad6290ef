"""Announcements (公告), public notice periods (公示) and the objections filed during them.

An announcement is issued by a department of a jurisdiction. It may carry a 公示 period
(``notice_starts_on`` … ``notice_ends_on``, Beijing dates, both inclusive): while it runs anyone
may file an objection; the decision it announces takes effect (``effective_at``) only after the
last day and once every objection is handled (lianmeng.notices.services).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction


class Announcement(models.Model):
    class Kind(models.TextChoices):
        CALL = "call", _("申报通知")
        DECISION = "decision", _("决定公示")
        EVALUATION = "evaluation", _("评价结果")
        OTHER = "other", _("其他公告")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布辖区")
    )
    department = models.CharField(_("发布部门"), max_length=120)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    notice_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(_("撤回理由"), blank=True)
    effective_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    effective_at = models.DateTimeField(_("生效时间"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        indexes = [
            # the public list (newest first), by kind, by issuing area, by year
            models.Index(fields=["status", "-published_at", "-id"], name="notice_public"),
            models.Index(fields=["status", "kind", "-published_at"], name="notice_public_kind"),
            models.Index(
                fields=["status", "jurisdiction", "-published_at"], name="notice_public_area"
            ),
            # 公示中: published, period not yet over
            models.Index(fields=["status", "notice_ends_on"], name="notice_running"),
            # the department's list
            models.Index(fields=["jurisdiction", "-created_at"], name="notice_staff"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_period(self) -> bool:
        return self.notice_starts_on is not None and self.notice_ends_on is not None


class AnnouncementFile(models.Model):
    """An attachment (PDF, OFD, DOCX, XLSX), checked by content and size."""

    announcement = models.ForeignKey(Announcement, on_delete=models.PROTECT, related_name="files")
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(upload_to="notices/", max_length=200)
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
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.title


class Objection(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    announcement = models.ForeignKey(
        Announcement, on_delete=models.PROTECT, related_name="objections"
    )
    #: the receipt number shown to whoever filed it (e.g. GS-20261206-7Q4K9M)
    reference = models.CharField(_("受理编号"), max_length=24, unique=True)
    name = models.CharField(_("异议人"), max_length=60)
    contact = models.CharField(_("联系方式"), max_length=60)
    text = models.TextField(_("异议内容"))
    filed_at = models.DateTimeField(_("提交时间"))
    #: keyed hash of the client address (abuse review without keeping the address itself)
    client_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        _("处理结果"), max_length=10, choices=Status.choices, default=Status.OPEN
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
        indexes = [
            models.Index(fields=["announcement", "status"], name="notice_objection_status"),
            models.Index(fields=["status", "announcement"], name="notice_objection_open"),
        ]

    def __str__(self) -> str:
        return self.reference


class NoticeSubject(models.Model):
    """What a 公示 is about: e.g. one staged alliance decision (``alliances.decision``)."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.PROTECT, related_name="subjects"
    )
    subject_kind = models.CharField(max_length=40)
    subject_id = models.PositiveBigIntegerField()
    label = models.CharField(_("公示对象"), max_length=200)

    class Meta:
        ordering = ["id"]
        verbose_name = _("公示对象")
        verbose_name_plural = _("公示对象")
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="notice_subject")]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "subject_kind", "subject_id"], name="notice_subject_once"
            )
        ]

    def __str__(self) -> str:
        return self.label
