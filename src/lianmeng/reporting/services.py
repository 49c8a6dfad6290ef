"""Writes on alliance reports. Every one checks who acts, runs in one transaction with its audit
entry; the report's state changes only through the lifecycle engine (submit by the lead unit;
accept, return by the department the profile's ``[report_lifecycle]`` names). A stale
``revision`` is refused (409), so that two editors never overwrite each other unseen.

For other apps: :func:`file_event_report` files (and submits) a major-event report without a
form, e.g. when the running app records a member, personnel or address change.
"""

from __future__ import annotations

import math
import os
import uuid
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.core.validity import lapse_for
from lianmeng.policy.alliance_config import ReportKind
from lianmeng.policy.alliance_life import KPI_LABELS, flatten_kpis
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.proposals.materials import check_file
from lianmeng.workflow import engine

from . import kpi, lifecycle
from .lifecycle import EDITABLE, KIND
from .models import Report, ReportFile

MAX_TEXT = 20_000
MAX_NUMBER = 1e12
#: alliances in these states file no more reports
CLOSED_STATES = (Alliance.Status.REVOKED, Alliance.Status.DISSOLVED)

__all__ = [
    "file_event_report",
    "report_accept",
    "report_create",
    "report_return",
    "report_submit",
    "report_update",
    "report_upload",
    "sync_alliance_warnings",
]


def _not_found() -> NotFound:
    return NotFound(_("未找到该报告，或您无权查看。"))


def _lead_alliance(actor: User, alliance_id: Any) -> Alliance:
    """The alliance if ``actor`` is one of its lead unit's applicants. A department that sees it
    is told only the lead unit writes (403); anyone else is told it does not exist (404)."""
    try:
        alliance = Alliance.objects.select_related("lead_unit", "proposal").get(pk=alliance_id)
    except (Alliance.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("名录中没有该联盟，或您无权办理。")) from None
    if actor.is_authenticated and actor.unit_id == alliance.lead_unit_id:
        if actor.has_role(Role.APPLICANT):
            return alliance
    from .selectors import department_covers

    if department_covers(actor, alliance):
        raise PermissionDenied(_("联盟报告由牵头单位填写和提交；主管部门只能审核。"))
    raise NotFound(_("名录中没有该联盟，或您无权办理。"))


def _kind(alliance: Alliance, kind_id: str) -> ReportKind:
    try:
        profile = get_profile(alliance.profile)
    except UnknownProfileError:
        profile = None
    kind = profile.reporting.report(kind_id) if profile and profile.reporting else None
    if kind is None or profile is None or profile.report_lifecycle is None:
        raise ValidationFailed(
            _("政策档案没有“%(kind)s”这种报告，请从列出的报告中选择。") % {"kind": kind_id},
            details={"field": "kind"},
        )
    return kind


def _number(value: Any, label: str) -> float | int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        value = None
    try:
        number = float(str(value).strip().replace(",", "").replace("，", ""))
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0 or number > MAX_NUMBER:
        raise ValidationFailed(
            _("“%(label)s”应填写不小于 0 的数字（没有的可留空）。") % {"label": label},
            details={"field": label},
        )
    return int(number) if number == int(number) else round(number, 4)


def clean_content(kind: ReportKind, data: dict[str, Any] | None) -> dict[str, Any]:
    """The content a form or the API sent, checked field by field against the report kind."""
    data = dict(data or {})
    content: dict[str, Any] = {}
    for field in kind.fields:
        value = data.get(field.id)
        label = field.label
        if field.kind == "text":
            text = "" if value is None else str(value).strip()
            if len(text) > MAX_TEXT:
                raise ValidationFailed(
                    _("“%(label)s”不能超过 %(max)s 个字符。") % {"label": label, "max": MAX_TEXT},
                    details={"field": field.id},
                )
            content[field.id] = text
        elif field.kind == "number":
            content[field.id] = _number(value, label)
        elif field.kind == "table":
            if value is not None and not isinstance(value, dict):
                raise ValidationFailed(
                    _("“%(label)s”应为指标与数值的对照表。") % {"label": label},
                    details={"field": field.id},
                )
            rows = {}
            for indicator, cell in flatten_kpis(value or {}).items():
                if indicator not in KPI_LABELS:
                    raise ValidationFailed(
                        _("“%(label)s”中没有指标“%(indicator)s”。")
                        % {"label": label, "indicator": indicator},
                        details={"field": field.id, "indicator": indicator},
                    )
                number = _number(cell, KPI_LABELS[indicator])
                if number is not None:
                    rows[indicator] = number
            content[field.id] = rows
    if "data" in data and isinstance(data["data"], dict):
        content["data"] = data["data"]
    return content


