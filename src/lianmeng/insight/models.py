"""Precomputed figures of the dashboards (M-60).

A request never counts 10,000 alliances or 200,000 members: it reads one :class:`Snapshot` row
per (jurisdiction, kind), computed by :mod:`lianmeng.insight.snapshots` (``lianmeng insight
refresh``, the task queue, or the department's 刷新 button) and shown with the time it was
computed. ``data`` is plain JSON (numbers, strings, lists, dicts) so that pages, XLSX exports
and the API read the same figures.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction


class Snapshot(models.Model):
    class Kind(models.TextChoices):
        DASHBOARD = "dashboard", _("数据驾驶舱")
        OVERLAP = "overlap", _("成员交叉与产业链")

    scope = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="+", verbose_name=_("辖区")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(_("计算时间"))
    #: how long the computation took, shown beside the time (operators read it)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")
        constraints = [
            models.UniqueConstraint(fields=["scope", "kind"], name="insight_one_snapshot"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.scope_id} {self.computed_at:%Y-%m-%d %H:%M}"
