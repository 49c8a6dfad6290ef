"""Writes on the alliance workspace: every one checks who acts, runs in one transaction with its
audit entry, and refuses a stale ``revision`` (409) so that two editors never overwrite each
other unseen."""

from __future__ import annotations

import os
import uuid
from datetime import date
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, ValidationFailed
from lianmeng.core.models import Unit, User
from lianmeng.proposals.materials import check_file

from . import selectors
from .models import BODY_KINDS, KEY_PEOPLE, Document, Meeting, Member, Workspace

#: limits of a meeting record (what a form and the API accept)
MAX_ATTENDANCE = 100_000
MAX_UNITS = 500
MAX_UNIT_NAME = 120
MAX_MINUTES = 20_000
EARLIEST_MEETING = date(1990, 1, 1)


def _initial(alliance: Alliance) -> dict[str, Any]:
    """The particulars the decided proposal's document gives (empty for a legacy alliance)."""
    proposal = alliance.proposal if alliance.proposal_id else None
    if proposal is None:
        return {}
    doc = proposal.document or {}
    governance = doc.get("governance") or {}
    bodies = {
        key: {"set_up": bool(governance.get(f"has_{key}_body")), "name": "", "note": ""}
        for key in BODY_KINDS
    }
    contact = doc.get("contact") or {}
    liaison = {
        "name": contact.get("name", ""),
        "phone": contact.get("mobile") or contact.get("phone") or "",
        "email": contact.get("email", ""),
    }
    agreement = doc.get("agreement") or {}
    signed_on = None
    try:
        signed_on = (
            date.fromisoformat(agreement["signed_on"]) if agreement.get("signed_on") else None
        )
    except (TypeError, ValueError):
        signed_on = None
    term = agreement.get("term_years")
    members = []
    for row in doc.get("members") or []:
        if not isinstance(row, dict) or not row.get("name"):
            continue
        kind = row.get("kind") or ""
        members.append(
            {
                "name": str(row["name"])[:120],
                "uscc": str(row.get("uscc") or "")[:18],
                "kind": kind if kind in Unit.Kind.values else "",
                "role": Member.Role.LEAD if row.get("role") == "lead" else Member.Role.MEMBER,
            }
        )
    return {
        "proposal": proposal,
        "bodies": bodies,
        "key_people": {"liaison": liaison},
        "office_address": str((doc.get("lead_unit") or {}).get("address") or "")[:200],
        "agreement_signed_on": signed_on,
        "agreement_term_years": int(term) if isinstance(term, (int, float)) and term > 0 else None,
        "members": members,
    }


def workspace_ensure(*, alliance: Alliance) -> Workspace:
    """The alliance's workspace, created once from the decided proposal's document (idempotent:
    a second call, or a racing one, returns the existing row unchanged)."""
    existing = Workspace.objects.filter(alliance=alliance).first()
    if existing is not None:
        return existing
    initial = _initial(alliance)
    now = clock.now()
    try:
        with transaction.atomic():
            workspace = Workspace.objects.create(
                alliance=alliance,
                bodies=initial.get("bodies", {}),
                key_people=initial.get("key_people", {}),
                office_address=initial.get("office_address", ""),
                agreement_signed_on=initial.get("agreement_signed_on"),
                agreement_term_years=initial.get("agreement_term_years"),
                initialised_from=initial.get("proposal"),
                created_at=now,
                updated_at=now,
            )
            rows = initial.get("members", [])
            units = dict(
                Unit.objects.filter(uscc__in=[r["uscc"] for r in rows if r["uscc"]]).values_list(
                    "uscc", "pk"
                )
            )
            Member.objects.bulk_create(
                [
                    Member(
                        workspace=workspace,
                        unit_id=alliance.lead_unit_id
                        if r["role"] == Member.Role.LEAD
                        else units.get(r["uscc"]),
                        joined_on=alliance.decided_on,
                        **r,
                    )
                    for r in rows
                ]
            )
            audit_record(
                actor=None,
                action="lianmeng.running.workspace.initialised",
                obj=workspace,
                after={
                    "alliance": alliance.pk,
                    "from_proposal": alliance.proposal_id,
                    "members": len(rows),
                },
            )
    except IntegrityError:
        return Workspace.objects.get(alliance=alliance)
    if workspace.agreement_signed_on is not None:
        # the renewal date on the calendar (lianmeng.running.changes)
        from .changes import agreement_deadline_sync

        workspace.alliance = alliance
        agreement_deadline_sync(workspace)
    return workspace


