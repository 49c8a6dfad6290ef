"""Reads on alliance reports, always starting from what the viewer may see.

Who sees a report: its lead unit's applicants (drafts too) and the departments whose area covers
the alliance (once it is submitted). Anyone else — another jurisdiction, another unit — is told
it does not exist (404). :func:`report_inbox` is the department's list: one query for the page,
one for the count, whatever the number of reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lianmeng.alliances.models import Alliance
from lianmeng.core.errors import NotFound
from lianmeng.core.models import User
from lianmeng.core.selectors import viewer_scope
from lianmeng.policy.alliance_config import ReportKind
from lianmeng.policy.loader import UnknownProfileError, get_profile, load_profiles
from lianmeng.workflow import engine
from lianmeng.workflow.routing import level_q

from . import kpi
from .lifecycle import EDITABLE, SUBMITTED, report_visibility
from .models import Report, ReportFile

NOT_FOUND = gettext_noop("未找到该报告，或您无权查看。")
LEAD, DEPARTMENT = "lead", "department"


def department_covers(viewer: User, alliance: Alliance) -> bool:
    scope = viewer_scope(viewer)
    if scope is None or scope.is_zone:
        return False
    region = alliance.region
    return region is not None and scope.contains(region)


def relation(viewer: User, alliance: Alliance) -> str | None:
    """``lead`` (writes), ``department`` (reads, reviews) or None (404)."""
    if not viewer.is_authenticated:
        return None
    if viewer.unit_id and viewer.unit_id == alliance.lead_unit_id and viewer.has_role("applicant"):
        return LEAD
    if department_covers(viewer, alliance):
        return DEPARTMENT
    return None


def report_kinds(profile_id: str) -> list[ReportKind]:
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return []
    if profile.reporting is None or profile.report_lifecycle is None:
        return []
    return list(profile.reporting.reports)


def kind_label(profile_id: str, kind_id: str) -> str:
    found = next((k for k in report_kinds(profile_id) if k.id == kind_id), None)
    return found.label if found else kind_id


def event_label(profile_id: str, kind_id: str, event: str) -> str:
    found = next((k for k in report_kinds(profile_id) if k.id == kind_id), None)
    match = next((e for e in found.events if e.id == event), None) if found else None
    return match.label if match else event


def report_title(report: Report) -> str:
    """洛阳市轴承产业技术创新战略联盟 2025 年度自评价报告 / … 重大事项报告（联盟成员单位的变更）"""
    label = _(kind_label(report.profile, report.kind))
    name = report.alliance.name
    if report.year:
        # 2019 年度自评价报告 (the label starts with 年度), 2019 年工作总结
        pattern = "%(name)s %(year)s %(kind)s" if label.startswith("年度") else None
        return (pattern or _("%(name)s %(year)s 年%(kind)s")) % {
            "name": name,
            "year": report.year,
            "kind": label,
        }
    if report.event_kind:
        event = _(event_label(report.profile, report.kind, report.event_kind))
        return f"{name} {label}（{event}）"
    return f"{name} {label}"


def _alliance(viewer: User, alliance_id: Any) -> tuple[Alliance, str]:
    try:
        alliance = Alliance.objects.select_related("lead_unit", "proposal__region").get(
            pk=alliance_id
        )
    except (Alliance.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("名录中没有该联盟，或您无权查看其报告。")) from None
    rel = relation(viewer, alliance)
    if rel is None:
        raise NotFound(_("名录中没有该联盟，或您无权查看其报告。"))
    return alliance, rel


def alliance_reports(viewer: User, alliance_id: Any) -> tuple[Alliance, str, QuerySet[Report]]:
    """The alliance, the viewer's relation to it and its reports the viewer sees, newest
    first (drafts only for the lead unit)."""
    alliance, rel = _alliance(viewer, alliance_id)
    qs = Report.objects.filter(report_visibility(viewer), alliance=alliance)
    return alliance, rel, qs.select_related("alliance").order_by("-year", "-created_at", "-id")


def report_get(*, viewer: User, pk: Any) -> Report:
    try:
        return (
            Report.objects.filter(report_visibility(viewer))
            .select_related("alliance__proposal", "alliance__lead_unit", "lead_unit", "region")
            .get(pk=pk)
        )
    except (Report.DoesNotExist, ValueError, TypeError):
        raise NotFound(_(NOT_FOUND)) from None


def report_files(report: Report) -> list[ReportFile]:
    return list(report.files.select_related("uploaded_by").order_by("uploaded_at", "id"))


def report_file_get(viewer: User, pk: Any, fid: Any) -> ReportFile:
    report = report_get(viewer=viewer, pk=pk)
    try:
        return ReportFile.objects.get(report=report, pk=fid)
    except (ReportFile.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("未找到该附件。")) from None


def allowed(viewer: User, report: Report) -> list[Any]:
    """The transitions ``viewer`` may fire on the report now (engine's rule)."""
    return engine.allowed_transitions(actor=viewer, subject=report)


def may_edit(viewer: User, report: Report) -> bool:
    return (
        report.status in EDITABLE
        and viewer.is_authenticated
        and viewer.unit_id == report.lead_unit_id
        and viewer.has_role("applicant")
    )


# -- the department's inbox ---------------------------------------------------------------------


def actionable_q(viewer: User) -> Q:
    """Submitted reports the viewer's own department decides on (the engine's rule as a query:
    state, role and level of the profile's ``accept``)."""
    q = Q(pk__in=[])
    if not viewer.is_authenticated:
        return q
    for profile in load_profiles().values():
        table = profile.report_lifecycle
        step = table.transition("accept") if table is not None else None
        if step is None or not viewer.has_role(step.role):
            continue
        q |= Q(profile=profile.id, status=SUBMITTED) & level_q(viewer, step.level)
    return q


@dataclass(frozen=True)
class InboxFilters:
    profile: str = ""
    kind: str = ""
    year: int | None = None
    state: str = ""
    warning: bool = False
    #: only the reports waiting for the viewer's own decision
    mine: bool = False
    q: str = ""


def report_inbox(viewer: User, **filters: Any) -> QuerySet[Report]:
    """The department's reports (filed ones of its area and below), waiting ones first, then
    the newest; filters: ``profile``, ``kind``, ``year``, ``state``, ``warning`` (only those
    with KPI warnings), ``mine`` (waiting for the viewer's decision), ``q`` (alliance or lead
    unit name). One query for a page whatever the size (alliance and lead unit joined)."""
    f = InboxFilters(**filters)
    if viewer_scope(viewer) is None:
        return Report.objects.none()
    qs = Report.objects.filter(report_visibility(viewer)).exclude(status__in=("draft",))
    if f.profile:
        qs = qs.filter(profile=f.profile)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.state:
        qs = qs.filter(status=f.state)
    if f.warning:
        qs = qs.filter(warning_count__gt=0)
    if f.mine:
        qs = qs.filter(actionable_q(viewer))
    if f.q:
        qs = qs.filter(_name_q(f.q))
    return (
        qs.select_related("alliance", "lead_unit")
        .defer("content", "alliance__created_at", "lead_unit__created_at")
        .order_by("-submitted_at", "-id")
    )


def _name_q(q: str) -> Q:
    """Reports whose alliance's or lead unit's name contains ``q`` (as ``icontains``). On
    PostgreSQL the alliances (through their ``search_names`` index) and the units (through
    their name's index) are found first, then their reports by id: the reports are not read
    one by one, nor joined to every unit."""
    from django.db import connection

    from lianmeng.alliances.selectors import name_search
    from lianmeng.core.models import Unit
    from lianmeng.core.textsearch import name_contains, tsquery_for

    if connection.vendor != "postgresql" or tsquery_for(q) is None:
        return Q(alliance__name__icontains=q) | Q(lead_unit__name__icontains=q)
    alliances = Alliance.objects.filter(name_search(q), name__icontains=q).values("id")
    units = Unit.objects.filter(name_contains("name", q)).values("id")
    return Q(alliance_id__in=alliances) | Q(lead_unit_id__in=units)


# -- early warning (B-5) --------------------------------------------------------------------------


@dataclass
class AllianceWarnings:
    alliance: Alliance
    count: int
    report: Report | None
    warnings: list[dict[str, Any]]


def latest_judged(alliance: Alliance, viewer: User | None = None) -> Report | None:
    """The alliance's latest submitted or accepted report judged against the plan."""
    try:
        profile = get_profile(alliance.profile)
    except UnknownProfileError:
        return None
    kinds = [
        k.id
        for k in (profile.reporting.reports if profile.reporting else ())
        if kpi.judged(profile, k.id)
    ]
    if not kinds:
        return None
    qs = Report.objects.filter(alliance=alliance, kind__in=kinds, status__in=kpi.SUBMITTED_STATES)
    return qs.select_related("alliance").order_by("-year", "-submitted_at", "-id").first()


def alliance_warnings(viewer: User, alliance_id: Any) -> AllianceWarnings:
    alliance, _rel = _alliance(viewer, alliance_id)
    report = latest_judged(alliance)
    warnings = [w for w in (report.warnings if report else []) if w.get("kind") == "lagging"]
    return AllianceWarnings(alliance, alliance.kpi_warning_count, report, warnings)


def panel(viewer: User, alliance: Alliance, *, limit: int = 8) -> dict[str, Any] | None:
    """What the alliance page and the workspace show of its reports to a viewer who may see
    them: the latest reports, the KPI warnings, the kinds the lead unit may start."""
    rel = relation(viewer, alliance)
    if rel is None or not report_kinds(alliance.profile):
        return None
    reports = list(
        Report.objects.filter(report_visibility(viewer), alliance=alliance)
        .select_related("alliance")
        .defer("content")
        .order_by("-created_at", "-id")[:limit]
    )
    for report in reports:
        report.title = report_title(report)
    # the warnings of the latest judged report, read only when the alliance has some
    latest = latest_judged(alliance) if alliance.kpi_warning_count else None
    return {
        "alliance": alliance,
        "relation": rel,
        "reports": reports,
        "warnings": [w for w in (latest.warnings if latest else []) if w.get("kind") == "lagging"],
        "warning_report": latest,
        "kinds": report_kinds(alliance.profile) if rel == LEAD else [],
    }
