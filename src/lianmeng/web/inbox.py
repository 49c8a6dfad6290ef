"""What waits for the signed-in user on the home page: the to-do inbox of each role.

Every list is read through the owning app's selector (what the viewer may see and act on)
and costs a fixed number of queries whatever its length: the call, the open review round
and the running deadline are joined or taken by subquery, never fetched row by row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Window
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lianmeng.core.models import Jurisdiction, User
from lianmeng.core.roles import Role
from lianmeng.policy.loader import UnknownProfileError, get_profile, load_profiles
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.selectors import proposal_list
from lianmeng.workflow.models import Deadline, StateChange
from lianmeng.workflow.routing import _DIRECT_COUNTY_CITY_SUFFIX as DIRECT_COUNTY_CITY_SUFFIX
from lianmeng.workflow.routing import effective_level, state_label

#: rows shown on the home page; the rest are one click away ("查看全部")
HOME_CAP = 8

#: transitions another page carries out (as on the 办理 page): decisions are staged and
#: published on the decisions page, review starts from a review round
_DECIDE_KINDS = frozenset({"approve", "decline"})
_REVIEW_KINDS = frozenset({"review"})
#: steps that send a proposal back or refuse it: offered too, never named as the step to take
_NEGATIVE_KINDS = frozenset({"return", "refuse", "decline", "withdraw"})

_DEADLINE_LABELS = {
    "construction_period": gettext_noop("筹建期限"),
}


@dataclass
class Task:
    """One thing waiting for the viewer."""

    title: str
    detail: str
    state: str
    status: str
    step: str
    since: datetime | None
    due: datetime | date | None
    due_label: str
    url: str
    action: str


# -- departments ---------------------------------------------------------------------------------


@cache
def _table_steps(profile_id: str, status: str, roles: frozenset[str]) -> tuple[Any, ...]:
    """The transitions of the profile's table a holder of ``roles`` may fire from ``status``,
    positive steps first."""
    try:
        lifecycle = get_profile(profile_id).lifecycle
    except UnknownProfileError:
        return ()
    if lifecycle is None:
        return ()
    steps = [
        t for t in lifecycle.transitions if status in t.from_ and t.role in roles and not t.external
    ]
    return tuple(sorted(steps, key=lambda t: t.kind in _NEGATIVE_KINDS))


def _route(proposal: Proposal) -> str:
    """``workflow.routing.route_of`` from the annotated recommender (the document is not
    loaded on lists)."""
    profile = get_profile(proposal.profile)
    delegation = profile.lifecycle.zone_delegation if profile.lifecycle is not None else None
    if delegation is not None and proposal.zone_id and proposal.zone.kind in delegation.kinds:
        return "zone"
    if (proposal.recommender_region or "") == profile.jurisdiction.value:
        return "department"
    return "area"


def _levels(viewer: User, proposal: Proposal) -> set[str]:
    """The levels at which the viewer's own department acts for ``proposal`` (the Python
    form of ``workflow.routing.level_q``, on the columns the list already holds)."""
    levels: set[str] = set()
    area = viewer.jurisdiction if viewer.jurisdiction_id else None
    if area is None:
        return levels
    if (
        viewer.unit_id
        and proposal.recommender_name == viewer.unit.name
        and proposal.recommender_region == area.code
    ):
        levels.add("department")
    if area.is_zone:
        if proposal.zone_id == area.pk:
            levels.add("zone")
        return levels
    region = proposal.region
    if region is None:
        return levels
    inside = region.path.startswith(area.path)
    if region.pk == area.pk:
        levels.add("county")
        parents = [c for c in area.path.split("/") if c]
        if len(parents) >= 3 and parents[2].endswith(DIRECT_COUNTY_CITY_SUFFIX):
            levels.add("city")
    if inside and area.kind == Jurisdiction.Kind.CITY:
        if not area.code.endswith(DIRECT_COUNTY_CITY_SUFFIX):
            levels.add("city")
    if inside and area.kind == Jurisdiction.Kind.PROVINCE:
        levels.add("province")
    return levels


def _steps(viewer: User, proposal: Proposal, roles: frozenset[str]) -> list[Any]:
    """The transitions the viewer may fire on ``proposal`` now (as the 办理 page offers them),
    positive steps first."""
    table = _table_steps(proposal.profile, proposal.status, roles)
    if not table:
        return []
    lifecycle = get_profile(proposal.profile).lifecycle
    route = _route(proposal)
    levels = _levels(viewer, proposal)
    return [
        t for t in table if route in t.routes and effective_level(t, route, lifecycle) in levels
    ] or list(table)


def _last_paper_day(call: Any) -> date | None:
    days = []
    for item in call.paper_days or []:
        try:
            days.append(date.fromisoformat(item["date"]))
        except (KeyError, TypeError, ValueError):
            continue
    return max(days) if days else None


def _due(proposal: Proposal, kind: str) -> tuple[datetime | date | None, str]:
    """The deadline that applies to the step: the review round's, a running period's (筹建期限),
    else the call's paper days (the recommendation and acceptance must be done by then), else
    the call's online deadline."""
    if getattr(proposal, "round_closes_at", None):
        return proposal.round_closes_at, _("评审截止")
    if getattr(proposal, "deadline_due_at", None):
        label = _DEADLINE_LABELS.get(proposal.deadline_kind or "", gettext_noop("办理期限"))
        return proposal.deadline_due_at, _(label)
    call = proposal.call if proposal.call_id else None
    if call is None:
        return None, ""
    if kind not in _DECIDE_KINDS | _REVIEW_KINDS:
        last = _last_paper_day(call)
        if last is not None:
            return last, _("纸质材料报送截止")
    if kind in {"submit", "recommend", "screen", "return"}:
        return call.online_closes_at, _("网上填报截止")
    return None, ""