def _lead_workspace(actor: User, alliance_id: Any) -> selectors.Access:
    """The workspace, locked, if ``actor`` is lead unit staff of the alliance; else refused."""
    access = selectors.workspace_access(viewer=actor, alliance_id=alliance_id, write=True)
    access.workspace = Workspace.objects.select_for_update().get(pk=access.workspace.pk)
    return access


def _check_revision(current: int, given: Any, what: str) -> None:
    if given is None or str(given) != str(current):
        raise Conflict(
            gettext(
                "%(what)s已被他人修改（当前版本 %(current)s）。请重新打开页面，查看最新内容后再修改。"
            )
            % {"what": what, "current": current},
            details={"revision": current},
        )


# -- particulars --------------------------------------------------------------------------------


def _person(value: Any) -> dict[str, str]:
    value = value if isinstance(value, dict) else {}
    return {k: " ".join(str(value.get(k) or "").split())[:120] for k in ("name", "phone", "email")}


def workspace_update(
    *,
    actor: User,
    alliance_id: Any,
    revision: Any,
    office_address: str,
    agreement_signed_on: date | None,
    agreement_term_years: int | None,
    key_people: dict[str, Any],
    bodies: dict[str, Any],
) -> Workspace:
    """Change the particulars (lead unit). A term outside the profile's range is refused with
    its citation (Heilongjiang: 3–5 years, 002 art. 6)."""
    with transaction.atomic():
        access = _lead_workspace(actor, alliance_id)
        workspace = access.workspace
        _check_revision(workspace.revision, revision, gettext("联盟基本情况"))
        allowed = selectors.agreement_range(access.alliance.profile)
        if agreement_term_years is not None and allowed is not None:
            low, high = allowed.value.min_years, allowed.value.max_years
            if not low <= agreement_term_years <= high:
                raise ValidationFailed(
                    gettext("协议期限应为 %(low)s–%(high)s 年（%(article)s）。")
                    % {"low": low, "high": high, "article": allowed.citation.article},
                    details={"fields": {"agreement_term_years": f"{low}-{high}"}},
                )
        if agreement_term_years is not None and not 1 <= agreement_term_years <= 50:
            raise ValidationFailed(
                gettext("协议期限应为 1–50 年。"),
                details={"fields": {"agreement_term_years": "1-50"}},
            )
        before = _particulars(workspace)
        workspace.office_address = " ".join((office_address or "").split())[:200]
        workspace.agreement_signed_on = agreement_signed_on
        workspace.agreement_term_years = agreement_term_years
        workspace.key_people = {k: _person((key_people or {}).get(k)) for k in KEY_PEOPLE}
        workspace.bodies = {
            k: {
                "set_up": bool(((bodies or {}).get(k) or {}).get("set_up")),
                "name": " ".join(str(((bodies or {}).get(k) or {}).get("name") or "").split())[
                    :120
                ],
                "note": str(((bodies or {}).get(k) or {}).get("note") or "").strip()[:500],
            }
            for k in BODY_KINDS
        }
        workspace.revision += 1
        workspace.updated_at = clock.now()
        workspace.save()
        audit_record(
            actor=actor,
            action="lianmeng.running.workspace.updated",
            obj=workspace,
            before=before,
            after=_particulars(workspace),
        )
        # the calendar's renewal date follows the agreement (lianmeng.running.changes)
        from .changes import agreement_deadline_sync

        workspace.alliance = access.alliance
        agreement_deadline_sync(workspace)
    return workspace


