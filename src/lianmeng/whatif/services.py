"""Writes of policy what-if: a department's drafts (create, edit, delete), audited.

Only competent staff of the profile's jurisdiction — the department whose profile it is — may
keep drafts of it. A draft's overrides are checked against the profile's parameters
(:func:`lianmeng.policy.whatif.normalise_overrides`) and stored in the profile's units, only
the values that differ. Nothing else is written: no profile, alliance or proposal.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import PermissionDenied, ValidationFailed
from lianmeng.core.models import Jurisdiction, User
from lianmeng.policy.whatif import OverrideError, apply_overrides, profile_version

from . import selectors
from .models import PolicyDraft

MAX_NAME = 120
MAX_NOTE = 2000


def _clean_text(name: Any, note: Any) -> tuple[str, str]:
    name = str(name or "").strip()
    note = str(note or "").strip()
    if not name:
        raise ValidationFailed(
            _("请填写草案名称，例如“成员单位不少于 8 家”。"), details={"field": "name"}
        )
    if len(name) > MAX_NAME:
        raise ValidationFailed(
            _("草案名称不能超过 %(n)d 个字。") % {"n": MAX_NAME}, details={"field": "name"}
        )
    if len(note) > MAX_NOTE:
        raise ValidationFailed(
            _("说明不能超过 %(n)d 个字。") % {"n": MAX_NOTE}, details={"field": "note"}
        )
    return name, note


def clean_overrides(profile: Any, overrides: Any) -> dict[str, dict[str, Any]]:
    """The overrides checked against the profile (ValidationFailed naming the parameter)."""
    from lianmeng.policy.whatif import normalise_overrides

    try:
        clean = normalise_overrides(profile, overrides)
        apply_overrides(profile, clean)
    except OverrideError as exc:
        raise ValidationFailed(exc.message, details={"field": exc.key}) from None
    return clean


def _audit_view(draft: PolicyDraft) -> dict[str, Any]:
    return {
        "profile": draft.profile,
        "profile_version": draft.profile_version,
        "name": draft.name,
        "overrides": draft.overrides,
    }


def draft_create(
    *,
    actor: User,
    profile_id: str,
    name: Any,
    note: Any = "",
    overrides: Any = None,
) -> PolicyDraft:
    """A new draft of the actor's department's profile (a copy of today's parameters plus
    ``overrides``)."""
    if not selectors.owns_profile(actor, profile_id):
        raise PermissionDenied(_(selectors.PROFILE_NOT_YOURS))
    profile = selectors.department_profile(actor, profile_id)
    name, note = _clean_text(name, note)
    clean = clean_overrides(profile, overrides)
    now = clock.now()
    with transaction.atomic():
        draft = PolicyDraft.objects.create(
            profile=profile.id,
            profile_version=profile_version(profile),
            jurisdiction=Jurisdiction.objects.get(code=profile.jurisdiction.value),
            name=name,
            note=note,
            overrides=clean,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        audit_record(
            actor=actor,
            action="lianmeng.whatif.draft.created",
            obj=draft,
            after=_audit_view(draft),
        )
    return draft


def draft_update(
    *,
    actor: User,
    draft_id: Any,
    name: Any,
    note: Any = "",
    overrides: Any = None,
) -> PolicyDraft:
    """Edit a draft of the actor's department: its name, note and overrides. The version it
    copies becomes the profile's version today (the values are checked against it)."""
    with transaction.atomic():
        draft = selectors.draft_get(actor, draft_id)
        draft = PolicyDraft.objects.select_for_update().get(pk=draft.pk)
        profile = selectors.department_profile(actor, draft.profile)
        name, note = _clean_text(name, note)
        clean = clean_overrides(profile, overrides)
        before = _audit_view(draft)
        if clean != draft.overrides:
            draft.result, draft.result_at = None, None  # the last comparison no longer fits
        draft.name, draft.note, draft.overrides = name, note, clean
        draft.profile_version = profile_version(profile)
        draft.updated_at = clock.now()
        draft.save(
            update_fields=[
                "name",
                "note",
                "overrides",
                "profile_version",
                "updated_at",
                "result",
                "result_at",
            ]
        )
        audit_record(
            actor=actor,
            action="lianmeng.whatif.draft.updated",
            obj=draft,
            before=before,
            after=_audit_view(draft),
        )
    return draft


def draft_delete(*, actor: User, draft_id: Any) -> None:
    with transaction.atomic():
        draft = selectors.draft_get(actor, draft_id)
        audit_record(
            actor=actor,
            action="lianmeng.whatif.draft.deleted",
            obj=draft,
            before=_audit_view(draft),
        )
        draft.delete()


def draft_run(*, actor: User, draft_id: Any) -> PolicyDraft:
    """推演: judge the department's current alliances and pending proposals under the profile in
    force and under the draft (lianmeng.whatif.compare) and keep the comparison on the draft with
    its time. Nothing else is written (1,000 alliances take about 1.2 s of CPU on SQLite:
    docs/benchmarks.md, so it runs in the request)."""
    from . import compare

    draft = selectors.draft_get(actor, draft_id)
    profile = selectors.department_profile(actor, draft.profile)
    clean = clean_overrides(profile, draft.overrides)
    result = compare.run(profile, apply_overrides(profile, clean))
    data = {**result.to_dict(), "overrides": clean, "version": profile_version(profile)}
    with transaction.atomic():
        draft = PolicyDraft.objects.select_for_update().get(pk=draft.pk)
        draft.result, draft.result_at = data, result.computed_at
        draft.save(update_fields=["result", "result_at"])
        audit_record(
            actor=actor,
            action="lianmeng.whatif.draft.run",
            obj=draft,
            after={
                "overrides": clean,
                "alliances": data["alliances"]["summary"],
                "proposals": data["proposals"]["summary"],
            },
        )
    return draft