def _locked(actor: User, report_id: Any) -> Report:
    """The report, locked, if ``actor`` is one of its lead unit's applicants."""
    report = (
        Report.objects.select_for_update()
        .filter(lifecycle.report_visibility(actor), pk=report_id)
        .first()
        if str(report_id).isdigit()
        else None
    )
    if report is None:
        raise _not_found()
    if report.lead_unit_id != actor.unit_id or not actor.has_role(Role.APPLICANT):
        raise PermissionDenied(_("联盟报告由牵头单位填写和提交；主管部门只能审核。"))
    return report


def report_create(
    *,
    actor: User,
    alliance_id: Any,
    kind: str,
    year: int | None = None,
    event_kind: str = "",
    content: dict[str, Any] | None = None,
) -> Report:
    """A new draft report of the lead unit. An annual report is one per kind and year: asking
    again for the same one answers the existing report (a double submit is harmless)."""
    alliance = _lead_alliance(actor, alliance_id)
    if alliance.status in CLOSED_STATES:
        raise Conflict(_("该联盟已撤销或解散，不再报送报告。"))
    report_kind = _kind(alliance, kind)
    today = clock.beijing_now().date()
    if report_kind.frequency == "annual":
        if year is None or not (alliance.decided_on.year <= int(year) <= today.year + 1):
            raise ValidationFailed(
                _("请填写报告所属年度（%(first)s 年至 %(last)s 年）。")
                % {"first": alliance.decided_on.year, "last": today.year + 1},
                details={"field": "year"},
            )
        year = int(year)
        existing = Report.objects.filter(alliance=alliance, kind=kind, year=year).first()
        if existing is not None:
            return existing
    else:
        year = None
    event_kind = (event_kind or "").strip()
    if report_kind.frequency == "event":
        known = [e.id for e in report_kind.events]
        if known and event_kind not in known:
            raise ValidationFailed(
                _("请选择重大事项的类别。"), details={"field": "event_kind", "allowed": known}
            )
        if not known:
            event_kind = event_kind[:40]
    else:
        event_kind = ""
    cleaned = clean_content(report_kind, content)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                alliance=alliance,
                profile=alliance.profile,
                kind=kind,
                year=year,
                event_kind=event_kind,
                content=cleaned,
                region=alliance.region,
                lead_unit_id=alliance.lead_unit_id,
                created_by=actor,
                created_at=clock.now(),
            )
            report.alliance = alliance
            report.warnings = kpi.warnings_for(report)
            report.warning_count = len(report.warnings)
            report.save(update_fields=["warnings", "warning_count"])
            change = lifecycle.record_initial(report=report, actor=actor)
            _due_deadline(report, report_kind, change)
            audit_record(
                actor=actor,
                action="lianmeng.report.created",
                obj=report,
                after={"alliance": alliance.pk, "kind": kind, "year": year, "event": event_kind},
            )
    except IntegrityError:  # a racing request made the same annual report
        existing = Report.objects.filter(alliance=alliance, kind=kind, year=year).first()
        if existing is None:
            raise
        return existing
    return report


def _due_deadline(report: Report, kind: ReportKind, change: Any) -> None:
    """An annual report whose profile fixes a due day gets it as a deadline on the calendar
    (and in the reminders); the seeds fix none today, the department then sets the date."""
    from datetime import datetime, time

    from lianmeng.policy.alliance_life import due_dates
    from lianmeng.workflow.models import Deadline

    if kind.due is None or report.year is None:
        return
    rule = kind.due.value
    due_year = report.year + 1 if rule.following_year else report.year
    profile = kpi.profile_of(report)
    if profile is None:
        return
    for due in due_dates(profile, report.alliance.decided_on, due_year):
        if due.report == report.kind and due.covers == report.year:
            Deadline.objects.create(
                subject_kind=KIND,
                subject_id=report.pk,
                kind="annual_report",
                starts_at=change.at,
                due_at=datetime.combine(due.due, time(23, 59, 59), tzinfo=clock.BEIJING),
                state_change=change,
            )