def _particulars(workspace: Workspace) -> dict[str, Any]:
    """What the audit keeps of the particulars (names of key people, no contacts)."""
    return {
        "office_address": workspace.office_address,
        "agreement_signed_on": str(workspace.agreement_signed_on or ""),
        "agreement_term_years": workspace.agreement_term_years,
        "key_people": {
            k: (v or {}).get("name", "") for k, v in (workspace.key_people or {}).items()
        },
        "bodies": {k: bool((v or {}).get("set_up")) for k, v in (workspace.bodies or {}).items()},
        "revision": workspace.revision,
    }


# -- meetings -----------------------------------------------------------------------------------


def clean_meeting(data: dict[str, Any]) -> dict[str, Any]:
    """A meeting record's fields, or ValidationFailed naming each wrong field. Attendance is a
    count, a list of units (one per line), or both; when both, the count is at least the
    number of units (each unit sends someone)."""
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or "")
    if kind not in Meeting.Kind.values:
        errors["kind"] = gettext("请选择会议类别。")
    held_on = data.get("held_on")
    if isinstance(held_on, str):
        try:
            held_on = date.fromisoformat(held_on)
        except ValueError:
            held_on = None
    today = clock.beijing_now().date()
    if not isinstance(held_on, date):
        errors["held_on"] = gettext("请填写会议日期（年-月-日）。")
    elif held_on > today:
        errors["held_on"] = gettext("会议记录只记已召开的会议，日期不能晚于今天。")
    elif held_on < EARLIEST_MEETING:
        errors["held_on"] = gettext("会议日期不能早于 1990 年。")
    count = data.get("attendance_count")
    if count in ("", None):
        count = None
    else:
        try:
            count = int(count)
        except (TypeError, ValueError):
            count = -1
        if isinstance(data.get("attendance_count"), bool) or not 1 <= count <= MAX_ATTENDANCE:
            errors["attendance_count"] = gettext("出席人数应为 1–%(max)s 的整数。") % {
                "max": MAX_ATTENDANCE
            }
    raw_units = data.get("attendance_units") or ""
    if isinstance(raw_units, list):
        raw_units = "\n".join(str(u) for u in raw_units)
    units: list[str] = []
    for line in str(raw_units).splitlines():
        name = " ".join(line.split())
        if name and name not in units:
            units.append(name)
    if any(len(u) > MAX_UNIT_NAME for u in units) or len(units) > MAX_UNITS:
        errors["attendance_units"] = gettext(
            "出席单位每行一个，单位名称不超过 %(len)s 字，至多 %(max)s 个。"
        ) % {"len": MAX_UNIT_NAME, "max": MAX_UNITS}
    if count is None and not units and "attendance_count" not in errors:
        errors["attendance_count"] = gettext("请填写出席人数或出席单位（至少一项）。")
    if (
        isinstance(count, int)
        and count >= 1
        and units
        and count < len(units)
        and "attendance_units" not in errors
    ):
        errors["attendance_count"] = gettext(
            "出席人数（%(count)s）少于出席单位数（%(units)s），请核对。"
        ) % {"count": count, "units": len(units)}
    minutes = str(data.get("minutes") or "").strip()
    if len(minutes) > MAX_MINUTES:
        errors["minutes"] = gettext("会议纪要不超过 %(max)s 字。") % {"max": MAX_MINUTES}
    title = " ".join(str(data.get("title") or "").split())
    place = " ".join(str(data.get("place") or "").split())
    if len(title) > 120:
        errors["title"] = gettext("会议名称不超过 120 字。")
    if len(place) > 120:
        errors["place"] = gettext("地点不超过 120 字。")
    if errors:
        raise ValidationFailed(
            gettext("会议记录有 %(n)s 处需要修改，请按提示改正后再保存。") % {"n": len(errors)},
            details={"fields": errors},
        )
    return {
        "kind": kind,
        "title": title,
        "held_on": held_on,
        "place": place,
        "attendance_count": count,
        "attendance_units": "\n".join(units),
        "minutes": minutes,
    }


