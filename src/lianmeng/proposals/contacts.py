"""Who sees the liaisons' full telephone numbers and e-mail addresses of a proposal.

The one decision (docs/decisions/0015-personal-data-masking.md): the lead unit's own staff
(申报单位 of that unit) and the recommending and competent departments whose area covers the
proposal — they must phone the liaison — see the contact person of section 一 and every member
unit's liaison in full. A member unit sees its own row in full. Everyone else who may read the
proposal (experts, third-party evaluators, the coordination group, other departments reading
it through an agreement) sees them masked (:mod:`lianmeng.core.masking`): the names stay, the
numbers and addresses do not.

Every read that shows or exports a proposal's document or roster goes through
:func:`document_for` / :func:`members_for`: the pages, the JSON and XLSX exports, the API and
the reading copy of a submitted version's PDF. The stored document and the sealed PDF of a
submitted version are never changed.
"""

from __future__ import annotations

import copy
from typing import Any

from lianmeng.core.masking import PERSON_MASKS, mask_person
from lianmeng.core.models import User
from lianmeng.core.roles import Role

from .models import Proposal


def may_see_contacts(viewer: User, proposal: Proposal) -> bool:
    """True for the lead unit's staff and the recommending/competent departments whose area
    covers ``proposal``; False for everyone else (one query for a department)."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    roles = viewer.role_set()
    if Role.APPLICANT in roles and viewer.unit_id and viewer.unit_id == proposal.lead_unit_id:
        return True
    if roles & {Role.RECOMMENDER, Role.COMPETENT}:
        from .selectors import department_visibility

        cache = getattr(viewer, "_contacts_covered", None)
        if cache is None:
            cache = viewer._contacts_covered = {}
        if proposal.pk not in cache:
            cache[proposal.pk] = Proposal.objects.filter(
                department_visibility(viewer), pk=proposal.pk
            ).exists()
        return cache[proposal.pk]
    return False


def own_codes(viewer: User) -> frozenset[str]:
    """The unit codes of a member unit's own row (its liaison is its own person)."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.unit_id:
        return frozenset()
    if not viewer.has_role(Role.MEMBER):
        return frozenset()
    unit = viewer.unit
    return frozenset(code for code in (unit.uscc, unit.org_code) if code)


def _member_codes(member: dict[str, Any]) -> set[str]:
    return {str(member[key]) for key in ("uscc", "org_code") if member.get(key)}


def masked_member(member: Any) -> Any:
    if not isinstance(member, dict) or not isinstance(member.get("liaison"), dict):
        return member
    return {**member, "liaison": mask_person(member["liaison"])}


def masked_document(
    document: dict[str, Any], *, keep: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A copy of an interchange document with the contact person and every member's liaison
    masked, except the members whose unit code is in ``keep``."""
    masked = copy.deepcopy(document) if isinstance(document, dict) else {}
    if isinstance(masked.get("contact"), dict):
        masked["contact"] = mask_person(masked["contact"])
    members = masked.get("members")
    if isinstance(members, list):
        masked["members"] = [
            m if isinstance(m, dict) and _member_codes(m) & keep else masked_member(m)
            for m in members
        ]
    return masked


def document_for(
    viewer: User, proposal: Proposal, document: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``document`` (default the proposal's own) as ``viewer`` may see it: full or masked."""
    document = proposal.document if document is None else document
    if may_see_contacts(viewer, proposal):
        return document
    return masked_document(document or {}, keep=own_codes(viewer))


def members_for(
    viewer: User, proposal: Proposal, members: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Roster rows as ``viewer`` may see them (same order, same length)."""
    if may_see_contacts(viewer, proposal):
        return members
    keep = own_codes(viewer)
    return [
        m if isinstance(m, dict) and _member_codes(m) & keep else masked_member(m) for m in members
    ]


def _person_field(name: str) -> str | None:
    """``contact.phone`` / ``members.2.liaison.email`` → the person key, else None."""
    parts = str(name).split(".")
    if len(parts) >= 2 and parts[-1] in PERSON_MASKS and parts[-2] in ("contact", "liaison"):
        return parts[-1]
    return None


def _masked_state(state: Any) -> Any:
    """The form's kept raw texts (``form_state``) with the person fields masked."""
    if not isinstance(state, dict):
        return state
    masked: dict[str, Any] = {}
    for section, fields in state.items():
        if not isinstance(fields, dict):
            masked[section] = fields
            continue
        masked[section] = {}
        for name, entry in fields.items():
            key = _person_field(name)
            if key and isinstance(entry, dict) and isinstance(entry.get("value"), str):
                entry = {**entry, "value": PERSON_MASKS[key](entry["value"])}
            masked[section][name] = entry
    return masked


def proposal_for(viewer: User, proposal: Proposal) -> Proposal:
    """``proposal`` itself for whoever may see the contacts, else an unsaved copy whose
    document (and kept form texts) have them masked — for read-only pages and the API."""
    if may_see_contacts(viewer, proposal):
        return proposal
    shown = copy.copy(proposal)
    shown.document = masked_document(proposal.document or {}, keep=own_codes(viewer))
    shown.form_state = _masked_state(proposal.form_state)
    shown._contacts_masked = True
    return shown


#: what the reading copy of a submitted version says on every page, beside the code
READING_COPY_NOTE = "阅读副本：联系人电话、邮箱已隐去；核验码对应存档 PDF"


def reading_copy_pdf(viewer: User, version: Any) -> bytes | None:
    """The PDF of a submitted version for a reader who may not see the liaisons' numbers:
    rendered now from the version's stored document with them masked, stamped as a reading
    copy. None for whoever may see them: he gets the sealed PDF itself. The sealed file (its
    hash kept in the audit chain) is never touched or replaced."""
    proposal = version.proposal
    if may_see_contacts(viewer, proposal):
        return None
    from lianmeng.core.clock import format_moment
    from lianmeng.documents.pdf import VersionStamp

    from . import submission  # printed the way the sealed copy was (submission's printer)

    stamp = VersionStamp(
        label=f"第 {version.number} 版 · {format_moment(version.submitted_at)} 提交",
        code=version.verification_code,
        code_note=f"（{READING_COPY_NOTE}）",
        number=version.number,
        submitted_at=version.submitted_at,
        sha256=version.sha256,
        verify_url=submission.verify_url(version.verification_code),
    )
    document = masked_document(version.document or {}, keep=own_codes(viewer))
    return submission.render_proposal_pdf(document, writeups=version.writeups or {}, version=stamp)
