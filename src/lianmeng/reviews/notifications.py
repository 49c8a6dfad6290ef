"""Notifications (M-23): texts per profile and event that staff can edit, the in-system inbox
and e-mail, sent after the state change commits.

A text is a subject and a body with placeholders in braces: ``{联盟名称}`` ``{牵头单位}``
``{原因}`` ``{操作}`` ``{状态}`` ``{部门}`` ``{时间}`` ``{截止日期}`` ``{类别}``. The defaults
live here; a competent department's edit for its profile is a :class:`NotificationTemplate`
row and wins. An unknown placeholder is left as written, so a typo shows instead of failing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.jobs import runner
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.workflow.listeners import on_change
from lianmeng.workflow.models import StateChange
from lianmeng.workflow.routing import state_label

from .models import Notification, NotificationTemplate

logger = logging.getLogger("lianmeng.notifications")

PLACEHOLDERS: dict[str, str] = {
    "联盟名称": "申报的联盟名称",
    "牵头单位": "牵头单位名称",
    "原因": "办理意见、退回原因或理由",
    "操作": "所做的操作，如“推荐”“退回修改”",
    "状态": "操作后的状态",
    "部门": "办理部门",
    "时间": "办理时间",
    "截止日期": "起算的期限截止日期（如筹建期）",
    "类别": "备案类别",
}

_SIGNATURE = "\n\n{部门}\n{时间}"
_GREETING = "{牵头单位}：\n\n"

DEFAULTS: dict[str, tuple[str, str]] = {
    "proposal.returned": (
        "【退回修改】{联盟名称}",
        _GREETING + "您单位牵头申报的“{联盟名称}”已被{部门}退回修改。\n"
        "退回原因：{原因}\n\n"
        "请登录联盟管理平台，按意见修改后在网上填报截止前重新提交。" + _SIGNATURE,
    ),
    "proposal.reopened": (
        "【撤销退回】{联盟名称}",
        _GREETING + "{部门}撤销了对“{联盟名称}”的退回，申报恢复为“{状态}”，继续办理，"
        "无需修改或重新提交。\n说明：{原因}" + _SIGNATURE,
    ),
    "proposal.recommended": (
        "【已推荐】{联盟名称}",
        _GREETING + "您单位牵头申报的“{联盟名称}”已由{部门}推荐，当前状态：{状态}。\n"
        "推荐意见：{原因}" + _SIGNATURE,
    ),
    "proposal.accepted": (
        "【已受理】{联盟名称}",
        _GREETING
        + "您单位牵头申报的“{联盟名称}”已由{部门}受理，下一步将组织专家评审。"
        + _SIGNATURE,
    ),
    "proposal.refused": (
        "【不予受理】{联盟名称}",
        _GREETING + "您单位牵头申报的“{联盟名称}”{部门}不予受理。\n原因：{原因}" + _SIGNATURE,
    ),
    "proposal.approved": (
        "【批准筹建】{联盟名称}",
        _GREETING + "经审核，{部门}批准筹建“{联盟名称}”。筹建期截止日期：{截止日期}。\n"
        "请在筹建期内完成组织机构设立、协议和章程签署及规划编制，期满申请验收。" + _SIGNATURE,
    ),
    "proposal.recognised": (
        "【认定】{联盟名称}",
        _GREETING + "经专家审核，{部门}认定“{联盟名称}”。\n"
        "标牌（PDF）可登录联盟管理平台，在“联盟名录”中该联盟的页面下载。" + _SIGNATURE,
    ),
    "proposal.filed": (
        "【备案】{联盟名称}",
        _GREETING + "经审核，“{联盟名称}”已在{部门}备案，类别：{类别}。" + _SIGNATURE,
    ),
    "proposal.pilot_selected": (
        "【确定为试点】{联盟名称}",
        _GREETING + "“{联盟名称}”已由{部门}择优确定为产业技术创新战略联盟试点。" + _SIGNATURE,
    ),
    "proposal.declined": (
        "【未获通过】{联盟名称}",
        _GREETING + "您单位牵头申报的“{联盟名称}”未获通过（{操作}）。\n理由：{原因}" + _SIGNATURE,
    ),
}
GENERIC = (
    "【状态更新】{联盟名称}",
    _GREETING
    + "您单位牵头申报的“{联盟名称}”状态已更新为“{状态}”（{操作}）。\n意见：{原因}"
    + _SIGNATURE,
)

_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")


def render(text: str, values: dict[str, str]) -> str:
    """Fill ``{名称}`` placeholders; unknown ones stay as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def profile_events(profile_id: str) -> list[str]:
    """The events the profile's transitions send, in the table's order."""
    try:
        lifecycle = get_profile(profile_id).lifecycle
    except UnknownProfileError:
        return []
    events: list[str] = []
    for transition in lifecycle.transitions if lifecycle else []:
        if transition.event and transition.event not in events:
            events.append(transition.event)
    return events


