"""Reads on the alliance workspace, always starting from what the viewer may see.

Who sees a workspace (:func:`relation`): the lead unit's staff (they write), the staff of its
member units (read) and the departments whose area covers the alliance (read-only). Anyone
else — another jurisdiction, another unit — is told it does not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from lianmeng.alliances.models import Alliance
from lianmeng.alliances.selectors import alliance_get
from lianmeng.core import clock
from lianmeng.core.errors import NotFound, PermissionDenied
from lianmeng.core.masking import mask_person
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import viewer_scope
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.selectors import proposal_visibility

from .models import BODY_KINDS, KEY_PEOPLE, Document, Meeting, Member, Workspace

LEAD = "lead"
MEMBER = "member"
DEPARTMENT = "department"
#: roles whose holders act for their unit in an alliance
UNIT_STAFF_ROLES = frozenset({Role.APPLICANT, Role.MEMBER})
NOT_FOUND = gettext_noop("未找到该联盟的工作台，或您无权查看。")
READ_ONLY = gettext_noop("只有牵头单位可以修改联盟工作台；成员单位和主管部门只能查看。")


def _department_covers(viewer: User, alliance: Alliance) -> bool:
    scope = viewer_scope(viewer)
    if scope is None:
        return False
    if alliance.proposal_id is None:  # the legacy registry: by the lead unit's region
        region = alliance.lead_unit.region
        return region is not None and scope.contains(region)
    return Proposal.objects.filter(proposal_visibility(viewer), pk=alliance.proposal_id).exists()


def relation(viewer: User, alliance: Alliance, workspace: Workspace | None) -> str | None:
    """``lead``, ``department``, ``member`` or None (the viewer may not see the workspace)."""
    if not viewer.is_authenticated:
        return None
    unit_staff = viewer.unit_id is not None and bool(viewer.role_set() & UNIT_STAFF_ROLES)
    if unit_staff and viewer.unit_id == alliance.lead_unit_id and viewer.has_role(Role.APPLICANT):
        return LEAD
    if _department_covers(viewer, alliance):
        return DEPARTMENT
    if not unit_staff:
        return None
    if workspace is not None:
        current = Member.objects.filter(
            workspace=workspace, unit_id=viewer.unit_id, left_on__isnull=True
        ).exists()
        return MEMBER if current else None
    # not opened yet: the members the workspace will start with (the decided roster)
    uscc = viewer.unit.uscc if viewer.unit else None
    if uscc and alliance.proposal_id:
        roster = (alliance.proposal.document or {}).get("members") or []
        if any(isinstance(m, dict) and m.get("uscc") == uscc for m in roster):
            return MEMBER
    return None


@dataclass
class Access:
    alliance: Alliance
    workspace: Workspace
    relation: str

    @property
    def may_write(self) -> bool:
        return self.relation == LEAD

    @property
    def full_contacts(self) -> bool:
        """Phones and e-mails in full for the lead unit and the departments; masked for members."""
        return self.relation in (LEAD, DEPARTMENT)


def workspace_access(*, viewer: User, alliance_id: Any, write: bool = False) -> Access:
    """The alliance and its workspace (initialised on first opening) if the viewer may see it;
    with ``write``, only for the lead unit's staff (PermissionDenied for other readers, before
    anything is initialised)."""
    from .services import workspace_ensure

    try:
        alliance = alliance_get(pk=alliance_id)
    except NotFound as exc:
        raise NotFound(NOT_FOUND) from exc
    if not viewer.is_authenticated:
        raise NotFound(NOT_FOUND)
    workspace = Workspace.objects.filter(alliance=alliance).first()
    rel = relation(viewer, alliance, workspace)
    if rel is None:
        raise NotFound(NOT_FOUND)
    if write and rel != LEAD:
        raise PermissionDenied(READ_ONLY)
    if workspace is None:
        workspace = workspace_ensure(alliance=alliance)
    workspace.alliance = alliance
    return Access(alliance=alliance, workspace=workspace, relation=rel)


def visible_alliances(viewer: User, *, limit: int = 50) -> list[Alliance]:
    """Alliances whose workspace the viewer reaches as lead or member unit (for the home page):
    current member rows, and — for a workspace not opened yet — the decided roster."""
    from django.db.models import Q, TextField
    from django.db.models.functions import Cast

    if not viewer.is_authenticated or not viewer.unit_id:
        return []
    if not viewer.role_set() & UNIT_STAFF_ROLES:
        return []
    member_of = Member.objects.filter(unit_id=viewer.unit_id, left_on__isnull=True).values(
        "workspace__alliance_id"
    )
    found = list(
        Alliance.objects.filter(Q(lead_unit_id=viewer.unit_id) | Q(pk__in=member_of))
        .only("pk", "name", "status", "lead_unit_id")
        .order_by("name", "pk")[:limit]
    )
    uscc = viewer.unit.uscc if viewer.unit else None
    if uscc:
        known = {a.pk for a in found}
        unopened = (
            Alliance.objects.filter(workspace__isnull=True, proposal__isnull=False)
            .exclude(pk__in=known)
            .annotate(roster_text=Cast("proposal__document", TextField()))
            .filter(roster_text__contains=uscc)
            .select_related("proposal")
            .only("pk", "name", "status", "lead_unit_id", "proposal__document")[:limit]
        )
        found += [a for a in unopened if relation(viewer, a, None) == MEMBER]
    return sorted(found, key=lambda a: (a.name, a.pk))[:limit]


def may_open(viewer: User, alliance: Alliance) -> bool:
    """Whether the registry detail page links to the workspace for this viewer."""
    workspace = Workspace.objects.filter(alliance=alliance).first()
    return relation(viewer, alliance, workspace) is not None


# -- what the page shows ------------------------------------------------------------------------


def members(workspace: Workspace) -> list[Member]:
    return list(workspace.members.order_by("left_on", "role", "id"))


def meetings(workspace: Workspace) -> QuerySet[Meeting]:
    return Meeting.objects.filter(workspace=workspace).order_by("-held_on", "-id")


def meeting_get(access: Access, mid: Any) -> Meeting:
    try:
        return meetings(access.workspace).get(pk=mid)
    except (Meeting.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(gettext_noop("未找到该会议记录。")) from exc


def documents(workspace: Workspace) -> list[Document]:
    return list(
        Document.objects.filter(workspace=workspace)
        .select_related("meeting", "uploaded_by")
        .order_by("-uploaded_at", "-id")
    )


def document_get(access: Access, did: Any) -> Document:
    try:
        return Document.objects.get(workspace=access.workspace, pk=did)
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(gettext_noop("未找到该文件。")) from exc


def files_by_meeting(meeting_ids: list[int]) -> dict[int, list[Document]]:
    found: dict[int, list[Document]] = {}
    for doc in Document.objects.filter(meeting_id__in=meeting_ids).order_by("id"):
        found.setdefault(doc.meeting_id, []).append(doc)
    return found


def key_people(access: Access) -> list[dict[str, Any]]:
    """Each key person (理事长、秘书长、联络员) with contacts masked unless the viewer sees them."""
    people = access.workspace.key_people or {}
    rows = []
    for key, label in KEY_PEOPLE.items():
        person = dict(people.get(key) or {})
        if not access.full_contacts:
            person = mask_person(person)  # type: ignore[assignment]
        rows.append({"key": key, "label": label, **person})
    return rows


def bodies(workspace: Workspace) -> list[dict[str, Any]]:
    saved = workspace.bodies or {}
    return [
        {"key": key, "label": label, **(saved.get(key) or {})} for key, label in BODY_KINDS.items()
    ]


@dataclass(frozen=True)
class AgreementTerm:
    signed_on: date | None
    term_years: int | None
    ends_on: date | None
    #: the profile's range for the term (Heilongjiang: 3–5 years), with its citation
    allowed: Any
    renewal_due: bool


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def agreement_range(profile_id: str) -> Any:
    try:
        return get_profile(profile_id).deadlines.agreement_term_years
    except UnknownProfileError:
        return None


def agreement(workspace: Workspace, profile_id: str) -> AgreementTerm:
    """The agreement's term; without a recorded term the profile's longest one counts. Renewal
    is due once the term has ended (the agreement must be re-signed, Heilongjiang 002 art. 6)."""
    allowed = agreement_range(profile_id)
    years = workspace.agreement_term_years
    if years is None and allowed is not None:
        years = allowed.value.max_years
    ends_on = None
    if workspace.agreement_signed_on and years:
        ends_on = _add_years(workspace.agreement_signed_on, years)
    today = clock.beijing_now().date()
    return AgreementTerm(
        signed_on=workspace.agreement_signed_on,
        term_years=workspace.agreement_term_years,
        ends_on=ends_on,
        allowed=allowed,
        renewal_due=ends_on is not None and ends_on <= today,
    )


def _subjects(alliance: Alliance) -> list[Any]:
    return [s for s in (alliance, alliance.proposal if alliance.proposal_id else None) if s]


def history(alliance: Alliance) -> list[Any]:
    """The alliance's state history from the engine (subject kind ``alliance`` once registered),
    else the history of the proposal it was decided on."""
    from lianmeng.workflow.models import StateChange

    for subject in _subjects(alliance):
        try:
            rows = list(
                StateChange.objects.of(subject).select_related("actor").order_by("at", "id")
            )
        except LookupError:  # the kind is not registered
            continue
        if rows or subject is not alliance:
            return rows
    return []


def due_next(alliance: Alliance) -> list[Any]:
    """The engine's deadlines of the alliance (and of its proposal, e.g. the construction
    period), the next first."""
    from lianmeng.workflow.models import Deadline

    rows: list[Any] = []
    for subject in _subjects(alliance):
        try:
            rows += list(Deadline.objects.of(subject))
        except LookupError:
            continue
    return sorted(rows, key=lambda d: d.due_at)