def report_update(*, actor: User, report_id: Any, revision: Any, content: dict[str, Any]) -> Report:
    """Save the draft (or the returned report) with the content sent; ``revision`` is the one
    the form was read at."""
    with transaction.atomic():
        report = _locked(actor, report_id)
        if report.status not in EDITABLE:
            raise Conflict(
                _("报告当前状态为“%(state)s”，不能修改。")
                % {"state": _(lifecycle.state_label_of(report))}
            )
        if str(revision) != str(report.revision):
            raise Conflict(
                _("报告已被他人修改（当前版本 %(rev)s），请刷新页面后重新填写。")
                % {"rev": report.revision},
                details={"revision": report.revision},
            )
        kind = _kind(report.alliance, report.kind)
        before = report.content
        report.content = clean_content(
            kind, {**(content or {}), "data": report.content.get("data")}
        )
        report.revision += 1
        report.warnings = kpi.warnings_for(report)
        report.warning_count = len(report.warnings)
        report.save()
        audit_record(
            actor=actor,
            action="lianmeng.report.updated",
            obj=report,
            before={"content": before},
            after={"content": report.content, "revision": report.revision},
        )
    return report


def report_upload(
    *, actor: User, report_id: Any, file: Any, field: str = "", title: str = ""
) -> ReportFile:
    """Attach one file to the report (checked by content and size like proposal materials)."""
    name = getattr(file, "name", "") or ""
    with transaction.atomic():  # who acts is checked before anything is read or written
        report = _locked(actor, report_id)
        if report.status not in EDITABLE:
            raise Conflict(_("报告已提交，不能再添加附件。"))
    checked = check_file(name, getattr(file, "size", None), file)
    now = clock.now()
    stored = default_storage.save(
        f"reporting/{now:%Y/%m}/{uuid.uuid4().hex}.{checked.type.ext}", File(file, name=name)
    )
    try:
        with transaction.atomic():
            report = _locked(actor, report_id)
            kind = _kind(report.alliance, report.kind)
            fields = [f.id for f in kind.fields if f.kind == "files"]
            field = field if field in fields else (fields[0] if fields else "attachments")
            original = os.path.basename(name.replace("\\", "/")).strip()[:200] or (
                f"file.{checked.type.ext}"
            )
            row = ReportFile.objects.create(
                report=report,
                field=field,
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
                action="lianmeng.report.file_uploaded",
                obj=row,
                after={"report": report.pk, "name": original, "sha256": checked.sha256},
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return row


def _missing(report: Report, kind: ReportKind) -> list[str]:
    missing = []
    have_files = {f for f in report.files.values_list("field", flat=True)}
    for field in kind.fields:
        value = (report.content or {}).get(field.id)
        if field.kind == "text" and not value:
            missing.append(field.label)
        elif field.kind == "number" and value is None:
            missing.append(field.label)
        elif field.kind == "files" and field.id not in have_files:
            missing.append(field.label)
    return missing


def _data(basis: str, **extra: Any) -> dict[str, Any]:
    """The change's data; ``basis`` is the 依据 the engine asks for under a policy that is not in
    force (lianmeng.policy.validity)."""
    return {**extra, **({"basis": basis} if (basis or "").strip() else {})}


def report_submit(*, actor: User, report_id: Any, reason: str = "", basis: str = "") -> Report:
    """提交 (or 重新提交 after a return) through the engine; the KPI warnings are judged on the
    day of submission and the alliance's warning count follows."""
    with transaction.atomic():
        report = _locked(actor, report_id)
        kind = _kind(report.alliance, report.kind)
        if report.status in EDITABLE:
            missing = _missing(report, kind)
            if missing:
                raise ValidationFailed(
                    _("请先填写：%(fields)s，再提交。") % {"fields": "、".join(missing)},
                    details={"missing": missing},
                )
            report.submitted_at = clock.now()
            report.warnings = kpi.warnings_for(
                report, on=report.submitted_at.astimezone(clock.BEIJING).date()
            )
            report.warning_count = len(report.warnings)
            report.save(update_fields=["submitted_at", "warnings", "warning_count"])
        engine.transition(
            actor=actor,
            kind=KIND,
            pk=report.pk,
            transition="submit",
            reason=reason,
            data=_data(basis, warnings=report.warning_count),
        )
        sync_alliance_warnings(report.alliance_id, actor=actor)
    return Report.objects.get(pk=report.pk)


def _decide(actor: User, report_id: Any, transition: str, reason: str, basis: str) -> Report:
    from .selectors import report_get

    report = report_get(viewer=actor, pk=report_id)  # NotFound for anyone who may not see it
    with transaction.atomic():
        engine.transition(
            actor=actor,
            kind=KIND,
            pk=report.pk,
            transition=transition,
            reason=reason,
            data=_data(basis),
        )
        sync_alliance_warnings(report.alliance_id, actor=actor)
    return Report.objects.get(pk=report.pk)


def report_accept(*, actor: User, report_id: Any, reason: str = "", basis: str = "") -> Report:
    """接受 (知悉 for a major event) by the department the profile names."""
    return _decide(actor, report_id, "accept", reason, basis)


def report_return(*, actor: User, report_id: Any, reason: str, basis: str = "") -> Report:
    """退回（质询）with the reason (required): the lead unit revises and submits again. Under a
    policy that is not in force a return is refused (the engine's rule)."""
    return _decide(actor, report_id, "return", reason, basis)


def sync_alliance_warnings(alliance_id: int, *, actor: User | None = None) -> int:
    """Keep ``Alliance.kpi_warning_count``: the indicators behind plan in the alliance's latest
    submitted or accepted report that is judged against the plan (B-5). In the caller's
    transaction; audited when it changes."""
    alliance = Alliance.objects.filter(pk=alliance_id).only("pk", "profile", "kpi_warning_count")
    alliance = alliance.first()
    if alliance is None:
        return 0
    try:
        profile = get_profile(alliance.profile)
    except UnknownProfileError:
        return 0
    kinds = [
        k.id
        for k in (profile.reporting.reports if profile.reporting else ())
        if kpi.judged(profile, k.id)
    ]
    latest = (
        Report.objects.filter(
            alliance_id=alliance_id, kind__in=kinds, status__in=kpi.SUBMITTED_STATES
        )
        .order_by("-year", "-submitted_at", "-id")
        .only("warnings")
        .first()
    )
    count = (
        sum(1 for w in latest.warnings if w.get("kind") == "lagging") if latest is not None else 0
    )
    count = min(count, 32767)
    if count != alliance.kpi_warning_count:
        Alliance.objects.filter(pk=alliance_id).update(kpi_warning_count=count)
        audit_record(
            actor=actor,
            action="lianmeng.alliance.kpi_warning_count",
            obj=alliance,
            before={"kpi_warning_count": alliance.kpi_warning_count},
            after={"kpi_warning_count": count, "report": latest.pk if latest else None},
        )
    return count


def event_report_kind(profile_id: str) -> ReportKind | None:
    """The profile's major-event report kind (frequency ``event``), if it has one."""
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return None
    if profile.reporting is None:
        return None
    return next((k for k in profile.reporting.reports if k.frequency == "event"), None)


def file_event_report(
    actor: User,
    alliance: Alliance | int,
    event_kind: str,
    description: str,
    data: dict[str, Any] | None = None,
    *,
    submit: bool = True,
) -> Report | None:
    """File a major-event report (重大事项报告: Baoding 第十二条(二), Luoyang 第八条(一),
    Henan 六(三)) for ``alliance`` as ``actor`` (one of its lead unit's applicants) and, with
    ``submit`` (the default), submit it to the department at once — for pages and services that
    record the event themselves (member, personnel or address changes).

    ``event_kind`` is one of the profile's events (e.g. ``member_change``, ``personnel_change``,
    ``address_change``, ``breakthrough``); a profile that lists none (Henan) keeps it as given.
    ``description`` goes to the report's text field; ``data`` (JSON) is kept with the report as
    ``content["data"]``. Answers None when the profile has no major-event report (Heilongjiang),
    or the event is not one the profile lists (Luoyang lists no address change). Under a policy
    that is not in force (Luoyang after 2020, Baoding after 2023-09-17) the engine asks for a
    basis (依据) the caller does not have: the report is then left as a draft for the lead unit
    to submit from its page with the basis. Raises what
    :func:`report_create` and :func:`report_submit` raise (NotFound, PermissionDenied,
    ValidationFailed, Conflict). Runs in the caller's transaction when there is one.
    """
    alliance_id = alliance if isinstance(alliance, int) else alliance.pk
    profile_id = (
        alliance.profile
        if isinstance(alliance, Alliance)
        else Alliance.objects.filter(pk=alliance_id).values_list("profile", flat=True).first()
    )
    kind = event_report_kind(profile_id or "")
    if kind is None:
        return None
    if kind.events and event_kind not in {e.id for e in kind.events}:
        return None
    text_field = next((f.id for f in kind.fields if f.kind == "text"), "description")
    content: dict[str, Any] = {text_field: description, "data": dict(data or {})}
    with transaction.atomic():
        report = report_create(
            actor=actor,
            alliance_id=alliance_id,
            kind=kind.id,
            event_kind=event_kind,
            content=content,
        )
        if submit and lapse_for(profile_id or "") is None:
            report = report_submit(actor=actor, report_id=report.pk)
    return report
