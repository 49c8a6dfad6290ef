"""成员单位名单：增删改、排序、Excel 导入导出、成员单位在线确认（M-12, B-2）。

The roster is ``proposal.document["members"]``; there is no second copy. The lead unit is the
member with role ``lead``: it is kept first, its name and codes are those of
``document["lead_unit"]`` (section 二), and it cannot be removed. Every write here locks the
proposal (``lock_for_edit``), changes the document and saves it through ``document_saved``,
which bumps the revision and writes the audit entry in the same transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.policy.loader import get_profile
from lianmeng.policy.models import Profile

from . import roster_xlsx
from .editing import check_editable, document_saved, lock_for_edit
from .models import MemberConfirmation, Proposal
from .roster_fields import (
    KIND_LABELS,
    STANDING_MAX,
    code_label,
    identity_keys,
    known_region_codes,
    member_clean,
    member_code,
    member_region_code,
    norm_text,
    raise_if,
    region_labels,
)

__all__ = [
    "ImportReport",
    "MainMembersResult",
    "main_members_update",
    "member_add",
    "member_confirm",
    "member_move",
    "member_remove",
    "member_update",
    "roster_export_xlsx",
    "roster_import_xlsx",
    "roster_members",
    "roster_template_xlsx",
    "sync_lead_member",
]

MAIN_MEMBER_COUNT = 5
#: fields of section 三 edited on the main-members page, by form key
MAIN_FIELDS = ("liaison.name", "liaison.fax", "liaison.mobile", "liaison.email", "standing")


# -- the document ----------------------------------------------------------------------------


def _lead_identity(proposal: Proposal) -> dict[str, str]:
    """Name and codes of the lead unit: section 二 of the document, else the unit record."""
    lead = proposal.document.get("lead_unit") or {}
    unit = proposal.lead_unit
    identity = {
        "name": lead.get("name") or unit.name,
        "uscc": lead.get("uscc") or unit.uscc or "",
        "org_code": lead.get("org_code") or unit.org_code or "",
    }
    return {key: value for key, value in identity.items() if value}


def _is_lead_row(member: Mapping[str, Any], lead: Mapping[str, str]) -> bool:
    keys = set(identity_keys(member))
    return bool(keys & set(identity_keys(lead)))


def _synced(document: dict[str, Any], lead: Mapping[str, str], lead_kind: str) -> list[dict]:
    members = [m for m in document.get("members") or [] if isinstance(m, dict)]
    position = next((i for i, m in enumerate(members) if m.get("role") == "lead"), None)
    if position is None:
        position = next((i for i, m in enumerate(members) if _is_lead_row(m, lead)), None)
    if position is None:
        members.insert(0, {"kind": lead_kind if lead_kind in KIND_LABELS else "other"})
        position = 0
    lead_member = members.pop(position)
    for other in members:
        if other.get("role") == "lead":
            other.pop("role")
    for key in ("uscc", "org_code"):
        lead_member.pop(key, None)
    lead_member.update(lead)
    lead_member["role"] = "lead"
    members.insert(0, lead_member)
    document["members"] = members
    return members


def sync_lead_member(proposal: Proposal) -> list[dict[str, Any]]:
    """The roster with exactly one lead member, first, named and coded as section 二 says.

    A roster that lacks the lead (an imported file, an old draft) gets it back; a member that
    is the lead unit under another role becomes the lead. Returns the members list stored in
    ``proposal.document`` (changed in place; the caller saves).
    """
    return _synced(proposal.document, _lead_identity(proposal), proposal.lead_unit.kind)


def roster_members(proposal: Proposal) -> list[dict[str, Any]]:
    """The members as they will be stored, the lead first (a copy; nothing is saved)."""
    return _synced(
        copy.deepcopy(proposal.document), _lead_identity(proposal), proposal.lead_unit.kind
    )


def _summary(member: Mapping[str, Any]) -> dict[str, str]:
    return {"name": str(member.get("name", "")), "code": member_code(member)}


def _duplicate_errors(
    member: Mapping[str, Any], others: Sequence[tuple[int, Mapping[str, Any]]]
) -> dict[str, str]:
    """Field errors when ``member`` names a unit already among ``others`` (position, member)."""
    mine = identity_keys(member)
    for position, other in others:
        theirs = set(identity_keys(other))
        for key in mine:
            if key in theirs:
                fieldname = "uscc" if key[0] == "uscc" or member.get("uscc") else "org_code"
                label = code_label("uscc" if fieldname == "uscc" else "org")
                return {
                    fieldname: f"{label}与成员名单第 {position + 1} 位"
                    f"“{other.get('name', '')}”重复，同一单位只能列入一次"
                }
    return {}


def _check_index(members: Sequence[Any], index: int) -> None:
    if not 0 <= index < len(members):
        raise NotFound(gettext("成员名单中没有这一位，可能已被同事删除。请刷新页面。"))


def _known_regions(*members: Mapping[str, Any]) -> set[str]:
    return known_region_codes(m.get("region_code") for m in members if m.get("region_code"))


# -- add, change, remove, reorder ------------------------------------------------------------


def member_add(*, actor: User, pk: int, revision: int | None, data: Mapping[str, Any]) -> Proposal:
    """Append one member unit; ValidationFailed (details["fields"]) names each bad field."""
    with transaction.atomic():
        proposal = lock_for_edit(actor=actor, pk=pk, revision=revision)
        members = sync_lead_member(proposal)
        member, errors = member_clean(data, known_regions=_known_regions(data))
        if not errors:
            errors = _duplicate_errors(member, list(enumerate(members)))
        raise_if(errors)
        members.append(member)
        return document_saved(
            actor=actor,
            proposal=proposal,
            action="lianmeng.proposal.member.added",
            after={"position": len(members), **_summary(member)},
        )


def member_update(
    *, actor: User, pk: int, revision: int | None, index: int, data: Mapping[str, Any]
) -> Proposal:
    """Replace the member at ``index`` (0-based, as in ``$.members[index]``).

    The lead unit keeps the name and codes of section 二: a form may leave them out; a
    different value is refused with a pointer to where they are changed.
    """
    with transaction.atomic():
        proposal = lock_for_edit(actor=actor, pk=pk, revision=revision)
        members = sync_lead_member(proposal)
        _check_index(members, index)
        before = members[index]
        incoming = dict(data)
        if before.get("role") == "lead":
            lead = _lead_identity(proposal)
            for key in ("name", "uscc", "org_code"):
                given = norm_text(incoming.get(key))
                if given and given.upper() != str(lead.get(key, "")).upper():
                    raise ValidationFailed(
                        gettext("牵头单位的名称和代码取自“二、牵头单位基本情况”，请在该部分修改。"),
                        details={
                            "fields": {
                                key: gettext("牵头单位的名称和代码在“二、牵头单位基本情况”中修改")
                            }
                        },
                    )
                incoming[key] = lead.get(key, "")
        member, errors = member_clean(incoming, known_regions=_known_regions(incoming))
        if not errors:
            others = [(i, m) for i, m in enumerate(members) if i != index]
            errors = _duplicate_errors(member, others)
        raise_if(errors)
        if before.get("role") == "lead":
            member["role"] = "lead"
        if "signed_agreement" not in member and "signed_agreement" in before:
            member["signed_agreement"] = before["signed_agreement"]
        members[index] = member
        return document_saved(
            actor=actor,
            proposal=proposal,
            action="lianmeng.proposal.member.updated",
            before={"position": index + 1, **_summary(before)},
            after={"position": index + 1, **_summary(member)},
        )


def member_remove(*, actor: User, pk: int, revision: int | None, index: int) -> Proposal:
    with transaction.atomic():
        proposal = lock_for_edit(actor=actor, pk=pk, revision=revision)
        members = sync_lead_member(proposal)
        _check_index(members, index)
        if members[index].get("role") == "lead":
            raise PermissionDenied(gettext("牵头单位不能从成员名单中删除。"))
        removed = members.pop(index)
        return document_saved(
            actor=actor,
            proposal=proposal,
            action="lianmeng.proposal.member.removed",
            before={"position": index + 1, **_summary(removed)},
        )


def member_move(*, actor: User, pk: int, revision: int | None, index: int, offset: int) -> Proposal:
    """Move a member one place up (offset -1) or down (+1); the lead stays first.

    The first five are the 主要成员单位 of section 三, so this is how they are chosen.
    """
    if offset not in (-1, 1):
        raise ValidationFailed(gettext("只能上移或下移一位。"))
    with transaction.atomic():
        proposal = lock_for_edit(actor=actor, pk=pk, revision=revision)
        members = sync_lead_member(proposal)
        _check_index(members, index)
        target = index + offset
        if members[index].get("role") == "lead" or target < 1 or target >= len(members):
            raise ValidationFailed(
                gettext("牵头单位固定在第 1 位；该成员已在最前或最后，无法再移动。")
            )
        members[index], members[target] = members[target], members[index]
        return document_saved(
            actor=actor,
            proposal=proposal,
            action="lianmeng.proposal.member.moved",
            before={"position": index + 1, **_summary(members[target])},
            after={"position": target + 1},
        )


# -- section 三: the five main members -------------------------------------------------------


@dataclass
class MainMembersResult:
    proposal: Proposal
    #: "<member code>.<field>" → Chinese reason, for fields kept as typed but not saved
    errors: dict[str, str] = field(default_factory=dict)


def _main_field_error(key: str, value: str) -> str:
    from .roster_fields import _liaison  # one validation of liaison fields for all ways in

    if key == "standing":
        if len(value) > STANDING_MAX:
            return f"在行业（领域）中的地位限 {STANDING_MAX} 字，当前 {len(value)} 字，请精简"
        return ""
    errors: dict[str, str] = {}
    _liaison({key.split(".", 1)[1]: value}, errors)
    return next(iter(errors.values()), "")


def _set_field(member: dict[str, Any], key: str, value: str) -> None:
    if key == "standing":
        if value:
            member["standing"] = value
        else:
            member.pop("standing", None)
        return
    sub = key.split(".", 1)[1]
    liaison = dict(member.get("liaison") or {})
    if value:
        liaison[sub] = value
    else:
        liaison.pop(sub, None)
    if liaison:
        member["liaison"] = liaison
    else:
        member.pop("liaison", None)


def main_members_update(
    *, actor: User, pk: int, revision: int | None, rows: Sequence[Mapping[str, Any]]
) -> MainMembersResult:
    """Save section 三 for the first five members: liaison, fax, mobile, e-mail, standing.

    Each row carries ``code`` (the member it was rendered for, one of the first five) and
    the fields of MAIN_FIELDS it changes.
    A valid value goes into the document; an invalid one is kept as typed in
    ``form_state["main_members"]`` (so nothing typed is lost) and reported, the rest saved.
    """
    with transaction.atomic():
        proposal = lock_for_edit(actor=actor, pk=pk, revision=revision)
        members = sync_lead_member(proposal)
        state = dict(proposal.form_state or {})
        kept: dict[str, str] = dict(state.get("main_members") or {})
        errors: dict[str, str] = {}
        changed: list[str] = []
        main = {member_code(m): i for i, m in enumerate(members[:MAIN_MEMBER_COUNT])}
        for row in rows:
            position = main.get(norm_text(row.get("code")))
            if position is None:
                raise Conflict(
                    gettext(
                        "主要成员单位已被同事调整。请刷新页面后再保存（您填写的内容请先复制）。"
                    )
                )
            member = members[position]
            code = member_code(member)
            for key in MAIN_FIELDS:
                if key not in row:
                    continue
                raw = row[key]
                value = str(raw or "").strip() if key == "standing" else norm_text(raw)
                problem = _main_field_error(key, value)
                state_key = f"{code}.{key}"
                if problem:
                    kept[state_key] = str(raw or "")
                    errors[state_key] = problem
                    continue
                kept.pop(state_key, None)
                current = (
                    member.get("standing", "")
                    if key == "standing"
                    else (member.get("liaison") or {}).get(key.split(".", 1)[1], "")
                )
                if value != current:
                    _set_field(member, key, value)
                    changed.append(f"{position + 1}.{key}")
        if kept:
            state["main_members"] = kept
        else:
            state.pop("main_members", None)
        proposal.form_state = state
        document_saved(
            actor=actor,
            proposal=proposal,
            action="lianmeng.proposal.main_members.saved",
            after={"changed": changed, "invalid": sorted(errors)},
        )
        return MainMembersResult(proposal=proposal, errors=errors)


# -- XLSX ------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did: units added, the lead unit's row merged, and each refused row."""

    added: int
    errors: list[tuple[int, str]] = field(default_factory=list)
    lead_updated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "lead_updated": self.lead_updated,
            "errors": [{"row": row, "reason": reason} for row, reason in self.errors],
        }


