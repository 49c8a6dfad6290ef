"""Who sees what of the key-project solicitations (every read goes through here).

- the **department** that issued a solicitation (competent staff of its jurisdiction): its
  solicitations, every proposal filed to them except drafts, the scores;
- the **lead unit's applicants**: the open solicitations that address one of their alliances,
  and their own proposals (drafts included);
- nobody else sees a proposal (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext, gettext_noop

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.errors import NotFound
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import lead_unit_filter
from lianmeng.proposals.models import Proposal

from .models import ProjectProposal, ProjectScore, Solicitation

NOT_FOUND = gettext_noop("未找到该项目征集，或您无权查看。")
PROPOSAL_NOT_FOUND = gettext_noop("未找到该项目申报书，或您无权查看。")
#: the alliance states addressed when a solicitation names none (running or being built)
RUNNING = ("building", "awaiting_acceptance", "recognised", "filed", "pilot")
DEPARTMENT, LEAD = "department", "lead"
S = ProjectProposal.Status


def domain_label(code: str) -> str:
    return str(dict(Proposal.Domain.choices).get(code, code))


def is_department(viewer: User) -> bool:
    return bool(
        viewer.is_authenticated
        and viewer.has_role(Role.COMPETENT)
        and viewer.jurisdiction_id is not None
    )


def issues(viewer: User, solicitation: Solicitation) -> bool:
    """Whether the viewer is the department that issued the solicitation."""
    return is_department(viewer) and viewer.jurisdiction_id == solicitation.jurisdiction_id


def is_lead(viewer: User) -> bool:
    return bool(viewer.is_authenticated and viewer.unit_id and viewer.has_role(Role.APPLICANT))


# -- solicitations ------------------------------------------------------------------------------


def department_solicitations(viewer: User) -> QuerySet[Solicitation]:
    """The department's own solicitations (one indexed condition: its jurisdiction)."""
    if not is_department(viewer):
        return Solicitation.objects.none()
    return Solicitation.objects.filter(jurisdiction_id=viewer.jurisdiction_id)


def with_counts(qs: QuerySet[Solicitation]) -> QuerySet[Solicitation]:
    """Each solicitation with its numbers of submitted and of filed (not draft) proposals."""
    return qs.annotate(
        submitted_count=Count("proposals", filter=Q(proposals__status=S.SUBMITTED)),
        filed_count=Count("proposals", filter=Q(proposals__status__in=[S.SUBMITTED, S.RETURNED])),
    )


def solicitation_for_department(viewer: User, pk: Any) -> Solicitation:
    try:
        row = Solicitation.objects.select_related("jurisdiction").get(pk=int(pk))
    except (Solicitation.DoesNotExist, TypeError, ValueError):
        raise NotFound(NOT_FOUND) from None
    if not issues(viewer, row):
        raise NotFound(NOT_FOUND)
    return row


def is_open(solicitation: Solicitation) -> bool:
    moment = clock.now()
    return (
        solicitation.status == Solicitation.Status.OPEN
        and solicitation.opens_at <= moment < solicitation.closes_at
    )


def addressed_alliances(solicitation: Solicitation) -> QuerySet[Alliance]:
    """The alliances a solicitation addresses: of its jurisdiction and below (decided there or
    led by a unit registered there), of its fields and states."""
    path = solicitation.jurisdiction.path
    qs = Alliance.objects.filter(
        Q(jurisdiction__path__startswith=path) | Q(lead_unit__region__path__startswith=path),
        status__in=solicitation.statuses or RUNNING,
    )
    if solicitation.domains:
        qs = qs.filter(domain__in=solicitation.domains)
    return qs


def why_not_addressed(solicitation: Solicitation, alliance: Alliance) -> str | None:
    """None when the solicitation addresses the alliance, else why not (what the refusal says)."""
    area = solicitation.jurisdiction
    in_area = alliance.jurisdiction.path.startswith(area.path) or (
        alliance.lead_unit.region_id is not None
        and alliance.lead_unit.region.path.startswith(area.path)
    )
    if not in_area:
        return gettext("该联盟不在本次征集的范围（%(area)s及以下）内。") % {"area": area.name}
    if solicitation.domains and alliance.domain not in solicitation.domains:
        return gettext("本次征集只面向%(fields)s领域的联盟，该联盟所属领域为%(field)s。") % {
            "fields": "、".join(domain_label(d) for d in solicitation.domains),
            "field": domain_label(alliance.domain) or gettext("未填写"),
        }
    if alliance.status not in (solicitation.statuses or RUNNING):
        return gettext("本次征集不面向“%(state)s”状态的联盟。") % {
            "state": alliance.get_status_display()
        }
    return None