def _meeting_audit(meeting: Meeting) -> dict[str, Any]:
    return {
        "kind": meeting.kind,
        "held_on": str(meeting.held_on),
        "place": meeting.place,
        "attendance_count": meeting.attendance_count,
        "units": len(meeting.unit_list),
        "revision": meeting.revision,
    }


def meeting_create(*, actor: User, alliance_id: Any, data: dict[str, Any]) -> Meeting:
    with transaction.atomic():
        access = _lead_workspace(actor, alliance_id)
        fields = clean_meeting(data)
        now = clock.now()
        meeting = Meeting.objects.create(
            workspace=access.workspace, created_by=actor, created_at=now, updated_at=now, **fields
        )
        audit_record(
            actor=actor,
            action="lianmeng.running.meeting.created",
            obj=meeting,
            after={"alliance": access.alliance.pk, **_meeting_audit(meeting)},
        )
    return meeting


def meeting_update(
    *, actor: User, alliance_id: Any, mid: Any, revision: Any, data: dict[str, Any]
) -> Meeting:
    with transaction.atomic():
        access = _lead_workspace(actor, alliance_id)
        try:
            meeting = Meeting.objects.select_for_update().get(workspace=access.workspace, pk=mid)
        except (Meeting.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound(gettext("未找到该会议记录。")) from exc
        _check_revision(meeting.revision, revision, gettext("该会议记录"))
        fields = clean_meeting(data)
        before = _meeting_audit(meeting)
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.revision += 1
        meeting.updated_at = clock.now()
        meeting.save()
        audit_record(
            actor=actor,
            action="lianmeng.running.meeting.updated",
            obj=meeting,
            before=before,
            after=_meeting_audit(meeting),
        )
    return meeting


# -- documents ----------------------------------------------------------------------------------


def document_upload(
    *, actor: User, alliance_id: Any, file: Any, title: str = "", meeting_id: Any = None
) -> Document:
    """Store one file of the alliance (or of one of its meetings): judged by its content and
    size like proposal materials, kept under the data directory with a random name."""
    name = getattr(file, "name", "") or ""
    # who acts is checked before anything is read or written to disk
    with transaction.atomic():
        _lead_workspace(actor, alliance_id)
    checked = check_file(name, getattr(file, "size", None), file)
    now = clock.now()
    stored = default_storage.save(
        f"running/{now:%Y/%m}/{uuid.uuid4().hex}.{checked.type.ext}", File(file, name=name)
    )
    try:
        with transaction.atomic():
            access = _lead_workspace(actor, alliance_id)
            meeting = None
            if meeting_id not in (None, ""):
                meeting = Meeting.objects.filter(workspace=access.workspace, pk=meeting_id).first()
                if meeting is None:
                    raise NotFound(gettext("未找到该会议记录。"))
            original = os.path.basename(name.replace("\\", "/")).strip()[:200] or (
                f"file.{checked.type.ext}"
            )
            document = Document.objects.create(
                workspace=access.workspace,
                meeting=meeting,
                title=(" ".join((title or "").split()) or original)[:200],
                file=stored,
                original_name=original,
                content_type=checked.type.mime,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor,
                uploaded_at=now,
            )
            audit_record(
                actor=actor,
                action="lianmeng.running.document.uploaded",
                obj=document,
                after={
                    "alliance": access.alliance.pk,
                    "meeting": meeting.pk if meeting else None,
                    "name": original,
                    "size": checked.size,
                    "sha256": checked.sha256,
                },
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return document


def document_open(document: Document) -> Any:
    return default_storage.open(document.file.name, "rb")