def _read_upload(file: Any) -> bytes:
    from django.conf import settings

    limit = settings.LIANMENG_UPLOAD_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        from .materials import human_size

        raise ValidationFailed(
            gettext("文件大小 %(size)s 超过上限 %(limit)s，请删去无关内容后再导入。")
            % {"size": human_size(size), "limit": human_size(limit)}
        )
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read() if hasattr(file, "read") else bytes(file)
    if len(content) > limit:
        from .materials import human_size

        raise ValidationFailed(
            gettext("文件超过上限 %(limit)s，请删去无关内容后再导入。")
            % {"limit": human_size(limit)}
        )
    if not content:
        raise ValidationFailed(gettext("文件为空，请选择填写好的成员名单 Excel 文件。"))
    return content


def _merge_lead(lead: dict[str, Any], member: Mapping[str, Any]) -> None:
    """Take a file's row for the lead unit: everything but its name, codes and role."""
    for key, value in member.items():
        if key not in {"name", "uscc", "org_code", "role"}:
            lead[key] = value


def roster_import_xlsx(
    *, actor: User, pk: int, file: Any, revision: int | None = None
) -> ImportReport:
    """Add the units of a roster workbook; refuse bad rows one by one, keep the good ones.

    Each row is checked like a unit added by hand (codes with their check digits, enumerations,
    field limits) and against the roster and the rows above it, so a unit listed twice is
    refused at its second row: "第 7 行：统一社会信用代码与第 3 行重复". The good rows are
    added in one transaction with one audit entry that counts them.
    """
    check_editable(actor=actor, pk=pk, revision=revision)  # another unit's file is not read
    content = _read_upload(file)
    rows = roster_xlsx.read_rows(content)
    with transaction.atomic():
        proposal = lock_for_edit(actor=actor, pk=pk, revision=revision)
        members = sync_lead_member(proposal)
        lead = _lead_identity(proposal)
        known = known_region_codes(r.data.get("region_code") for r in rows)
        seen: dict[tuple[str, str], int] = {}
        existing = {key: i for i, m in enumerate(members) for key in identity_keys(m)}
        report = ImportReport(added=0)
        added: list[dict[str, Any]] = []
        for row in rows:
            member, errors = member_clean(row.data, known_regions=known)
            errors = {**row.errors, **errors}
            keys = identity_keys(member) if not ({"uscc", "org_code"} & set(errors)) else []
            duplicate = ""
            for key in keys:
                if key in seen:
                    duplicate = f"{code_label(key[0])}与第 {seen[key]} 行重复"
                    break
            is_lead = bool(keys) and _is_lead_row(member, lead)
            if not duplicate and not is_lead:
                for key in keys:
                    if key in existing:
                        other = members[existing[key]]
                        duplicate = (
                            f"{code_label(key[0])}与成员名单第 {existing[key] + 1} 位"
                            f"“{other.get('name', '')}”重复，该单位已在名单中"
                        )
                        break
            for key in keys:
                seen.setdefault(key, row.number)
            if duplicate:
                errors = {"duplicate": duplicate, **errors}
            if errors:
                report.errors.append((row.number, "；".join(dict.fromkeys(errors.values()))))
                continue
            if is_lead:
                _merge_lead(members[0], member)
                report.lead_updated = True
                continue
            added.append(member)
        members.extend(added)
        report.added = len(added)
        if added or report.lead_updated:
            document_saved(
                actor=actor,
                proposal=proposal,
                action="lianmeng.proposal.roster.imported",
                after={
                    "added": report.added,
                    "refused": len(report.errors),
                    "refused_rows": [row for row, _ in report.errors][:200],
                    "lead_updated": report.lead_updated,
                    "members": len(members),
                },
            )
        else:
            audit_record(
                actor=actor,
                action="lianmeng.proposal.roster.import_refused",
                obj=proposal,
                after={"added": 0, "refused": len(report.errors)},
            )
    return report


