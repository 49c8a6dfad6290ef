"""One background job: who started it, what it makes, how far it is, and its result file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job state", "排队中")
        RUNNING = "running", pgettext_lazy("job state", "进行中")
        DONE = "done", pgettext_lazy("job state", "已完成")
        FAILED = "failed", pgettext_lazy("job state", "失败")

    #: the states in which a second start of the same work returns this job (a double click)
    ACTIVE = (State.QUEUED, State.RUNNING)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("任务类型"), max_length=60)
    title = models.CharField(_("任务"), max_length=200)
    parameters = models.JSONField(default=dict, blank=True)
    #: SHA-256 of the canonical JSON of ``parameters`` (same work ⇔ same kind, owner and key)
    parameters_key = models.CharField(max_length=64)
    #: the language the owner used: the result is written in it
    language = models.CharField(max_length=10, default="zh-hans")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.CharField(_("进度说明"), max_length=200, blank=True)
    #: the stored result (``default_storage``): name in the storage, file name, content type
    result_name = models.CharField(max_length=300, blank=True)
    result_filename = models.CharField(max_length=200, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    result_size = models.PositiveBigIntegerField(default=0)
    #: what went wrong, for the owner (details are in the server's log)
    error = models.TextField(_("失败原因"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: the last sign of life (start, each progress report): a job silent for long was lost
    #: with its process and no longer blocks a new start of the same work
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    #: the result is deleted after this moment (lianmeng.jobs.services.jobs_cleanup)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="jobs_owner_created")]
        constraints = [
            # one queued or running job per owner and work: a double click finds the first
            models.UniqueConstraint(
                fields=["owner", "kind", "parameters_key"],
                condition=Q(state__in=["queued", "running"]),
                name="jobs_one_active_per_work",
            )
        ]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def downloadable(self) -> bool:
        return self.state == self.State.DONE and bool(self.result_name)
