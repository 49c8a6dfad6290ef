"""Reads on the construction checklist and 验收, always starting from what the viewer may see.

Who sees an alliance's construction page (:func:`relation`): the lead unit's applicants (they
write until the alliance applies for 验收), the departments whose area covers the alliance
(read, plus the competent department's 验收 actions) and the experts assigned to its open
验收 application without a conflict (read the evidence, score). Anyone else is told that the
alliance does not exist (404), the same answer as for one that does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_noop

from lianmeng.alliances.models import Alliance
from lianmeng.alliances.selectors import with_construction
from lianmeng.core import clock
from lianmeng.core.errors import NotFound
from lianmeng.core.models import Jurisdiction, User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import viewer_scope
from lianmeng.experts.conflicts import expert_conflicts, roster_codes, unit_codes
from lianmeng.experts.models import ExpertProfile
from lianmeng.experts.results import mean, weighted_total
from lianmeng.policy.alliance_config import ChecklistItem, Construction
from lianmeng.policy.alliance_life import ChecklistProgress, checklist_progress
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.proposals.models import Proposal

from .models import (
    AcceptanceAssignment,
    AcceptanceRound,
    AcceptanceScore,
    Certificate,
    ChecklistEntry,
    ChecklistFile,
)

LEAD = "lead"
DEPARTMENT = "department"
EXPERT = "expert"
NOT_FOUND = gettext_noop("未找到该联盟的筹建与验收信息，或您无权查看。")
TASK_NOT_FOUND = gettext_noop("未找到该验收评审任务，或您无权查看。")
#: names and scores of the experts are shown to the department only once the round is closed
SCORES_AFTER_CLOSE = gettext_noop(
    "验收评审尚未结束：专家姓名和评分明细在结束评审后才能查看。目前可查看评分进度。"
)


def construction_of(profile_id: str) -> Construction | None:
    try:
        return get_profile(profile_id).construction
    except UnknownProfileError:
        return None


def today() -> date:
    return clock.now().astimezone(clock.BEIJING).date()


# -- who may see what ----------------------------------------------------------------------------


def _covers(viewer: User, alliance: Alliance) -> bool:
    scope = viewer_scope(viewer)
    if scope is None:
        return False
    return alliance.region.path.startswith(scope.path)


def _roster(alliance: Alliance) -> set[str]:
    members = (alliance.proposal.document or {}).get("members") if alliance.proposal_id else []
    return roster_codes(lead_unit=alliance.lead_unit, members=members)


def expert_may_see(viewer: User, alliance: Alliance) -> bool:
    """An expert assigned to the alliance's undecided application, without a conflict with
    its lead unit or members (checked again at every read)."""
    if not viewer.has_role(Role.EXPERT):
        return False
    task = (
        AcceptanceAssignment.objects.filter(
            expert__user=viewer,
            round__alliance=alliance,
            round__status__in=[AcceptanceRound.Status.OPEN, AcceptanceRound.Status.CLOSED],
        )
        .select_related("expert")
        .first()
    )
    if task is None:
        return False
    roster = _roster(alliance)
    own = unit_codes(viewer.unit) if viewer.unit_id else set()
    declared = {str(c).strip().upper() for c in task.expert.declared_conflicts or []}
    return not (roster & (own | declared))


def relation(viewer: User, alliance: Alliance) -> str | None:
    if not viewer.is_authenticated:
        return None
    if viewer.unit_id == alliance.lead_unit_id and viewer.has_role(Role.APPLICANT):
        return LEAD
    if _covers(viewer, alliance):
        return DEPARTMENT
    if expert_may_see(viewer, alliance):
        return EXPERT
    return None


def organises(viewer: User, alliance: Alliance) -> bool:
    """The viewer is competent staff of the profile's own jurisdiction (Henan: the province),
    who organises 验收 and decides it."""
    if not (viewer.is_authenticated and viewer.has_role(Role.COMPETENT)):
        return False
    if viewer.jurisdiction_id is None:
        return False
    try:
        code = get_profile(alliance.profile).jurisdiction.value
    except UnknownProfileError:
        return False
    return viewer.jurisdiction.code == code


@dataclass
class Access:
    alliance: Alliance
    relation: str
    construction: Construction
    organiser: bool = False

    @property
    def is_lead(self) -> bool:
        return self.relation == LEAD

    @property
    def is_department(self) -> bool:
        return self.relation == DEPARTMENT

    @property
    def is_expert(self) -> bool:
        return self.relation == EXPERT


def _alliance(pk: Any) -> Alliance:
    try:
        return with_construction(
            Alliance.objects.select_related("lead_unit__region", "jurisdiction", "proposal__region")
        ).get(pk=pk)
    except (Alliance.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(NOT_FOUND) from exc


def access(*, viewer: User, alliance_id: Any) -> Access:
    """The alliance if the viewer may see its construction page; NotFound otherwise (also for
    an alliance whose profile has no construction checklist)."""
    alliance = _alliance(alliance_id)
    construction = construction_of(alliance.profile)
    rel = relation(viewer, alliance) if construction is not None else None
    if rel is None or construction is None:
        raise NotFound(NOT_FOUND)
    return Access(alliance, rel, construction, organises(viewer, alliance))


# -- the checklist -------------------------------------------------------------------------------


@dataclass
class ItemView:
    item: ChecklistItem
    entry: ChecklistEntry | None
    files: list[ChecklistFile] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.entry is not None and self.entry.complete

    @property
    def wants_text(self) -> bool:
        return "text" in self.item.evidence

    @property
    def wants_files(self) -> bool:
        return "files" in self.item.evidence

    @property
    def revision(self) -> int:
        return self.entry.revision if self.entry else 0


def entries(alliance: Alliance) -> dict[str, ChecklistEntry]:
    files = ChecklistFile.objects.filter(removed=False).order_by("id")
    rows = ChecklistEntry.objects.filter(alliance=alliance).prefetch_related(
        Prefetch("files", queryset=files, to_attr="current_files")
    )
    return {row.item: row for row in rows}


def checklist(alliance: Alliance, construction: Construction) -> list[ItemView]:
    found = entries(alliance)
    return [
        ItemView(item, found.get(item.id), list(getattr(found.get(item.id), "current_files", [])))
        for item in construction.checklist
    ]


def construction_due(alliance: Alliance) -> date | None:
    due_at = getattr(alliance, "construction_due_at", None)
    if due_at is not None:
        return due_at.astimezone(clock.BEIJING).date()
    return alliance.construction_deadline


def progress(alliance: Alliance, construction: Construction) -> ChecklistProgress:
    done = ChecklistEntry.objects.filter(alliance=alliance, complete=True).values_list(
        "item", flat=True
    )
    deadline = construction_due(alliance) if alliance.status == Alliance.Status.BUILDING else None
    return checklist_progress(construction.checklist, set(done), today(), deadline)


def editable(alliance: Alliance) -> bool:
    """The lead unit edits the checklist while the alliance is 筹建中 (until it applies)."""
    return alliance.status == Alliance.Status.BUILDING


def file_get(acc: Access, file_id: Any) -> ChecklistFile:
    try:
        return ChecklistFile.objects.select_related("entry").get(
            pk=file_id, entry__alliance=acc.alliance, removed=False
        )
    except (ChecklistFile.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(gettext_noop("未找到该附件。")) from exc


# -- the department's list -----------------------------------------------------------------------


def department_list(
    *, viewer: User, status: str = "", overdue: bool = False, q: str = ""
) -> QuerySet[Alliance]:
    """Alliances of profiles with a construction checklist in the viewer's area, each with its
    checklist progress (``done_count``), construction deadline and overdue flag — a fixed
    number of queries whatever the length."""
    scope = viewer_scope(viewer)
    if scope is None:
        return Alliance.objects.none()
    from lianmeng.policy.loader import load_profiles

    profiles = [p.id for p in load_profiles().values() if p.construction is not None]
    # the area's jurisdictions as one uncorrelated subquery (no LIKE on every joined row)
    areas = Jurisdiction.objects.filter(path__startswith=scope.path).values("id")
    area = Q(proposal_id__in=Proposal.objects.filter(region_id__in=areas).values("id")) | Q(
        proposal__isnull=True, lead_unit__region_id__in=areas
    )
    # items done: a subquery per row of the page, not a join grouped over the whole area
    done = (
        ChecklistEntry.objects.filter(alliance=OuterRef("pk"), complete=True)
        .order_by()
        .values("alliance")
        .annotate(n=Count("id"))
        .values("n")
    )
    qs = with_construction(
        Alliance.objects.filter(area, profile__in=profiles)
        .select_related("lead_unit")
        .defer("lead_unit__created_at")
    ).annotate(
        done_count=Coalesce(Subquery(done, output_field=IntegerField()), Value(0)),
        open_round=Exists(
            AcceptanceRound.objects.filter(
                alliance=OuterRef("pk"),
                status__in=[AcceptanceRound.Status.OPEN, AcceptanceRound.Status.CLOSED],
            )
        ),
    )
    statuses = [
        Alliance.Status.BUILDING,
        Alliance.Status.AWAITING_ACCEPTANCE,
        Alliance.Status.RECOGNISED,
    ]
    qs = qs.filter(status=status) if status else qs.filter(status__in=statuses)
    if overdue:
        qs = qs.filter(construction_overdue=True)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(lead_unit__name__icontains=q))
    return qs.order_by("-construction_overdue", "construction_due_at", "id")


def checklist_total(profile_id: str) -> int:
    construction = construction_of(profile_id)
    return len(construction.checklist) if construction else 0


# -- 验收 ----------------------------------------------------------------------------------------


def current_round(alliance: Alliance) -> AcceptanceRound | None:
    return AcceptanceRound.objects.filter(alliance=alliance).order_by("-attempt").first()


def rounds(alliance: Alliance) -> list[AcceptanceRound]:
    return list(AcceptanceRound.objects.filter(alliance=alliance).order_by("-attempt"))


@dataclass
class Sheet:
    assignment: AcceptanceAssignment
    label: str
    scores: dict[str, Decimal | None]
    comments: dict[str, str]
    total: Decimal | None


@dataclass
class RoundResult:
    round: AcceptanceRound
    assigned: int
    submitted: int
    sheets: list[Sheet]
    criterion_means: dict[str, Decimal | None]
    mean: Decimal | None
    #: names and scores shown (after the round is closed)
    disclosed: bool


def round_result(round: AcceptanceRound) -> RoundResult:
    """The round's scores with the weighted total per expert and their mean
    (lianmeng.experts.results). Names and figures only once the round is closed."""
    tasks = list(
        AcceptanceAssignment.objects.filter(round=round)
        .select_related("expert__user__unit")
        .prefetch_related("scores")
        .order_by("id")
    )
    disclosed = not round.is_open
    sheets = []
    totals = []
    for number, task in enumerate(tasks, start=1):
        scores = {s.criterion: s.score for s in task.scores.all()}
        total = None
        if task.submitted_at is not None:
            total = weighted_total(
                round.criteria, {k: v for k, v in scores.items() if v is not None}
            )
            totals.append(total)
        label = str(task.expert.user) if disclosed else f"专家 {number}"
        sheets.append(
            Sheet(
                assignment=task,
                label=label,
                scores=scores if disclosed and task.submitted_at else {},
                comments={s.criterion: s.comment for s in task.scores.all()}
                if disclosed and task.submitted_at
                else {},
                total=total if disclosed else None,
            )
        )
    criterion_means: dict[str, Decimal | None] = {}
    if disclosed:
        for criterion in round.criteria:
            values = [
                Decimal(t.scores[criterion["key"]])
                for t in sheets
                if t.assignment.submitted_at and t.scores.get(criterion["key"]) is not None
            ]
            criterion_means[criterion["key"]] = mean(values)
    return RoundResult(
        round=round,
        assigned=len(tasks),
        submitted=sum(1 for t in tasks if t.submitted_at),
        sheets=sheets,
        criterion_means=criterion_means,
        mean=mean(totals) if disclosed else None,
        disclosed=disclosed,
    )


@dataclass
class Candidate:
    expert: ExpertProfile
    conflicts: list[Any]
    assigned: bool

    @property
    def hard(self) -> bool:
        return any(c.hard for c in self.conflicts)


def area_path(alliance: Alliance) -> str | None:
    """The area whose department recommended the alliance's proposal (its experts stand aside
    where the profile says so)."""
    from lianmeng.experts.conflicts import recommending_area_path
    from lianmeng.experts.lifecycle import recommending_area_paths

    if alliance.proposal_id is not None:
        return recommending_area_paths([alliance.proposal], profile_id=alliance.profile).get(
            alliance.proposal_id
        )
    return recommending_area_path(
        profile_jurisdiction=get_profile(alliance.profile).jurisdiction.value,
        region=alliance.region,
        zone=None,
    )


def candidates(*, viewer: User, round: AcceptanceRound) -> list[Candidate]:
    """The organiser's pool with each expert's conflicts with this alliance (the reason is
    shown; hard conflicts cannot be assigned)."""
    from lianmeng.experts.selectors import expert_pool

    alliance = round.alliance
    roster = _roster(alliance)
    path = area_path(alliance) if round.exclude_same_area else None
    assigned = set(round.assignments.values_list("expert_id", flat=True))
    found = []
    for expert in expert_pool(viewer=viewer, available_only=True):
        conflicts = expert_conflicts(
            employer=expert.user.unit if expert.user.unit_id else None,
            expert_region=expert.region,
            declared=expert.declared_conflicts,
            roster=roster,
            area_path=path,
            exclude_same_area=round.exclude_same_area,
        )
        found.append(Candidate(expert, conflicts, expert.pk in assigned))
    return found


def expert_tasks(*, viewer: User) -> QuerySet[AcceptanceAssignment]:
    """The expert's acceptance tasks in undecided rounds (his inbox and home page)."""
    if not viewer.is_authenticated or not viewer.has_role(Role.EXPERT):
        return AcceptanceAssignment.objects.none()
    return (
        AcceptanceAssignment.objects.filter(
            expert__user=viewer,
            round__status__in=[AcceptanceRound.Status.OPEN, AcceptanceRound.Status.CLOSED],
        )
        .select_related("round__alliance__lead_unit")
        .order_by("submitted_at", "-assigned_at", "id")
    )