def event_label(profile_id: str, event: str) -> str:
    """The event as staff know it: the names of the steps that send it, from the profile's
    table (推荐、审核推荐), in the reader's language — never the key ``proposal.recommended``."""
    from django.utils.translation import gettext, pgettext

    try:
        lifecycle = get_profile(profile_id).lifecycle
    except UnknownProfileError:
        lifecycle = None
    names: list[str] = []
    for transition in lifecycle.transitions if lifecycle else []:
        if transition.event == event and gettext(transition.label) not in names:
            names.append(gettext(transition.label))
    return pgettext("list separator", "、").join(names) if names else event


@dataclass(frozen=True)
class Text:
    profile: str
    event: str
    subject: str
    body: str
    customised: bool
    updated_at: Any = None
    updated_by: Any = None

    @property
    def label(self) -> str:
        return event_label(self.profile, self.event)


def notification_text(profile_id: str, event: str) -> Text:
    """The text in force for ``event`` of ``profile_id``: the edited one, else the default."""
    row = (
        NotificationTemplate.objects.filter(profile=profile_id, event=event)
        .select_related("updated_by")
        .first()
    )
    if row is not None:
        return Text(profile_id, event, row.subject, row.body, True, row.updated_at, row.updated_by)
    subject, body = DEFAULTS.get(event, GENERIC)
    return Text(profile_id, event, subject, body, False)


def notification_texts(profile_id: str) -> list[Text]:
    return [notification_text(profile_id, event) for event in profile_events(profile_id)]


def editable_profiles(actor: User) -> list[str]:
    """Profiles whose texts ``actor`` may edit: competent (or coordination) staff of the
    profile's own jurisdiction."""
    from lianmeng.policy.loader import load_profiles

    if not (
        actor.is_authenticated
        and actor.jurisdiction_id
        and (actor.has_role(Role.COMPETENT) or actor.has_role(Role.COORDINATION))
    ):
        return []
    code = actor.jurisdiction.code
    return sorted(pid for pid, p in load_profiles().items() if p.jurisdiction.value == code)


def _check_editor(actor: User, profile_id: str, event: str) -> None:
    if profile_id not in editable_profiles(actor):
        raise PermissionDenied(_("只有该政策档案所属主管部门的工作人员可以修改通知文本。"))
    if event not in profile_events(profile_id):
        raise NotFound(_("该政策档案没有这个通知事件。"))


def _check_text(subject: str, body: str) -> None:
    if not subject.strip():
        raise ValidationFailed(_("请填写通知标题。"), details={"field": "subject"})
    if len(subject) > 200:
        raise ValidationFailed(_("通知标题不能超过 200 个字符。"), details={"field": "subject"})
    if not body.strip():
        raise ValidationFailed(_("请填写通知正文。"), details={"field": "body"})
    unknown = sorted(
        {m.group(1) for m in _PLACEHOLDER.finditer(subject + body)} - set(PLACEHOLDERS)
    )
    if unknown:
        separator = pgettext("list separator", "、")
        names = separator.join("{" + n + "}" for n in unknown)
        allowed = separator.join("{" + n + "}" for n in PLACEHOLDERS)
        raise ValidationFailed(
            _("通知文本中有无法识别的占位符 %(names)s。可用的占位符：%(allowed)s。")
            % {"names": names, "allowed": allowed},
            details={"field": "body", "unknown": unknown},
        )


