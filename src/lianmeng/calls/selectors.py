"""Reads on calls, always starting from what the viewer may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_noop

from lianmeng.core.errors import NotFound
from lianmeng.core.models import User
from lianmeng.core.roles import Role

from .models import Call


def call_list_public() -> QuerySet[Call]:
    """Published calls, open and past alike, the latest opening first (paginate the result)."""
    return (
        Call.objects.filter(status=Call.Status.PUBLISHED)
        .select_related("jurisdiction")
        .order_by("-online_opens_at", "-id")
    )


def call_get_public(*, pk: int) -> Call:
    try:
        return call_list_public().get(pk=pk)
    except (Call.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(gettext_noop("未找到该申报通知，或通知尚未发布。")) from exc


def _staff_scope(viewer: User) -> Q:
    if not (viewer.is_authenticated and viewer.has_role(Role.COMPETENT) and viewer.jurisdiction_id):
        return Q(pk__in=[])
    return Q(jurisdiction__path__startswith=viewer.jurisdiction.path)


def call_list_staff(*, viewer: User) -> QuerySet[Call]:
    """Every call (drafts too) issued in the viewer's jurisdiction or below."""
    return (
        Call.objects.filter(_staff_scope(viewer))
        .select_related("jurisdiction")
        .order_by("-online_opens_at", "-id")
    )


def call_get_staff(*, viewer: User, pk: int) -> Call:
    try:
        return call_list_staff(viewer=viewer).get(pk=pk)
    except (Call.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(gettext_noop("未找到该申报通知。")) from exc
