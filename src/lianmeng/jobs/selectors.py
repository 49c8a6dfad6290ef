"""Reading jobs: a job is its owner's alone (anyone else is told it does not exist)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lianmeng.core.errors import NotFound

from .models import Job


def job_list(*, viewer: Any) -> QuerySet[Job]:
    """The viewer's jobs, newest first (none for a visitor who is not signed in)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(owner_id=viewer.pk).order_by("-created_at", "-id")


def job_get(*, viewer: Any, pk: int) -> Job:
    """The viewer's job ``pk``; NotFound for anyone but its owner."""
    job = job_list(viewer=viewer).filter(pk=pk).first()
    if job is None:
        raise NotFound(_("未找到该任务，或您无权查看。"))
    return job
