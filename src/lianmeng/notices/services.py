"""Writes on announcements, their 公示 and objections. Every function is atomic, checks who
may act inside, and is audited.

- the department staff (competent, recommending) of the issuing jurisdiction draft, edit,
  publish and withdraw announcements, handle objections and let the decision take effect;
- anyone files an objection, only while the 公示 runs (start <= today <= end, Beijing dates);
- the decision takes effect only after the last day of the 公示 and once every objection is
  handled (:func:`announcement_take_effect`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import User

from . import selectors
from .files import check_file
from .models import Announcement, AnnouncementFile, NoticeSubject, Objection

MAX_TITLE = 200
MAX_BODY = 20000
MAX_TEXT = 2000
MAX_FILES = 10
#: the longest 公示 a department may set (days, both ends included)
MAX_PERIOD_DAYS = 60

Status = Announcement.Status


def _check_staff(actor: User) -> None:
    if not selectors.may_manage(actor):
        raise PermissionDenied(gettext("只有主管部门或推荐部门的工作人员可以发布公告。"))


def _locked(actor: User, announcement_id: Any) -> Announcement:
    """The announcement, locked, if the actor is staff of its jurisdiction (else NotFound)."""
    try:
        row = Announcement.objects.select_for_update().get(pk=int(announcement_id))
    except (Announcement.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(gettext("未找到该公告。")) from exc
    if not selectors.is_staff_of(actor, row.jurisdiction_id):
        raise NotFound(gettext("未找到该公告。"))
    return row


def _facts(row: Announcement) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "title": row.title,
        "status": row.status,
        "notice_starts_on": row.notice_starts_on.isoformat() if row.notice_starts_on else None,
        "notice_ends_on": row.notice_ends_on.isoformat() if row.notice_ends_on else None,
    }


def _clean(
    kind: str, title: str, body: str, starts: date | None, ends: date | None
) -> tuple[str, str, str]:
    title = " ".join((title or "").split())
    body = (body or "").strip()
    problems: dict[str, str] = {}
    if kind not in Announcement.Kind.values:
        problems["kind"] = gettext("请选择公告类别。")
    if not title:
        problems["title"] = gettext("请填写标题。")
    elif len(title) > MAX_TITLE:
        problems["title"] = gettext("标题不能超过 200 字。")
    if len(body) > MAX_BODY:
        problems["body"] = gettext("正文不能超过 20000 字，较长的内容请作为附件上传。")
    if (starts is None) != (ends is None):
        problems["notice"] = gettext(
            "公示期须同时填写开始日期和截止日期（不设公示期则两项都不填）。"
        )
    elif starts is not None and ends is not None:
        if ends < starts:
            problems["notice"] = gettext("公示截止日期不能早于开始日期。")
        elif (ends - starts).days + 1 > MAX_PERIOD_DAYS:
            problems["notice"] = gettext("公示期不能超过 %(n)d 天。") % {"n": MAX_PERIOD_DAYS}
    if problems:
        raise ValidationFailed(" ".join(problems.values()), details={"fields": problems})
    return kind, title, body


def announcement_create(
    *,
    actor: User,
    kind: str,
    title: str,
    body: str = "",
    notice_starts_on: date | None = None,
    notice_ends_on: date | None = None,
    department: str = "",
    subjects: Iterable[tuple[str, int, str]] = (),
) -> Announcement:
    """A draft of the actor's jurisdiction. ``subjects``: (kind, id, label) of what the 公示
    is about, e.g. ``("alliances.decision", 12, "认定 · 洛阳市轴承…")``."""
    from lianmeng.workflow.routing import actor_office

    _check_staff(actor)
    kind, title, body = _clean(kind, title, body, notice_starts_on, notice_ends_on)
    with transaction.atomic():
        row = Announcement.objects.create(
            jurisdiction_id=actor.jurisdiction_id,
            department=(department or actor_office(actor))[:120],
            kind=kind,
            title=title,
            body=body,
            notice_starts_on=notice_starts_on,
            notice_ends_on=notice_ends_on,
            created_by=actor,
            created_at=clock.now(),
        )
        seen: set[tuple[str, int]] = set()
        for subject_kind, subject_id, label in subjects:
            if (subject_kind, int(subject_id)) in seen:
                continue
            seen.add((subject_kind, int(subject_id)))
            NoticeSubject.objects.create(
                announcement=row,
                subject_kind=subject_kind[:40],
                subject_id=int(subject_id),
                label=(label or "")[:200],
            )
        audit_record(
            actor=actor,
            action="lianmeng.notice.created",
            obj=row,
            after={**_facts(row), "subjects": sorted(f"{k}:{i}" for k, i in seen)},
        )
    return row


def announcement_update(
    *,
    actor: User,
    announcement_id: Any,
    kind: str,
    title: str,
    body: str = "",
    notice_starts_on: date | None = None,
    notice_ends_on: date | None = None,
) -> Announcement:
    """Edit a draft (a published announcement is withdrawn and issued anew instead)."""
    kind, title, body = _clean(kind, title, body, notice_starts_on, notice_ends_on)
    with transaction.atomic():
        row = _locked(actor, announcement_id)
        if row.status != Status.DRAFT:
            raise Conflict(gettext("公告已发布，不能再修改；如需更正，请撤回后重新发布。"))
        before = _facts(row)
        row.kind, row.title, row.body = kind, title, body
        row.notice_starts_on, row.notice_ends_on = notice_starts_on, notice_ends_on
        row.save(update_fields=["kind", "title", "body", "notice_starts_on", "notice_ends_on"])
        audit_record(
            actor=actor, action="lianmeng.notice.edited", obj=row, before=before, after=_facts(row)
        )
    return row


def announcement_file_add(
    *, actor: User, announcement_id: Any, file: Any, title: str = ""
) -> AnnouncementFile:
    """Attach a file to a draft (PDF, OFD, DOCX or XLSX, checked by content and size)."""
    name = getattr(file, "name", "") or ""
    with transaction.atomic():
        row = _locked(actor, announcement_id)
        if row.status != Status.DRAFT:
            raise Conflict(gettext("公告已发布，不能再添加附件。"))
    checked = check_file(name, getattr(file, "size", None), file)
    now = clock.now()
    stored = default_storage.save(
        f"notices/{now:%Y/%m}/{uuid.uuid4().hex}.{checked.kind.ext}", File(file, name=name)
    )
    try:
        with transaction.atomic():
            row = _locked(actor, announcement_id)
            if row.status != Status.DRAFT:
                raise Conflict(gettext("公告已发布，不能再添加附件。"))
            if row.files.count() >= MAX_FILES:
                raise ValidationFailed(gettext("每条公告最多 %(n)d 个附件。") % {"n": MAX_FILES})
            original = os.path.basename(name.replace("\\", "/")).strip()[:200] or (
                f"file.{checked.kind.ext}"
            )
            attached = AnnouncementFile.objects.create(
                announcement=row,
                title=(" ".join((title or "").split()) or original)[:200],
                file=stored,
                original_name=original,
                content_type=checked.kind.mime,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor,
                uploaded_at=now,
            )
            audit_record(
                actor=actor,
                action="lianmeng.notice.file_added",
                obj=attached,
                after={"announcement": row.pk, "name": original, "sha256": checked.sha256},
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return attached


def announcement_file_delete(*, actor: User, file_id: Any) -> None:
    with transaction.atomic():
        try:
            attached = AnnouncementFile.objects.get(pk=int(file_id))
        except (AnnouncementFile.DoesNotExist, TypeError, ValueError) as exc:
            raise NotFound(gettext("未找到该附件。")) from exc
        row = _locked(actor, attached.announcement_id)
        if row.status != Status.DRAFT:
            raise Conflict(gettext("公告已发布，不能再删除附件。"))
        name = attached.file.name
        audit_record(
            actor=actor,
            action="lianmeng.notice.file_deleted",
            obj=attached,
            before={"announcement": row.pk, "name": attached.original_name},
        )
        attached.delete()
        transaction.on_commit(lambda: default_storage.delete(name))


def announcement_publish(*, actor: User, announcement_id: Any) -> Announcement:
    """Publish a draft on the public site. A 公示 may not start before the day it is
    published (nobody could have objected on the days already gone)."""
    with transaction.atomic():
        row = _locked(actor, announcement_id)
        if row.status == Status.PUBLISHED:
            return row  # a second click
        if row.status != Status.DRAFT:
            raise Conflict(gettext("公告已撤回，不能发布；请新建公告。"))
        on = selectors.today()
        if row.has_period and row.notice_starts_on < on:
            raise ValidationFailed(
                gettext("公示开始日期（%(start)s）早于今天，请把开始日期改为今天或以后，再发布。")
                % {"start": row.notice_starts_on.isoformat()},
                details={"field": "notice_starts_on"},
            )
        row.status = Status.PUBLISHED
        row.published_by = actor
        row.published_at = clock.now()
        row.save(update_fields=["status", "published_by", "published_at"])
        audit_record(actor=actor, action="lianmeng.notice.published", obj=row, after=_facts(row))
    return row


def announcement_withdraw(*, actor: User, announcement_id: Any, reason: str) -> Announcement:
    """Withdraw a draft or a published announcement (with its reason, shown to the public).
    Not once the decision took effect, nor while objections wait for an answer."""
    reason = (reason or "").strip()
    with transaction.atomic():
        row = _locked(actor, announcement_id)
        if row.status == Status.WITHDRAWN:
            return row
        if row.effective_at is not None:
            raise Conflict(gettext("公示的决定已生效，不能撤回公告。"))
        waiting = row.objections.filter(status=Objection.Status.OPEN).count()
        if waiting:
            raise Conflict(
                gettext("还有 %(n)d 条异议待处理，请先答复异议再撤回公告。") % {"n": waiting}
            )
        if not reason:
            raise ValidationFailed(gettext("请填写撤回理由。"), details={"field": "reason"})
        before = _facts(row)
        row.status = Status.WITHDRAWN
        row.withdrawn_by = actor
        row.withdrawn_at = clock.now()
        row.withdraw_reason = reason[:MAX_TEXT]
        row.save(update_fields=["status", "withdrawn_by", "withdrawn_at", "withdraw_reason"])
        audit_record(
            actor=actor,
            action="lianmeng.notice.withdrawn",
            obj=row,
            before=before,
            after={**_facts(row), "reason": reason},
        )
    return row


# -- objections ----------------------------------------------------------------------------------


def client_hash(address: str) -> str:
    """A keyed hash of the client address: the same address gives the same value (abuse
    review), the address itself is not kept."""
    if not address:
        return ""
    key = f"{settings.SECRET_KEY}:notices-client".encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def _new_reference(on: date) -> str:
    alphabet = "ABCDEFGHJKMNPQRSTUVWXY3456789"
    while True:
        code = f"GS-{on:%Y%m%d}-" + "".join(secrets.choice(alphabet) for _ in range(6))
        if not Objection.objects.filter(reference=code).exists():
            return code


def objection_file(
    *,
    announcement_id: Any,
    name: str,
    contact: str,
    text: str,
    client_address: str = "",
) -> Objection:
    """An objection to a published 公示, by anyone, only while it runs (start <= today <= end,
    Beijing dates). Name and contact are required so the department can answer."""
    name, contact, text = (name or "").strip(), (contact or "").strip(), (text or "").strip()
    with transaction.atomic():
        try:
            row = Announcement.objects.select_for_update().get(
                pk=int(announcement_id), status=Status.PUBLISHED
            )
        except (Announcement.DoesNotExist, TypeError, ValueError) as exc:
            raise NotFound(gettext("未找到该公告。")) from exc
        on = selectors.today()
        state = selectors.notice_state(row, on)
        if state == selectors.NO_PERIOD:
            raise Conflict(gettext("该公告没有公示期，不受理异议；如有意见请联系发布部门。"))
        if state == selectors.UPCOMING:
            raise Conflict(
                gettext("公示尚未开始（%(start)s 开始），请在公示期内提出异议。")
                % {"start": row.notice_starts_on.isoformat()}
            )
        if state == selectors.ENDED:
            raise Conflict(
                gettext("公示已于 %(end)s 结束，不再受理异议；如有意见请联系发布部门。")
                % {"end": row.notice_ends_on.isoformat()}
            )
        problems = {}
        if not name:
            problems["name"] = gettext("请填写异议人姓名或单位名称。")
        if not contact:
            problems["contact"] = gettext("请填写联系方式，以便发布部门答复。")
        if not text:
            problems["text"] = gettext("请写明异议的内容和理由。")
        if len(name) > 60:
            problems["name"] = gettext("姓名或单位名称不能超过 60 字。")
        if len(contact) > 60:
            problems["contact"] = gettext("联系方式不能超过 60 字。")
        if len(text) > MAX_TEXT:
            problems["text"] = gettext("异议内容不能超过 2000 字，请精简后再提交。")
        if problems:
            raise ValidationFailed(" ".join(problems.values()), details={"fields": problems})
        objection = Objection.objects.create(
            announcement=row,
            reference=_new_reference(on),
            name=name,
            contact=contact,
            text=text,
            filed_at=clock.now(),
            client_hash=client_hash(client_address),
        )
        audit_record(
            actor=None,
            action="lianmeng.notice.objection_filed",
            obj=objection,
            after={"announcement": row.pk, "reference": objection.reference, "name": name},
        )
    return objection


def objection_handle(*, actor: User, objection_id: Any, upheld: bool, response: str) -> Objection:
    """The issuing department's answer to an objection (required), recorded once."""
    response = (response or "").strip()
    with transaction.atomic():
        try:
            objection = Objection.objects.select_for_update().get(pk=int(objection_id))
        except (Objection.DoesNotExist, TypeError, ValueError) as exc:
            raise NotFound(gettext("未找到该异议。")) from exc
        row = Announcement.objects.get(pk=objection.announcement_id)
        if not selectors.is_staff_of(actor, row.jurisdiction_id):
            raise NotFound(gettext("未找到该异议。"))
        if objection.status != Objection.Status.OPEN:
            raise Conflict(gettext("该异议已处理。"))
        if not response:
            raise ValidationFailed(
                gettext("请填写处理意见（核查情况和结论），处理意见将答复异议人。"),
                details={"field": "response"},
            )
        if len(response) > MAX_TEXT:
            raise ValidationFailed(gettext("处理意见不能超过 2000 字。"))
        objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
        objection.response = response
        objection.handled_by = actor
        objection.handled_at = clock.now()
        objection.save(update_fields=["status", "response", "handled_by", "handled_at"])
        audit_record(
            actor=actor,
            action="lianmeng.notice.objection_handled",
            obj=objection,
            after={"status": objection.status, "response": response},
        )
    return objection