def task_get(*, viewer: User, alliance_id: Any) -> AcceptanceAssignment:
    """The expert's own task on the alliance's current application."""
    acc = access(viewer=viewer, alliance_id=alliance_id)
    if not acc.is_expert:
        raise NotFound(TASK_NOT_FOUND)
    task = (
        AcceptanceAssignment.objects.filter(expert__user=viewer, round__alliance=acc.alliance)
        .select_related("round", "expert__user")
        .order_by("-round__attempt")
        .first()
    )
    if task is None:
        raise NotFound(TASK_NOT_FOUND)
    return task


def own_scores(task: AcceptanceAssignment) -> dict[str, AcceptanceScore]:
    return {s.criterion: s for s in task.scores.all()}


def certificate_of(alliance: Alliance) -> Certificate | None:
    return Certificate.objects.filter(alliance=alliance).first()


def certificate_by_code(code: str) -> Certificate | None:
    from lianmeng.documents.pdf import normalise_code

    value = normalise_code(code)
    if not value:
        return None
    return (
        Certificate.objects.filter(verification_code=value)
        .select_related("alliance__lead_unit")
        .first()
    )


def may_download_certificate(viewer: User, alliance: Alliance) -> bool:
    """The lead unit's staff and the departments whose area covers the alliance."""
    if not viewer.is_authenticated:
        return False
    if viewer.unit_id == alliance.lead_unit_id:
        return True
    return _covers(viewer, alliance)
