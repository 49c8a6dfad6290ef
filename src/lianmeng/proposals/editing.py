"""The shared ground of every editing service: who may edit, and saving a changed document.

Every part of the proposal editor (sections, roster, writeups, materials, submission) calls
`ensure_editable` first and `document_saved` after changing ``proposal.document``; the
latter keeps the denormalised columns (name, member count …) in step, bumps the revision
and writes the audit entry, all in the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import User
from lianmeng.core.roles import Role

from .models import Proposal


def state_label(profile: str, state: str) -> str:
    from lianmeng.workflow.routing import state_label as label

    return label(profile, state)


def ensure_editable(*, actor: User, proposal: Proposal, revision: int | None = None) -> None:
    """Raise unless ``actor`` is staff of the lead unit and the proposal is a draft or returned.

    ``revision`` is the revision the actor's form was rendered from; an older one means a
    colleague saved in between, and the actor must reload rather than overwrite.
    """
    if not (actor.has_role(Role.APPLICANT) and actor.unit_id == proposal.lead_unit_id):
        raise NotFound(_("未找到该申报，或您无权查看。"))
    if proposal.status not in Proposal.EDITABLE:
        raise PermissionDenied(
            _(
                "该申报当前状态为“%(state)s”，已锁定，不能修改。"
                "如需修改，请等待推荐部门退回，或在受理前撤回后重新填报。"
            )
            % {"state": _(state_label(proposal.profile, proposal.status))}
        )
    if revision is not None and revision != proposal.revision:
        raise Conflict(
            _(
                "该申报已被同事修改。请刷新页面查看最新内容后再保存"
                "（您填写的内容不会丢失，请先复制）。"
            ),
            details={"field": "revision", "revision": proposal.revision},
        )


def require_revision(revision: int | None) -> int:
    """Every write from a form or a client names the revision it was based on (the web
    forms send it as a hidden field, the API as ``revision``); without it a stale index or
    text would silently overwrite a colleague's change. Services accept ``None`` only from
    callers that read and write in one go (imports, the CLI, tests)."""
    if revision is None:
        raise ValidationFailed(
            _(
                "缺少修订号（revision），无法确认您依据的是最新内容。"
                "请重新载入页面（或重新读取该申报）后再保存。"
            ),
            details={"field": "revision"},
        )
    return revision


def require_base(base: str | None) -> str:
    """The same for a written section: ``base`` is the digest of the text the writer saw."""
    if not base:
        raise ValidationFailed(
            _(
                "缺少本节的读取版本（base），无法确认您依据的是最新内容。"
                "请重新载入页面（或重新读取本节）后再保存。"
            ),
            details={"field": "base"},
        )
    return base


def lock_for_edit(
    *, actor: User, pk: int, revision: int | None = None, defer: tuple[str, ...] = ()
) -> Proposal:
    """Fetch the proposal FOR UPDATE inside the caller's transaction and check it is editable.

    ``defer``: columns the caller neither reads nor changes (``writeups``, ``explanations``):
    they are not read, and :func:`document_saved` does not write them back either (Django
    saves only the loaded fields of an object fetched with deferred fields)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_for_edit() must run inside transaction.atomic()")
    query = Proposal.objects.select_for_update()
    if defer:
        query = query.defer(*defer)
    proposal = query.filter(pk=pk).first()
    if proposal is None:
        raise NotFound(_("未找到该申报，或您无权查看。"))
    ensure_editable(actor=actor, proposal=proposal, revision=revision)
    return proposal


def check_editable(*, actor: User, pk: int, revision: int | None = None) -> None:
    """:func:`lock_for_edit`'s check without the lock, for work done before the transaction
    (reading an uploaded workbook): whoever may not edit the proposal is refused first."""
    proposal = Proposal.objects.filter(pk=pk).first()
    if proposal is None:
        raise NotFound(_("未找到该申报，或您无权查看。"))
    ensure_editable(actor=actor, proposal=proposal, revision=revision)


def sync_columns(proposal: Proposal) -> None:
    """Copy the facts list pages filter on from the document into their columns."""
    doc = proposal.document
    proposal.name = (doc.get("name") or "")[:100]
    proposal.domain = doc.get("domain") or proposal.domain or Proposal.Domain.INDUSTRY
    proposal.focus_area = (doc.get("focus_area") or "")[:60]
    proposal.industry = (doc.get("industry") or "")[:100]
    proposal.product = (doc.get("product") or "")[:100]
    proposal.call_year = doc.get("call_year") or proposal.call_year
    proposal.member_count = len(doc.get("members") or [])


def document_saved(
    *, actor: User | None, proposal: Proposal, action: str, before: Any = None, after: Any = None
) -> Proposal:
    """Persist ``proposal`` after a change, in the caller's transaction, with its audit entry."""
    sync_columns(proposal)
    proposal.revision += 1
    proposal.updated_at = timezone.now()
    proposal.save()
    audit_record(actor=actor, action=action, obj=proposal, before=before, after=after)
    return proposal