def notification_template_save(
    *, actor: User, profile: str, event: str, subject: str, body: str
) -> NotificationTemplate:
    """Save the edited text of ``event`` for ``profile`` (competent staff of that profile)."""
    _check_editor(actor, profile, event)
    _check_text(subject, body)
    with transaction.atomic():
        before = notification_text(profile, event)
        row, _created = NotificationTemplate.objects.update_or_create(
            profile=profile,
            event=event,
            defaults={
                "subject": subject.strip(),
                "body": body.strip(),
                "updated_by": actor,
                "updated_at": clock.now(),
            },
        )
        audit_record(
            actor=actor,
            action="lianmeng.notification.template.saved",
            obj=row,
            before={"subject": before.subject, "body": before.body},
            after={"subject": row.subject, "body": row.body},
        )
    return row


def notification_template_reset(*, actor: User, profile: str, event: str) -> None:
    """Go back to the default text of ``event``."""
    _check_editor(actor, profile, event)
    with transaction.atomic():
        row = NotificationTemplate.objects.filter(profile=profile, event=event).first()
        if row is None:
            return
        audit_record(
            actor=actor,
            action="lianmeng.notification.template.reset",
            obj=row,
            before={"subject": row.subject, "body": row.body},
        )
        row.delete()


# -- sending ---------------------------------------------------------------------------------


def recipients_for(proposal: Any) -> list[User]:
    """The lead unit's applicant accounts."""
    return list(
        User.objects.filter(
            unit_id=proposal.lead_unit_id, is_active=True, role_grants__role=Role.APPLICANT
        ).distinct()
    )


def values_for(change: StateChange) -> dict[str, str]:
    from lianmeng.core.clock import format_moment

    proposal = change.subject
    deadline = change.data.get("deadline") or {}
    return {
        # a decision may name the alliance (Luoyang 认定: 洛阳市×××产业技术创新战略联盟)
        "联盟名称": str(change.data.get("alliance_name") or proposal.name),
        "牵头单位": proposal.lead_unit.name,
        "原因": change.reason or "无",
        "操作": change.label,
        "状态": state_label(proposal.profile, change.to_state),
        "部门": change.actor_office or "",
        "时间": format_moment(change.at, seconds=False),
        "截止日期": str(deadline.get("due_date") or ""),
        "类别": _category(change.data),
    }


def _category(data: dict[str, Any]) -> str:
    """二类（产业创新联盟）: the number as the measures write it, then the category's name."""
    number, name = data.get("category"), data.get("category_name")
    numeral = {1: "一类", 2: "二类", 3: "三类"}.get(number) if isinstance(number, int) else None
    if numeral and name:
        return f"{numeral}（{name}）"
    return str(name or number or "")


@on_change("proposal")
def queue_notification(change: StateChange, event: str | None) -> None:
    """After the surrounding transaction commits, tell the lead unit (inbox and e-mail)."""
    if not event:
        return
    change_id = change.pk
    transaction.on_commit(lambda: deliver(change_id, event))


def deliver(change_id: int, event: str) -> list[Notification]:
    """Write the inbox entries of one state change's event; their e-mails go after the commit
    (:func:`email_pending`)."""
    change = StateChange.objects.filter(pk=change_id, subject_kind="proposal").first()
    if change is None:
        return []
    proposal = change.subject
    text = notification_text(proposal.profile, event)
    values = values_for(change)
    subject = render(text.subject, values)[:200]
    body = render(text.body, values)
    now = clock.now()
    recipients = recipients_for(proposal)
    with transaction.atomic():
        created = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user,
                    event=event,
                    proposal=proposal,
                    state_change=change,
                    subject=subject,
                    body=body,
                    created_at=now,
                )
                for user in recipients
            ]
        )
    _queue_emails(created, proposal_footer(proposal.pk))
    return created


