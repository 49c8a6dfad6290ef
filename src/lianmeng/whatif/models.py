"""政策推演草案（B-6）：部门保存并共享的政策配置参数草案。

A :class:`PolicyDraft` is a department's copy of its profile's parameters with the values it
would change (``overrides``, see :mod:`lianmeng.policy.whatif`). It is only a draft: no check,
alliance, proposal or profile reads it. A new rule takes effect only when a system
administrator installs a new dated profile file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction


class PolicyDraft(models.Model):
    #: the profile the draft copies (its department is the profile's jurisdiction)
    profile = models.CharField(_("政策档案"), max_length=30)
    #: which version of the profile it copies (lianmeng.policy.whatif.profile_version)
    profile_version = models.CharField(_("复制的政策配置版本"), max_length=40)
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("辖区")
    )
    name = models.CharField(_("草案名称"), max_length=120)
    #: {rule id: {"severity" | parameter: value}}, only the values that differ
    overrides = models.JSONField(_("调整的参数"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    #: the last comparison (lianmeng.whatif.compare.Result.to_dict()), computed when the
    #: department pressed 推演, and when; cleared when the overrides change
    result = models.JSONField(_("推演结果"), null=True, blank=True)
    result_at = models.DateTimeField(_("推演时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("建立时间"))
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("政策推演草案")
        verbose_name_plural = _("政策推演草案")
        indexes = [
            models.Index(
                fields=["jurisdiction", "profile", "-updated_at"], name="whatif_draft_list"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("whatif:draft", args=[self.pk])
