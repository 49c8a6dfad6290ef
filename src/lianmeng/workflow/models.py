"""One history table and one deadline table for every subject that has a life.

A subject's current state lives on the subject (``Proposal.status``); every change of it is one
:class:`StateChange` row (Wagtail's "a history row per step"), keyed by the subject's kind and
id, written by the engine in the same transaction as the change.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianmeng.core.models import Jurisdiction

from .kinds import get_kind, subject_key


class SubjectQuerySet(models.QuerySet):
    """Rows keyed by a subject; ``of(subject)`` hands the subject to the rows it returns, so
    a history shown with its subject costs no query per row."""

    _known_subject: Any = None

    def of(self, subject: Any) -> SubjectQuerySet:
        qs = self.filter(**subject_key(subject))
        qs._known_subject = subject
        return qs

    def of_kind(self, kind: str) -> SubjectQuerySet:
        return self.filter(subject_kind=kind)

    def _clone(self) -> SubjectQuerySet:
        clone = super()._clone()
        clone._known_subject = self._known_subject
        return clone

    def _fetch_all(self) -> None:
        super()._fetch_all()
        if self._known_subject is not None:
            for row in self._result_cache or ():
                if isinstance(row, models.Model):
                    row.__dict__["subject"] = self._known_subject


class SubjectRow(models.Model):
    #: the registered kind of the subject (``proposal`` …, see lianmeng.workflow.kinds)
    subject_kind = models.CharField(_("对象类型"), max_length=30)
    subject_id = models.PositiveBigIntegerField(_("对象编号"))

    objects = SubjectQuerySet.as_manager()

    class Meta:
        abstract = True

    @cached_property
    def subject(self) -> Any:
        """The proposal (alliance, report …) this row is about."""
        model = get_kind(self.subject_kind).model
        return model._base_manager.get(pk=self.subject_id)


class StateChange(SubjectRow):
    """One step of a subject's lifecycle: who did what, when and why."""

    from_state = models.CharField(_("原状态"), max_length=20)
    to_state = models.CharField(_("新状态"), max_length=20)
    #: transition id of the profile's table (``recommend_county``, ``submit`` …)
    transition = models.CharField(_("操作"), max_length=40)
    #: the transition's kind (recommend, return, accept …), kept for lists and the 推荐表
    kind = models.CharField(max_length=20, blank=True)
    #: the label as the table named it then (a later edit of the table does not rewrite history)
    label = models.CharField(_("操作名称"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: the department (or unit) the actor acted for, as shown on forms and stamps
    actor_office = models.CharField(_("办理部门"), max_length=120, blank=True)
    #: the jurisdiction the actor acted for (None for the lead unit)
    actor_jurisdiction = models.ForeignKey(
        Jurisdiction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    reason = models.TextField(_("意见或理由"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        indexes = [
            # a subject's history, in order
            models.Index(fields=["subject_kind", "subject_id", "at"], name="wf_change_subject"),
            # "the latest recommendation of each proposal" on lists of thousands
            models.Index(
                fields=["subject_kind", "subject_id", "kind", "at"], name="wf_change_subject_kind"
            ),
            # the 推荐表: what one department recommended
            models.Index(fields=["actor_jurisdiction", "kind"], name="wf_change_office_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_kind} {self.subject_id}: {self.from_state} → {self.to_state}"


class Deadline(SubjectRow):
    """A period a transition started (Henan: 筹建期一年 from 批准筹建)."""

    #: the ``[deadlines]`` field of the profile without its unit: ``construction_period``
    kind = models.CharField(max_length=40)
    starts_at = models.DateTimeField()
    due_at = models.DateTimeField(_("截止时间"))
    state_change = models.ForeignKey(StateChange, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["subject_kind", "subject_id", "due_at"], name="wf_deadline_subject"
            ),
            # what falls due soon, across subjects
            models.Index(fields=["subject_kind", "kind", "due_at"], name="wf_deadline_due"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_kind} {self.subject_id} {self.kind} {self.due_at:%Y-%m-%d}"