# -- taking effect -------------------------------------------------------------------------------


def effect_blocker(row: Announcement, *, open_objections: int | None = None) -> str:
    """Why the decision of ``row`` cannot take effect now ("" when it can)."""
    if row.effective_at is not None:
        return gettext("已于 %(when)s 生效。") % {"when": clock.format_moment(row.effective_at)}
    if row.status != Status.PUBLISHED:
        return gettext("公告尚未发布（或已撤回），公示的决定不能生效。")
    if not row.has_period:
        return gettext("该公告没有公示期，无需办理生效。")
    on = selectors.today()
    if on <= row.notice_ends_on:
        return gettext("公示期至 %(end)s（含当日），须待公示期满后（%(next)s 起）才能生效。") % {
            "end": row.notice_ends_on.isoformat(),
            "next": _next_day(row.notice_ends_on),
        }
    if open_objections is None:
        open_objections = row.objections.filter(status=Objection.Status.OPEN).count()
    if open_objections:
        return gettext("还有 %(n)d 条异议待处理，请在“异议”中逐条填写处理意见后再办理生效。") % {
            "n": open_objections
        }
    return ""


def _next_day(day: date) -> str:
    from datetime import timedelta

    return (day + timedelta(days=1)).isoformat()


def announcement_take_effect(*, actor: User, announcement_id: Any) -> Announcement:
    """The decision of a 公示 takes effect: refused before the period ends and while any
    objection is open."""
    with transaction.atomic():
        row = _locked(actor, announcement_id)
        blocker = effect_blocker(row)
        if blocker:
            raise Conflict(gettext("不能生效：") + blocker)
        row.effective_at = clock.now()
        row.effective_by = actor
        row.save(update_fields=["effective_at", "effective_by"])
        audit_record(actor=actor, action="lianmeng.notice.effective", obj=row, after=_facts(row))
    return row


def subjects_take_effect(*, actor: User, subject_kind: str, ids: Iterable[int]) -> list[int]:
    """Mark effective every published 公示 covering those subjects (called by the app that
    publishes them, inside its transaction, after :func:`selectors.blocking_notices` found
    none blocking). Returns the announcements marked."""
    ids = sorted({int(i) for i in ids})
    marked = []
    found = NoticeSubject.objects.filter(
        subject_kind=subject_kind,
        subject_id__in=ids,
        announcement__status=Status.PUBLISHED,
        announcement__effective_at__isnull=True,
    ).values_list("announcement_id", flat=True)
    rows = Announcement.objects.select_for_update().filter(pk__in=list(found)).order_by("id")
    for row in rows:
        if effect_blocker(row):
            continue
        row.effective_at = clock.now()
        row.effective_by = actor
        row.save(update_fields=["effective_at", "effective_by"])
        audit_record(
            actor=actor,
            action="lianmeng.notice.effective",
            obj=row,
            after={**_facts(row), "subjects": ids},
        )
        marked.append(row.pk)
    return marked
