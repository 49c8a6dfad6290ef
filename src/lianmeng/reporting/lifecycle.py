"""A report's life on the lifecycle engine (lianmeng.workflow): 草稿 → 已提交 → 已接受, or
已退回 → (修改后) 已提交 — the profile's ``[report_lifecycle]``.

Registers the ``report`` subject kind (``ReportingConfig.ready``), the listener that tells the
lead unit and the department of each change (in-app notice and e-mail, after the commit) and
how the calendar names and links a report's deadline. The report's first state (草稿) is
recorded by :func:`record_initial` when the report is made; every later change goes through
:func:`lianmeng.workflow.engine.transition`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from lianmeng.core.models import Jurisdiction, User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import lead_unit_filter, viewer_scope
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.workflow import engine
from lianmeng.workflow.kinds import SubjectKind, register_kind
from lianmeng.workflow.listeners import on_change
from lianmeng.workflow.models import StateChange

from .models import Report

KIND = "report"
DRAFT, SUBMITTED, RETURNED, ACCEPTED = "draft", "submitted", "returned", "accepted"
#: the states in which the lead unit edits the report
EDITABLE = (DRAFT, RETURNED)
STATE_NAMES = {
    DRAFT: gettext_noop("草稿"),
    SUBMITTED: gettext_noop("已提交"),
    RETURNED: gettext_noop("已退回"),
    ACCEPTED: gettext_noop("已接受"),
}

__all__ = ["KIND", "record_initial", "register", "report_visibility", "state_label_of"]


def department_q(viewer: User) -> Q:
    """Reports a department sees: filed ones (not drafts) of its area and below."""
    scope = viewer_scope(viewer)
    if scope is None or scope.is_zone:
        return Q(pk__in=[])
    areas = Jurisdiction.objects.filter(path__startswith=scope.path).values("id")
    return Q(region_id__in=areas) & ~Q(status=DRAFT)


def lead_q(viewer: User) -> Q:
    """The lead unit's applicants: every report of their unit's alliances (drafts too)."""
    return lead_unit_filter(viewer)


def report_visibility(viewer: User) -> Q:
    if not viewer.is_authenticated:
        return Q(pk__in=[])
    return lead_q(viewer) | department_q(viewer)


def state_label_of(report: Report, state: str | None = None) -> str:
    state = state or report.status
    try:
        table = get_profile(report.profile).report_lifecycle
    except UnknownProfileError:
        table = None
    if table is not None and table.state(state) is not None:
        return table.state_label(state)
    return STATE_NAMES.get(state, state)


def record_initial(*, report: Report, actor: User | None) -> StateChange:
    """The report's first history row (草稿), in the caller's transaction."""
    change = engine.record_change(
        subject=report, from_state="", to_state=report.status, transition="create", actor=actor
    )
    change.label = "创建报告"
    change.save(update_fields=["label"])
    return change


def register() -> None:
    register_kind(
        SubjectKind(
            name=KIND,
            model=Report,
            table=lambda profile: profile.report_lifecycle,
            visible=report_visibility,
            not_found=gettext_noop("未找到该报告，或您无权查看。"),
            state_names=lambda: STATE_NAMES,
            audit_prefix="lianmeng.report",
            supervision=True,
            version=lambda report: report.revision,
        )
    )
    _register_calendar()


# -- the calendar (lianmeng.schedule) ---------------------------------------------------------


def _report_open(pairs: list[tuple[Any, Any]]) -> set[int]:
    """A report's deadline is met once the report is submitted (or accepted)."""
    return {d.pk for d, report in pairs if report.status in EDITABLE}


def _register_calendar() -> None:
    from lianmeng.schedule.subjects import SubjectLinks, register_subject

    def title(report: Report) -> str:
        from .selectors import report_title

        return report_title(report)

    register_subject(
        KIND,
        SubjectLinks(
            title=title,
            url=lambda r: reverse("reporting:report_detail", args=[r.pk]),
            open=_report_open,
            label=gettext_noop("联盟报告"),
            scope=lambda viewer: lead_q(viewer) | department_q(viewer),
        ),
    )


# -- notices ----------------------------------------------------------------------------------

_TEXTS = {
    "submit": (
        gettext_noop("【联盟报告待审核】%(title)s"),
        gettext_noop("%(unit)s提交了“%(title)s”，请登录联盟管理平台审核（接受或退回）。"),
    ),
    "accept": (
        gettext_noop("【联盟报告已接受】%(title)s"),
        gettext_noop("您单位提交的“%(title)s”已由%(office)s接受。%(reason)s"),
    ),
    "return": (
        gettext_noop("【联盟报告被退回】%(title)s"),
        gettext_noop(
            "您单位提交的“%(title)s”已被%(office)s退回（质询）。意见：%(reason)s\n"
            "请登录联盟管理平台，按意见修改后重新提交。"
        ),
    ),
}


@on_change(KIND)
def queue_notice(change: StateChange, event: str | None) -> None:
    """After the commit: a submission tells the department that acts on it, an acceptance or a
    return tells the lead unit's applicants (inbox and e-mail)."""
    if change.kind not in _TEXTS:
        return
    change_id = change.pk
    transaction.on_commit(lambda: deliver(change_id))


def _recipients(report: Report, change: StateChange) -> list[User]:
    if change.kind != "submit":
        return list(
            User.objects.filter(
                unit_id=report.lead_unit_id, is_active=True, role_grants__role=Role.APPLICANT
            )
            .distinct()
            .order_by("pk")
        )
    found: list[User] = []
    for step in engine.next_steps(report):
        office = step.office
        if office.jurisdiction is None:
            continue
        found += list(
            User.objects.filter(
                jurisdiction=office.jurisdiction,
                is_active=True,
                role_grants__role=step.transition.role,
            )
            .distinct()
            .order_by("pk")
        )
    return list({u.pk: u for u in found}.values())


def deliver(change_id: int) -> int:
    """Write the inbox entries (and send the e-mails) of one change; answers how many."""
    from django.utils.translation import gettext as _

    from lianmeng.core.site import absolute_url
    from lianmeng.reviews.notifications import notify

    from .selectors import report_title

    change = StateChange.objects.filter(pk=change_id, subject_kind=KIND).first()
    if change is None:
        return 0
    report = Report.objects.select_related("alliance", "lead_unit").get(pk=change.subject_id)
    subject_text, body_text = _TEXTS[change.kind]
    values = {
        "title": report_title(report),
        "unit": report.lead_unit.name,
        "office": change.actor_office or "",
        "reason": change.reason or "",
    }
    subject = (_(subject_text) % values)[:200]
    body = _(body_text) % values
    recipients = _recipients(report, change)
    link = absolute_url(reverse("reporting:report_detail", args=[report.pk]))
    created = notify(
        recipients,
        event=f"report.{change.kind}",
        subject=subject,
        body=body,
        state_change=change,
        link=link,
    )
    return len(created)
