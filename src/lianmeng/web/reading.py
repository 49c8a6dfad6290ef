"""Reads of the proposal reading view (阅读申报材料): what a reviewer judges, read-only.

Everything starts from :func:`lianmeng.proposals.selectors.proposal_get`, so whoever may not
see the proposal (another area's department, an expert not assigned or in conflict) gets the
same 404 as for a proposal that does not exist — on the page and on every file it links to.

A submitted proposal is read as filed: the chosen version's document, write-ups and
explanations, and the files its ``materials`` entries name (matched by SHA-256, so a file the
lead unit removed after a return is still there for the version that listed it). A draft (the
lead unit's own) is read as it stands.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from lianmeng.core.dates import show_moment
from lianmeng.core.errors import NotFound
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.documents.pdf import code_display
from lianmeng.proposals import materials as materials_mod
from lianmeng.proposals import writeups as writeups_mod
from lianmeng.proposals.models import Material, Proposal, ProposalVersion
from lianmeng.proposals.selectors import proposal_get

#: files a browser shows itself (in the page's frame or a new tab); others are downloaded
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


@dataclass
class MaterialRow:
    kind: str
    title: str
    required: bool
    #: Material rows (uploaded files) of this kind the read document lists
    files: list[Material] = field(default_factory=list)
    #: written online: the write-up part ("feasibility", "agreement") shown on the page
    online_part: str = ""
    #: produced by the system (the 建议书 PDF, the 推荐表 …): what to say about it
    system_note: Any = ""
    #: listed in the document by name only (an imported file), no stored file behind it
    listed: list[str] = field(default_factory=list)
    #: the 建议书 of a filed version: the system's PDF stands for it (names listed aside)
    superseded: bool = False

    @property
    def provided(self) -> bool:
        return bool(
            self.files or self.online_part or self.system_note or self.listed or self.superseded
        )


@dataclass
class Reading:
    proposal: Proposal
    #: the proposal as filed in the version read (document replaced), for the checks
    as_filed: Proposal
    version: ProposalVersion | None
    versions: list[ProposalVersion]
    document: dict[str, Any]
    writeups: dict[str, Any]
    explanations: dict[str, str]

    @property
    def latest(self) -> bool:
        return self.version is None or self.version.number == self.versions[0].number

    @property
    def code(self) -> str:
        return code_display(self.version.verification_code) if self.version else ""

    @property
    def submitted(self) -> str:
        return show_moment(self.version.submitted_at, seconds=True) if self.version else ""


def reading_get(*, viewer: User, pk: int, number: int | None = None) -> Reading:
    """The proposal as the viewer may read it: version ``number`` (default the latest), or
    the draft itself when nothing was filed yet. NotFound outside the viewer's visibility and
    for a version that does not exist."""
    proposal = proposal_get(viewer=viewer, pk=pk)
    versions = list(
        ProposalVersion.objects.filter(proposal=proposal)
        .defer("document", "writeups", "explanations")
        .select_related("submitted_by")
        .order_by("-number")
    )
    version = None
    if number is not None or versions:
        wanted = versions[0].number if number is None else number
        version = ProposalVersion.objects.filter(proposal=proposal, number=wanted).first()
        if version is None:
            raise NotFound(_("该申报没有第 %(number)s 版。") % {"number": wanted})
        version.proposal = proposal
    if version is not None:
        document, writeups, explanations = (
            version.document or {},
            version.writeups or {},
            version.explanations or {},
        )
    else:
        document, writeups, explanations = (
            proposal.document or {},
            proposal.writeups or {},
            proposal.explanations or {},
        )
    as_filed = copy.copy(proposal)
    as_filed.document = document
    as_filed.writeups = writeups
    as_filed.explanations = explanations
    return Reading(
        proposal=proposal,
        as_filed=as_filed,
        version=version,
        versions=versions,
        document=document,
        writeups=writeups,
        explanations=explanations,
    )


def material_rows(reading: Reading) -> list[MaterialRow]:
    """One row per required kind (the call's order), then any other kind the document lists;
    each with the files, the online write-up, the system's note or the names listed."""
    proposal = reading.proposal
    rows = {
        kind: MaterialRow(kind, title, True)
        for kind, title in materials_mod.required_materials(proposal)
    }
    stored: dict[tuple[str, str], Material] = {}
    for material in Material.objects.filter(proposal=proposal).order_by("-uploaded_at", "-id"):
        # the newest file with that content (a draft shows only those not removed)
        if reading.version is None and material.removed_at is not None:
            continue
        stored.setdefault((material.kind, material.sha256), material)
    for entry in reading.document.get("materials") or []:
        if not isinstance(entry, dict):
            continue
        kind = str(entry.get("kind") or "other")
        row = rows.get(kind)
        if row is None:
            title = materials_mod.KIND_TITLES.get(kind, materials_mod.KIND_TITLES["other"])
            row = rows[kind] = MaterialRow(kind, title, False)
        file = entry.get("file")
        material = stored.get((kind, str(entry.get("sha256") or "")))
        if material is not None:
            if material not in row.files:
                row.files.append(material)
        elif file == materials_mod.ONLINE_FILE:
            row.online_part = materials_mod.WRITTEN_ONLINE[kind]
        elif file in materials_mod.SYSTEM_FILES:
            row.system_note = materials_mod.SYSTEM_MADE[materials_mod.SYSTEM_FILES[file]][1]
        else:
            row.listed.append(str(entry.get("title") or file or ""))
    if reading.version is None:
        # a draft: the lead unit's uploads count even before the document lists them
        for material in stored.values():
            row = rows.get(material.kind)
            if row is None:
                title = materials_mod.KIND_TITLES.get(material.kind, material.kind)
                row = rows[material.kind] = MaterialRow(material.kind, title, False)
            if material not in row.files:
                row.files.append(material)
    if reading.version is not None and reading.version.pdf and "proposal_form" in rows:
        rows["proposal_form"].superseded = True
        rows["proposal_form"].system_note = ""
    for kind, part in materials_mod.WRITTEN_ONLINE.items():
        if kind in rows and not rows[kind].online_part and written(reading, part):
            rows[kind].online_part = part
    return list(rows.values())


def written(reading: Reading, part: str) -> bool:
    texts = reading.writeups.get(part) or {}
    return any(writeups_mod.plain_text(v) for v in texts.values() if isinstance(v, str))


def writeup_sections(reading: Reading, part: str) -> list[dict[str, Any]]:
    """The sections of a part written online, as filed (sanitised HTML), empty ones marked."""
    texts = reading.writeups.get(part) or {}
    return [
        {
            "key": section.key,
            "title": section.title,
            "optional": section.optional,
            "html": writeups_mod.sanitise(texts.get(section.key, "")),
            "empty": not writeups_mod.plain_text(texts.get(section.key, "")),
        }
        for section in writeups_mod.sections_of(part)
    ]


def material_for_reading(*, viewer: User, pk: int, mid: int) -> Material:
    """An uploaded file of a proposal the viewer may read: one not removed, or one a filed
    version lists (by its content). NotFound otherwise, the same as for another area's."""
    proposal = proposal_get(viewer=viewer, pk=pk)
    material = Material.objects.filter(proposal=proposal, pk=mid).first()
    if material is not None and material.removed_at is not None:
        listed = {
            (str(entry.get("kind")), str(entry.get("sha256")))
            for document in ProposalVersion.objects.filter(proposal=proposal).values_list(
                "document", flat=True
            )
            for entry in (document or {}).get("materials") or []
            if isinstance(entry, dict)
        }
        if (material.kind, material.sha256) not in listed:
            material = None
    if material is None:
        raise NotFound(_("未找到该附件，或您无权查看。"))
    return material


def version_for_reading(*, viewer: User, pk: int, number: int) -> ProposalVersion:
    proposal = proposal_get(viewer=viewer, pk=pk)
    version = (
        ProposalVersion.objects.filter(proposal=proposal, number=number)
        .defer("document", "writeups", "explanations")
        .first()
    )
    if version is None:
        raise NotFound(_("该申报没有第 %(number)s 版。") % {"number": number})
    version.proposal = proposal
    return version


def expert_assignment_id(*, viewer: User, proposal: Proposal) -> int | None:
    """The viewer's own open scoring task on the proposal (an expert's way back to score)."""
    if not viewer.has_role(Role.EXPERT):
        return None
    from lianmeng.experts.models import Assignment

    return (
        Assignment.objects.filter(
            Q(expert__user=viewer) & Q(proposal=proposal) & Q(declared_conflict=False)
        )
        .order_by("-id")
        .values_list("pk", flat=True)
        .first()
    )