def _department_queryset(viewer: User) -> QuerySet[Proposal]:
    from lianmeng.reviews.selectors import review_inbox

    return review_inbox(viewer=viewer, box="todo")


def _task_columns(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """What a task row shows: the call, the region, the zone, the recommender named in the
    document, the open review round's and the running period's deadline."""
    from lianmeng.experts.models import RoundProposal

    open_round = RoundProposal.objects.filter(
        proposal=OuterRef("pk"), round__status="open"
    ).order_by("-round__created_at")
    running = Deadline.objects.filter(subject_kind="proposal", subject_id=OuterRef("pk")).order_by(
        "-due_at"
    )
    return (
        qs.select_related("call", "region", "zone", "lead_unit")
        .defer("document", "form_state", "writeups", "explanations")
        .annotate(
            recommender_name=KT("document__recommender__name"),
            recommender_region=KT("document__recommender__region_code"),
            round_closes_at=Subquery(open_round.values("round__closes_at")[:1]),
            deadline_due_at=Subquery(running.values("due_at")[:1]),
            deadline_kind=Subquery(running.values("kind")[:1]),
        )
    )


def _oldest_waiting(qs: QuerySet[Proposal], limit: int) -> tuple[list[Proposal], int]:
    """The first ``limit`` proposals of ``qs`` (the last state change oldest, those without
    one first, then by id) and how many ``qs`` holds, in one query: each proposal's last
    change is one backward probe of the state changes' index (no list of ids sent back, no
    sort of the whole box with its other columns), the total a window count over the same
    rows. The ``limit`` proposals are then read by id with their columns."""
    last = (
        StateChange.objects.filter(subject_kind="proposal", subject_id=OuterRef("pk"))
        .order_by("-at")
        .values("at")[:1]
    )
    first = list(
        qs.order_by()
        .annotate(waiting_since=Subquery(last), box_total=Window(Count("pk")))
        .order_by(F("waiting_since").asc(nulls_first=True), "pk")
        .values_list("pk", "waiting_since", "box_total")[:limit]
    )
    if not first:
        return [], 0
    place = {pk: n for n, (pk, _since, _total) in enumerate(first)}
    since = {pk: at for pk, at, _total in first}
    rows = sorted(_task_columns(Proposal.objects.filter(pk__in=place)), key=lambda p: place[p.pk])
    for proposal in rows:
        proposal.last_change_at = since[proposal.pk]
    return rows, first[0][2]


def department_tasks(viewer: User, *, limit: int = HOME_CAP) -> tuple[list[Task], int]:
    """Proposals waiting for the viewer's department (the 推荐与审核 inbox's 待办), oldest
    waiting first, with the step to take and the page to take it on."""
    qs = _department_queryset(viewer)
    waiting, total = _oldest_waiting(qs, limit)
    roles = frozenset(viewer.role_set())
    can_organise = viewer.has_perm("experts.manage_rounds")
    can_decide = viewer.has_perm("alliances.decide")
    tasks = []
    for proposal in waiting:
        steps = _steps(viewer, proposal, roles)
        first = steps[0] if steps else None
        kind = first.kind if first else ""
        url = reverse("reviews:review", args=[proposal.pk])
        action = _("办理")
        if kind in _DECIDE_KINDS and can_decide:
            url, action = reverse("alliances:decisions"), _("拟定决定")
        elif kind in _REVIEW_KINDS and can_organise:
            url, action = reverse("experts:round_list"), _("组织专家评审")
        due, due_label = _due(proposal, kind)
        tasks.append(
            Task(
                title=proposal.name,
                detail=" · ".join(
                    part
                    for part in (
                        proposal.lead_unit.name if proposal.lead_unit_id else "",
                        proposal.region.name if proposal.region_id else "",
                    )
                    if part
                ),
                state=_(state_label(proposal.profile, proposal.status)),
                status=proposal.status,
                step=" / ".join(dict.fromkeys(_(t.label) for t in steps)),
                since=getattr(proposal, "last_change_at", None) or proposal.updated_at,
                due=due,
                due_label=due_label,
                url=url,
                action=action,
            )
        )
    return tasks, total


def zone_filing_tasks(viewer: User) -> list[Task]:
    """A zone committee's approvals not yet filed with the province (one task)."""
    from lianmeng.reviews.selectors import zone_approved

    if not (viewer.jurisdiction_id and viewer.jurisdiction.is_zone):
        return []
    count = zone_approved(viewer=viewer).count()
    if not count:
        return []
    return [
        Task(
            title=_("批准筹建的联盟名单报省科技厅备案"),
            detail=_("%(n)d 个联盟尚未报备") % {"n": count},
            state="",
            status="",
            step=_("报备"),
            since=None,
            due=None,
            due_label="",
            url=reverse("reviews:zone_filings"),
            action=_("去报备"),
        )
    ]


# -- experts -------------------------------------------------------------------------------------


def expert_tasks(viewer: User, *, limit: int = HOME_CAP) -> tuple[list[Task], int]:
    """Assignments waiting for the expert's scores in open rounds, soonest due first."""
    from lianmeng.experts.selectors import assignment_inbox

    qs = assignment_inbox(viewer=viewer).filter(
        declared_conflict=False, submitted_at__isnull=True, round__status="open"
    )
    total = qs.count()
    rows = (
        qs.select_related("proposal__region").order_by(
            F("round__closes_at").asc(nulls_last=True), "assigned_at", "id"
        )[:limit]
        if total
        else []
    )
    tasks = [
        Task(
            title=a.proposal.name,
            detail=str(a.round),
            state=_("待评分"),
            status="",
            step=_("评分"),
            since=a.assigned_at,
            due=a.round.closes_at,
            due_label=_("评审截止") if a.round.closes_at else "",
            url=reverse("experts:score_form", args=[a.pk]),
            action=_("去评分"),
        )
        for a in rows
    ]
    # 验收 of alliances (lianmeng.construction): the same inbox, after the proposals
    from lianmeng.construction.selectors import expert_tasks as acceptance_tasks

    pending = acceptance_tasks(viewer=viewer).filter(
        submitted_at__isnull=True, round__status="open"
    )
    waiting = pending.count()
    room = max(0, limit - len(tasks))
    tasks += [
        Task(
            title=t.round.alliance.name,
            detail=_("联盟验收"),
            state=_("待评分"),
            status="",
            step=_("验收评分"),
            since=t.assigned_at,
            due=None,
            due_label="",
            url=reverse("construction:detail", args=[t.round.alliance_id]) + "#score",
            action=_("去评分"),
        )
        for t in (pending[:room] if waiting and room else [])
    ]
    # claims whose amount a review sets (lianmeng.rewards): the same inbox, last
    from lianmeng.rewards.selectors import expert_tasks as reward_tasks

    reviews = reward_tasks(viewer).filter(submitted_at__isnull=True, claim__status="reviewing")
    to_review = reviews.count()
    room = max(0, limit - len(tasks))
    tasks += [
        Task(
            title=r.claim.alliance.name,
            detail=_("奖补申请 %(number)s") % {"number": r.claim.number},
            state=_("待评审"),
            status="",
            step=_("奖补评审"),
            since=r.assigned_at,
            due=None,
            due_label="",
            url=reverse("rewards:claim", args=[r.claim_id]),
            action=_("去评审"),
        )
        for r in (reviews.order_by("assigned_at", "id")[:room] if to_review and room else [])
    ]
    return tasks, total + waiting + to_review


# -- counts with each profile's own state names -------------------------------------------------


def status_counts(viewer: User) -> list[dict[str, Any]]:
    """How many of the viewer's proposals stand in each state, grouped by (profile, state) and
    named from that profile's table: a Henan 不予批准 is never counted as Baoding's 不予备案."""
    rows = (
        proposal_list(viewer=viewer)
        .exclude(status=Proposal.Status.DRAFT)
        .order_by()
        .values_list("profile", "status")
        .annotate(n=Count("id"))
    )
    counts = {(profile, status): n for profile, status, n in rows}
    profiles = load_profiles()
    several = len({profile for profile, _status in counts}) > 1

    def order(key: tuple[str, str]) -> tuple[str, int]:
        profile = profiles.get(key[0])
        lifecycle = profile.lifecycle if profile is not None else None
        states = [s.id for s in lifecycle.states] if lifecycle is not None else []
        return key[0], states.index(key[1]) if key[1] in states else len(states)

    items = []
    for profile_id, status in sorted(counts, key=order):
        profile = profiles.get(profile_id)
        items.append(
            {
                "profile": profile_id,
                "status": status,
                "profile_name": profile.name.value if (several and profile is not None) else "",
                "label": _(state_label(profile_id, status)),
                "count": counts[(profile_id, status)],
            }
        )
    return items


def has_department_work(roles: frozenset[str]) -> bool:
    return bool(roles & {Role.RECOMMENDER, Role.COMPETENT, Role.COORDINATION})


# -- the coordination group, the member unit, the evaluator --------------------------------------


def pilot_selection(viewer: User, *, limit: int = HOME_CAP) -> dict[str, Any]:
    """Proposals the coordination group may select as pilots (or decline) now, not staged yet,
    and the decisions it has staged but not published."""
    from lianmeng.alliances.selectors import decidable_proposals, staged_decisions

    qs = decidable_proposals(viewer=viewer).select_related("lead_unit", "region")
    qs = qs.defer("document", "form_state", "writeups", "explanations").order_by(
        "submitted_at", "id"
    )
    total = qs.count()
    return {
        "rows": list(qs[:limit]) if total else [],
        "total": total,
        "staged": staged_decisions(viewer=viewer).count(),
    }


def memberships(viewer: User, *, limit: int = HOME_CAP) -> dict[str, Any]:
    """The proposals whose roster lists the member unit, those still to confirm first."""
    from lianmeng.proposals.selectors import member_confirmations

    confirmations = member_confirmations(viewer=viewer)
    items = confirmations[:limit]  # only these proposals are read
    editable = {s.value for s in Proposal.EDITABLE}
    for item in items:
        item.editable = item.proposal.status in editable
        item.state = _(state_label(item.proposal.profile, item.proposal.status))
    return {
        "items": items,
        "total": len(confirmations),
        "to_confirm": confirmations.to_confirm,
    }


def my_alliances(viewer: User, *, limit: int = HOME_CAP) -> list[Any]:
    """The alliances whose workspace the viewer's unit reaches, as lead or member unit."""
    from lianmeng.running.selectors import visible_alliances

    return visible_alliances(viewer, limit=limit)


def registry_count() -> int:
    from lianmeng.alliances.selectors import alliance_list

    return alliance_list().count()


@dataclass
class AllianceWork:
    """A kind of work on decided alliances waiting in the department's area (home page)."""

    label: str
    count: int
    url: str
    urgent: bool = False


def alliance_work(viewer: User) -> list[AllianceWork]:
    """What the alliances of the viewer's area wait for, by kind, with a link to the filtered
    list: 验收 applications, overdue construction periods, change filings to acknowledge and
    reports to review (one count query each; kinds with nothing waiting are left out)."""
    from lianmeng.construction.selectors import department_list
    from lianmeng.reporting.selectors import report_inbox
    from lianmeng.running.change_selectors import ChangeFilters, change_list

    rows = [
        AllianceWork(
            label=_("已申请验收，待评审或作出结论"),
            count=department_list(viewer=viewer, status="awaiting_acceptance").count(),
            url=reverse("construction:list") + "?status=awaiting_acceptance",
        ),
        AllianceWork(
            label=_("筹建期已过、尚未申请验收"),
            count=department_list(viewer=viewer, status="building", overdue=True).count(),
            url=reverse("construction:list") + "?status=building&overdue=1",
            urgent=True,
        ),
        AllianceWork(
            label=_("变更备案待知悉"),
            count=change_list(viewer=viewer, filters=ChangeFilters(state="submitted")).count(),
            url=reverse("running:change_list") + "?state=submitted",
        ),
        AllianceWork(
            label=_("联盟报告待审核"),
            count=report_inbox(viewer, mine=True).count(),
            url=reverse("reporting:inbox") + "?mine=1",
        ),
    ]
    # rewards (lianmeng.rewards): only the department that decides them has any
    from lianmeng.rewards.selectors import department_profiles

    if department_profiles(viewer):
        from lianmeng.rewards.models import Claim
        from lianmeng.rewards.selectors import claims, instalments_due

        rows += [
            AllianceWork(
                label=_("奖补申请待审核"),
                count=claims(viewer)
                .filter(profile__in=department_profiles(viewer), status=Claim.Status.SUBMITTED)
                .count(),
                url=reverse("rewards:claims") + "?status=submitted",
            ),
            AllianceWork(
                label=_("奖补决定已公布、尚未拨付"),
                count=instalments_due(viewer).count(),
                url=reverse("rewards:ledger"),
            ),
        ]
    # 公示异议 (lianmeng.notices): objections to the department's 公示 waiting for its answer
    from lianmeng.notices.selectors import open_objection_count

    rows.append(
        AllianceWork(
            label=_("公示异议待处理"),
            count=open_objection_count(viewer),
            url=reverse("notices:staff_list") + "?status=published",
            urgent=True,
        )
    )
    return [row for row in rows if row.count]