def _profile_of(profile: Profile | str) -> Profile:
    return get_profile(profile) if isinstance(profile, str) else profile


def roster_template_xlsx(profile: Profile | str) -> bytes:
    """The empty roster workbook of a profile: headers, drop-downs, instructions."""
    prof = _profile_of(profile)
    name = prof.alliance_name.value if prof.alliance_name else prof.name.value
    return roster_xlsx.template_workbook(f"{name} · 成员单位名单（模板）")


def roster_export_xlsx(proposal: Proposal, *, viewer: User | None = None) -> bytes:
    """The roster in the template's layout (plus a column naming each member's region);
    with ``viewer``, the liaisons as he may see them (:mod:`.contacts`)."""
    members = roster_members(proposal)
    if viewer is not None:
        from .contacts import members_for

        members = members_for(viewer, proposal, members)
    codes = {i: member_region_code(m) for i, m in enumerate(members)}
    labels = region_labels(codes.values())
    names = {i: labels.get(code, code) for i, code in codes.items() if code}
    title = f"{proposal.name or '未命名联盟'} · 成员单位名单"
    return roster_xlsx.export_workbook(members, names, title)


# -- member confirmation ---------------------------------------------------------------------


def _unit_codes(actor: User) -> set[str]:
    unit = actor.unit
    if unit is None:
        return set()
    return {code for code in (unit.uscc, unit.org_code) if code}