def lead_alliances(viewer: User) -> QuerySet[Alliance]:
    """The alliances the viewer's unit leads."""
    return (
        Alliance.objects.filter(lead_unit_filter(viewer))
        .select_related("jurisdiction", "lead_unit__region")
        .order_by("name", "pk")
    )


@dataclass
class Offer:
    """An open solicitation and which of the viewer's alliances it addresses."""

    solicitation: Solicitation
    alliances: list[Alliance]


def open_for_lead(viewer: User) -> list[Offer]:
    """The open solicitations that address one of the viewer's alliances (a lead unit leads a
    handful of alliances: the candidates are the solicitations of the areas above them)."""
    if not is_lead(viewer):
        return []
    mine = list(lead_alliances(viewer)[:50])
    if not mine:
        return []
    paths: set[str] = set()
    for alliance in mine:
        for path in (
            alliance.jurisdiction.path,
            alliance.lead_unit.region.path if alliance.lead_unit.region_id else "",
        ):
            parts = [p for p in path.split("/") if p]
            paths.update("/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
    moment = clock.now()
    candidates = (
        Solicitation.objects.filter(
            status=Solicitation.Status.OPEN,
            closes_at__gt=moment,
            opens_at__lte=moment,
            jurisdiction__path__in=sorted(paths),
        )
        .select_related("jurisdiction")
        .order_by("closes_at", "pk")[:50]
    )
    offers = []
    for solicitation in candidates:
        fits = [a for a in mine if why_not_addressed(solicitation, a) is None]
        if fits:
            offers.append(Offer(solicitation, fits))
    return offers


# -- proposals ----------------------------------------------------------------------------------


def department_proposals(solicitation: Solicitation) -> QuerySet[ProjectProposal]:
    """What the issuing department sees of a solicitation: every proposal but drafts."""
    return solicitation.proposals.exclude(status=S.DRAFT)


def with_scores(qs: QuerySet[ProjectProposal]) -> QuerySet[ProjectProposal]:
    return qs.annotate(score_mean=Avg("scores__score"), score_count=Count("scores"))


def lead_proposals(viewer: User) -> QuerySet[ProjectProposal]:
    if not is_lead(viewer):
        return ProjectProposal.objects.none()
    return ProjectProposal.objects.filter(lead_unit_id=viewer.unit_id)


def relation(viewer: User, proposal: ProjectProposal) -> str | None:
    if not viewer.is_authenticated:
        return None
    if is_lead(viewer) and viewer.unit_id == proposal.lead_unit_id:
        return LEAD
    if proposal.status != S.DRAFT and issues(viewer, proposal.solicitation):
        return DEPARTMENT
    return None


def proposal_for(viewer: User, pk: Any) -> tuple[ProjectProposal, str]:
    try:
        row = ProjectProposal.objects.select_related(
            "solicitation__jurisdiction", "alliance", "lead_unit"
        ).get(pk=int(pk))
    except (ProjectProposal.DoesNotExist, TypeError, ValueError):
        raise NotFound(PROPOSAL_NOT_FOUND) from None
    seen = relation(viewer, row)
    if seen is None:
        raise NotFound(PROPOSAL_NOT_FOUND)
    return row, seen


@dataclass
class ScoreSummary:
    mean: Decimal | None
    count: int
    mine: ProjectScore | None


def score_summary(proposal: ProjectProposal, viewer: User) -> ScoreSummary:
    agg = proposal.scores.aggregate(mean=Avg("score"), count=Count("id"))
    mine = proposal.scores.filter(scorer=viewer).first() if viewer.is_authenticated else None
    mean = agg["mean"]
    return ScoreSummary(
        mean=Decimal(mean).quantize(Decimal("0.01")) if mean is not None else None,
        count=agg["count"],
        mine=mine,
    )
