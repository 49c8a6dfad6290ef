"""What a department may read of policy what-if: its own profiles and its own drafts.

A draft belongs to the department whose profile it copies (competent staff of the profile's
jurisdiction); every read starts from the viewer and answers NotFound for anything else.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lianmeng.core.errors import NotFound
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.policy.loader import UnknownProfileError, get_profile, load_profiles
from lianmeng.policy.models import Profile

from .models import PolicyDraft

DRAFT_NOT_FOUND = "未找到该推演草案，或您无权查看。"
PROFILE_NOT_YOURS = "只有该政策配置所属辖区的主管部门可以推演它的参数。"


def department_profiles(viewer: User) -> list[Profile]:
    """The profiles whose jurisdiction is the viewer's own (competent staff), by id."""
    if not (viewer.is_authenticated and viewer.has_role(Role.COMPETENT)):
        return []
    if viewer.jurisdiction_id is None:
        return []
    code = viewer.jurisdiction.code
    return sorted(
        (p for p in load_profiles().values() if p.jurisdiction.value == code),
        key=lambda p: p.id,
    )


def owns_profile(viewer: User, profile_id: str) -> bool:
    return any(p.id == profile_id for p in department_profiles(viewer))


def department_profile(viewer: User, profile_id: Any) -> Profile:
    """The profile, if the viewer is its department; NotFound otherwise (also unknown ids)."""
    try:
        profile = get_profile(str(profile_id))
    except UnknownProfileError:
        raise NotFound(_("未知的政策配置。")) from None
    if not owns_profile(viewer, profile.id):
        raise NotFound(_(PROFILE_NOT_YOURS))
    return profile


def drafts(viewer: User) -> QuerySet[PolicyDraft]:
    """The drafts of the viewer's department (its jurisdiction's profiles), newest first."""
    profiles = [p.id for p in department_profiles(viewer)]
    if not profiles:
        return PolicyDraft.objects.none()
    return (
        PolicyDraft.objects.filter(jurisdiction_id=viewer.jurisdiction_id, profile__in=profiles)
        .select_related("created_by")
        .order_by("-updated_at", "-id")
    )


def draft_get(viewer: User, pk: Any) -> PolicyDraft:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_(DRAFT_NOT_FOUND)) from None
    draft = drafts(viewer).filter(pk=key).first()
    if draft is None:
        raise NotFound(_(DRAFT_NOT_FOUND))
    return draft