def member_position(proposal: Proposal, codes: set[str]) -> int | None:
    """Where the unit with one of ``codes`` stands in the roster, or None."""
    wanted = {
        key
        for code in codes
        for key in identity_keys({"uscc": code} if len(code) == 18 else {"org_code": code})
    }
    for index, member in enumerate(proposal.document.get("members") or []):
        if isinstance(member, dict) and wanted & set(identity_keys(member)):
            return index
    return None


def member_confirm(*, actor: User, pk: int, signature: bool) -> MemberConfirmation:
    """A member unit's contact confirms the unit is a member (and that its legal representative
    signed the agreement, which then shows in the roster as signed)."""
    if not actor.has_role(Role.MEMBER) or actor.unit_id is None:
        raise PermissionDenied(gettext("只有成员单位的账号可以确认加入联盟。"))
    codes = _unit_codes(actor)
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().filter(pk=pk).first()
        position = member_position(proposal, codes) if proposal is not None else None
        if proposal is None or position is None or proposal.status == Proposal.Status.WITHDRAWN:
            raise NotFound(gettext("未找到列有本单位的申报。"))
        if proposal.status not in Proposal.EDITABLE:
            raise PermissionDenied(
                gettext("该申报已提交，不能再在线确认。如需更正，请联系牵头单位。")
            )
        member = proposal.document["members"][position]
        code = member_code(member)
        existing = MemberConfirmation.objects.filter(proposal=proposal, member_code=code).first()
        if existing is not None and (existing.signature_confirmed or not signature):
            # a second click (or an older page) confirms nothing new: nothing changes
            return existing
        confirmation, created = MemberConfirmation.objects.update_or_create(
            proposal=proposal,
            member_code=code,
            defaults={
                "unit": actor.unit,
                "confirmed_by": actor,
                "signature_confirmed": signature,
            },
        )
        after = {"member": member.get("name", ""), "code": code, "signature": signature}
        if signature and member.get("signed_agreement") is not True:
            member["signed_agreement"] = True
            document_saved(
                actor=actor,
                proposal=proposal,
                action="lianmeng.proposal.member.confirmed",
                after=after,
            )
        else:
            audit_record(
                actor=actor, action="lianmeng.proposal.member.confirmed", obj=proposal, after=after
            )
        _ = created
        return confirmation


def confirmation_required(proposal: Proposal) -> bool:
    """Whether the profile asks every member to confirm online (a profile setting
    ``member_confirmation``; off when the profile does not say)."""
    try:
        profile = get_profile(proposal.profile)
    except Exception:  # an unknown profile cannot require anything
        return False
    setting = getattr(profile, "member_confirmation", None)
    return bool(getattr(setting, "value", setting))