def proposal_footer(proposal_id: int) -> str:
    """The line below a proposal's e-mail: the absolute link to the proposal on the site's
    public address (setting ``SITE_URL``), so the e-mail can be followed from outside."""
    from django.urls import reverse

    from lianmeng.core.site import absolute_url

    link = absolute_url(reverse("web:proposal_detail", args=[proposal_id]))
    return f"在联盟管理平台查看：{link}"


#: the task (lianmeng.jobs.runner) that sends the e-mails of notifications after the commit
EMAIL_TASK = "reviews.email_notifications"


def _queue_emails(notifications: Iterable[Notification], footer: str = "") -> None:
    """Send the e-mails of ``notifications`` after the surrounding commit, off the request."""
    ids = [n.pk for n in notifications if n.pk is not None]
    if ids:
        runner.enqueue(EMAIL_TASK, ids, footer)


def email_pending(ids: Iterable[int], footer: str = "") -> int:
    """Send the e-mail of each notification of ``ids`` not e-mailed yet (``footer``, when
    given, below its text); answers how many were sent.

    Each row is claimed (``emailed_at`` set where it is still empty) before its e-mail goes,
    so a second delivery of the same task sends nothing twice. A failing mail server is
    logged and gives the claim back (``emailed_at`` empty again): the inbox entry stays and a
    later try can send it. Recipients without an address are left as they are."""
    sent = 0
    pending = (
        Notification.objects.filter(pk__in=list(ids), emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("pk")
    )
    for notification in pending:
        address = notification.recipient.email
        if not address:
            continue
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=clock.now()
        )
        if not claimed:  # another delivery of the same task has it
            continue
        text = f"{notification.body}\n\n{footer}" if footer else notification.body
        try:
            send_mail(notification.subject, text, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # a mail server being down must not undo what was done
            logger.exception(
                "%s notification e-mail to user %s failed",
                notification.event,
                notification.recipient_id,
            )
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            continue
        sent += 1
    return sent


runner.register_task(EMAIL_TASK, email_pending)


def notify(
    recipients: list[User],
    *,
    event: str,
    subject: str,
    body: str,
    state_change: StateChange | None = None,
    link: str = "",
) -> list[Notification]:
    """One inbox entry per recipient and an e-mail to each who has an address (``link``, when
    given, below the text of the e-mail): the delivery every kind's notices share (reports,
    revocations …; a proposal's go through :func:`deliver`). The e-mails go after the commit,
    off the request (:func:`email_pending`); a failing mail server is logged and leaves the
    inbox entries in place."""
    now = clock.now()
    with transaction.atomic():
        created = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=user,
                    event=event,
                    state_change=state_change,
                    subject=subject[:200],
                    body=body,
                    created_at=now,
                )
                for user in recipients
            ]
        )
    _queue_emails(created, link)
    return created


# -- the inbox -------------------------------------------------------------------------------


def notification_list(*, viewer: User) -> Any:
    if not viewer.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=viewer).select_related("proposal")


def notification_mark_read(*, actor: User, pk: int | None = None) -> int:
    """Mark one (or, without ``pk``, all) of the actor's notifications read. NotFound when
    ``pk`` is not one of the actor's (someone else's answers as an unknown one does)."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if pk is not None:
        if not Notification.objects.filter(recipient=actor, pk=pk).exists():
            raise NotFound(_("未找到该通知，或它不是您的。"))
        qs = qs.filter(pk=pk)
    return qs.update(read_at=clock.now())


def unread_count(viewer: User) -> int:
    if not viewer.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()
