"""Reads on submitted versions, and the comparison of two versions.

Versions are read through the proposal they belong to, so who may see a version is decided
by ``proposal_get``: the lead unit's staff, and department staff of its area. The public
``/verify/<code>`` page reads one version by its code and shows only what a paper copy
already shows (name, lead unit, version, time, hashes).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lianmeng.core.errors import NotFound
from lianmeng.core.models import User
from lianmeng.documents.pdf import normalise_code

from .models import Proposal, ProposalVersion
from .selectors import proposal_get


def version_list(*, viewer: User, pk: int) -> tuple[Proposal, QuerySet[ProposalVersion]]:
    proposal = proposal_get(viewer=viewer, pk=pk)
    versions = (
        ProposalVersion.objects.filter(proposal=proposal)
        .select_related("submitted_by")
        .defer("document", "writeups")
        .order_by("-number")
    )
    return proposal, versions


def version_get(*, viewer: User, pk: int, number: int) -> ProposalVersion:
    proposal = proposal_get(viewer=viewer, pk=pk)
    version = ProposalVersion.objects.filter(proposal=proposal, number=number).first()
    if version is None:
        raise NotFound(_("该申报没有第 %(number)s 版。") % {"number": number})
    version.proposal = proposal
    return version


def version_by_code(code: str) -> ProposalVersion:
    """The version a verification code names (public; raise NotFound for unknown codes)."""
    normalised = normalise_code(code)
    version = (
        ProposalVersion.objects.filter(verification_code=normalised)
        .select_related("proposal", "proposal__lead_unit")
        .defer("document", "writeups", "explanations")
        .first()
        if normalised
        else None
    )
    if version is None:
        raise NotFound(_("未找到该核验码。"))
    return version


# -- comparison -------------------------------------------------------------------------------


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        if not value:
            out[path] = {}
        for key in sorted(value):
            _flatten(value[key], f"{path}.{key}", out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            _flatten(item, f"{path}[{index}]", out)
    else:
        out[path] = value


def member_key(member: dict[str, Any]) -> str:
    return str(member.get("uscc") or member.get("org_code") or member.get("name") or "")


def _member_changes(old: list[Any], new: list[Any]) -> dict[str, Any]:
    old_members = {member_key(m): m for m in old if isinstance(m, dict)}
    new_members = {member_key(m): m for m in new if isinstance(m, dict)}
    added = [m.get("name", k) for k, m in new_members.items() if k not in old_members]
    removed = [m.get("name", k) for k, m in old_members.items() if k not in new_members]
    changed = []
    for index, member in enumerate(m for m in new if isinstance(m, dict)):
        key = member_key(member)
        if key not in old_members:
            continue
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        _flatten(old_members[key], f"$.members[{index}]", before)
        _flatten(member, f"$.members[{index}]", after)
        for path in sorted(set(before) | set(after)):
            if before.get(path) != after.get(path):
                changed.append(
                    {
                        "path": path,
                        "member": member.get("name", key),
                        "old": before.get(path),
                        "new": after.get(path),
                    }
                )
    return {"added": added, "removed": removed, "changed": changed}


def compare_documents(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Changed fields by JSON path (members matched by USCC, else organisation code or name),
    members added and removed."""
    old_rest = {k: v for k, v in (old or {}).items() if k not in ("members", "submitted_at")}
    new_rest = {k: v for k, v in (new or {}).items() if k not in ("members", "submitted_at")}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flatten(old_rest, "$", before)
    _flatten(new_rest, "$", after)
    fields = [
        {"path": path, "old": before.get(path), "new": after.get(path)}
        for path in sorted(set(before) | set(after))
        if before.get(path) != after.get(path)
    ]
    members = _member_changes((old or {}).get("members") or [], (new or {}).get("members") or [])
    return {"fields": fields, **members}


def compare_versions(old: ProposalVersion, new: ProposalVersion) -> dict[str, Any]:
    result = compare_documents(old.document, new.document)
    result["writeups_changed"] = (old.writeups or {}) != (new.writeups or {})
    result["explanations_changed"] = (old.explanations or {}) != (new.explanations or {})
    result["identical"] = old.sha256 == new.sha256
    return result
