"""Writes of recommending and accepting departments besides the state changes themselves:
paper copies received (M-21), several proposals at once (M-20), zone filings (M-03).
Every function is atomic and audited; state changes go through ``engine.proposal_transition``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.dates import show_moment
from lianmeng.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.policy.loader import load_profiles
from lianmeng.proposals.lifecycle import allowed_transitions, next_steps, proposal_transition
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.selectors import proposal_visibility
from lianmeng.workflow.routing import lifecycle_of, office_for, route_of, state_label

from .bulk import Step, bulk_steps
from .call_terms import call_terms_for
from .models import PaperReceipt, ZoneFiling
from .selectors import zone_approved

MAX_COPIES = 20


def _paper_step(actor: User, proposal: Proposal) -> None:
    """The actor must be the department that accepts this proposal now."""
    steps = [s for s in next_steps(proposal) if "paper_copies_received" in s.transition.guards]
    if not steps:
        raise Conflict(
            _("该申报当前状态为“%(state)s”，不在待受理阶段，无需登记纸质材料。")
            % {"state": _(state_label(proposal.profile, proposal.status))}
        )
    if not any(s.transition in allowed_transitions(actor=actor, proposal=proposal) for s in steps):
        raise PermissionDenied(_("纸质材料由%(office)s登记。") % {"office": steps[0].office.name})


def paper_copies_record(
    *,
    actor: User,
    pk: int,
    copies: int,
    received_at: datetime,
    received_by: str,
    reason: str = "",
) -> PaperReceipt:
    """登记收到的纸质申报材料. Outside the call's paper days and hours only with a reason."""
    reason = (reason or "").strip()
    received_by = (received_by or "").strip()
    if not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise ValidationFailed(
            _("份数应为 1 至 %(max)s 的整数。") % {"max": MAX_COPIES}, details={"field": "copies"}
        )
    if not received_by:
        raise ValidationFailed(_("请填写接收人。"), details={"field": "received_by"})
    if received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=clock.BEIJING)
    now = clock.now()
    if received_at > now + timedelta(minutes=5):
        raise ValidationFailed(_("接收时间不能晚于当前时间。"), details={"field": "received_at"})
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().filter(pk=pk).first()
        if (
            proposal is None
            or not Proposal.objects.filter(proposal_visibility(actor), pk=pk).exists()
        ):
            raise NotFound(_("未找到该申报，或您无权查看。"))
        _paper_step(actor, proposal)
        terms = call_terms_for(proposal)
        lifecycle = lifecycle_of(proposal)
        profile = load_profiles().get(proposal.profile)
        on_zone_route = (
            lifecycle is not None
            and profile is not None
            and route_of(proposal, lifecycle, profile) == "zone"
        )
        inside = terms is None or on_zone_route or terms.paper_open_at(received_at)
        if not inside and not reason:
            raise ValidationFailed(
                _(
                    "纸质材料报送时间为 %(window)s；接收时间 %(received)s 不在报送时间内。"
                    "如确需接收，请填写原因后再登记。"
                )
                % {"window": terms.paper_window_text(), "received": show_moment(received_at)},
                details={"field": "reason", "outside_hours": True},
            )
        receipt = PaperReceipt.objects.create(
            proposal=proposal,
            copies=copies,
            received_at=received_at,
            received_by=received_by,
            outside_hours_reason="" if inside else reason,
            recorded_by=actor,
            recorded_at=now,
        )
        audit_record(
            actor=actor,
            action="lianmeng.proposal.paper_received",
            obj=proposal,
            after={
                "copies": copies,
                "received_at": received_at.isoformat(),
                "received_by": received_by,
                "outside_hours_reason": receipt.outside_hours_reason,
            },
        )
    return receipt


@dataclass
class BulkResult:
    done: list[Proposal] = field(default_factory=list)
    #: (proposal id, name or "", message)
    failed: list[tuple[int, str, str]] = field(default_factory=list)


def proposals_transition_bulk(
    *, actor: User, pks: Iterable[int], transition: str, reason: str = ""
) -> BulkResult:
    """Fire ``transition`` (one the table allows in bulk) on several proposals with one
    opinion. Each proposal is its own transaction: one refusal does not hold up the others."""
    result = BulkResult()
    ids = list(dict.fromkeys(int(pk) for pk in pks))
    if not ids:
        raise ValidationFailed(_("请至少选择一项申报。"))
    names = dict(
        Proposal.objects.filter(proposal_visibility(actor), pk__in=ids).values_list("pk", "name")
    )
    for pk in ids:
        proposal = Proposal.objects.filter(pk=pk).only("profile").first()
        lifecycle = lifecycle_of(proposal) if proposal is not None else None
        wanted = lifecycle.transition(transition) if lifecycle is not None else None
        if pk not in names:
            result.failed.append((pk, "", _("未找到该申报，或您无权查看。")))
            continue
        if wanted is None or not wanted.bulk:
            result.failed.append((pk, names[pk], _("此操作不能批量办理，请逐项办理。")))
            continue
        try:
            result.done.append(
                proposal_transition(actor=actor, pk=pk, transition=transition, reason=reason)
            )
        except DomainError as exc:
            result.failed.append((pk, names[pk], exc.message))
    return result


@dataclass
class StepOutcome:
    """What a bulk step did to one proposal: ``done`` or not, and the sentence that says it."""

    pk: int
    name: str
    done: bool
    message: str


def _bulk_transition_for(actor: User, proposal: Proposal, action: str) -> Any:
    """The step of kind (or id) ``action`` the actor may take on ``proposal`` now; else the
    table's step of that kind on the proposal's way, for the engine to say why not."""
    for step in bulk_steps(viewer=actor, proposal=proposal):
        if action in (step.transition.kind, step.transition.id):
            return step
    lifecycle = lifecycle_of(proposal)
    if lifecycle is None:
        return None
    for candidate in lifecycle.transitions:
        if action in (candidate.kind, candidate.id) and candidate.bulk and not candidate.external:
            return candidate
    return None


def proposals_step_bulk(
    *, actor: User, pks: Iterable[int], action: str, reason: str = ""
) -> list[StepOutcome]:
    """Take the step ``action`` (a kind of step such as ``recommend``, or a transition id) on
    each selected proposal with one opinion: each proposal gets the step that fits where it
    stands (县级推荐 for one, 市级推荐 for another), in its own transaction, and the outcome
    says what happened to it ("已推荐至河南省科学技术厅")."""
    ids = list(dict.fromkeys(int(pk) for pk in pks))
    if not ids:
        raise ValidationFailed(_("请至少选择一项申报。"))
    visible = Proposal.objects.filter(proposal_visibility(actor), pk__in=ids).select_related(
        "region", "zone", "lead_unit"
    )
    proposals = {p.pk: p for p in visible}
    outcomes: list[StepOutcome] = []
    for pk in ids:
        proposal = proposals.get(pk)
        if proposal is None:
            outcomes.append(StepOutcome(pk, "", False, _("未找到该申报，或您无权查看。")))
            continue
        found = _bulk_transition_for(actor, proposal, action)
        if found is None:
            outcomes.append(
                StepOutcome(pk, proposal.name, False, _("此操作不能批量办理，请逐项办理。"))
            )
            continue
        step = found if isinstance(found, Step) else None
        wanted = step.transition if step is not None else found
        try:
            done = proposal_transition(actor=actor, pk=pk, transition=wanted.id, reason=reason)
        except DomainError as exc:
            outcomes.append(StepOutcome(pk, proposal.name, False, exc.message))
            continue
        state = _(state_label(done.profile, done.status))
        if step is not None and step.destination:
            message = _("已%(action)s至%(office)s，当前状态：%(state)s。") % {
                "action": _(wanted.label),
                "office": step.destination,
                "state": state,
            }
        else:
            message = _("已办理“%(action)s”，当前状态：%(state)s。") % {
                "action": _(wanted.label),
                "state": state,
            }
        outcomes.append(StepOutcome(pk, proposal.name, True, message))
    return outcomes


# -- zone filings (M-03) -----------------------------------------------------------------------


def _filing_office(proposal: Proposal) -> Any:
    lifecycle = lifecycle_of(proposal)
    delegation = lifecycle.zone_delegation if lifecycle is not None else None
    if delegation is None or not delegation.files_with:
        return None
    return office_for(proposal, delegation.files_with).jurisdiction


def zone_filing_submit(*, actor: User, year: int, note: str = "") -> ZoneFiling:
    """片区管委会将本年度新批准组建的联盟名单报省科技厅备案 (seed 001 三(四))."""
    area = actor.jurisdiction if actor.jurisdiction_id else None
    if area is None or not area.is_zone or not actor.has_role(Role.COMPETENT):
        raise PermissionDenied(_("只有自贸区片区管委会的主管部门账号可以报备联盟名单。"))
    with transaction.atomic():
        proposals = list(zone_approved(viewer=actor, year=year).select_for_update(of=("self",)))
        if not proposals:
            raise ValidationFailed(_("%(year)s年度没有尚未报备的新组建联盟。") % {"year": year})
        filed_with = _filing_office(proposals[0])
        if filed_with is None:
            raise Conflict(_("该片区所属政策档案没有规定报备部门。"))
        items = [
            {
                "proposal": p.pk,
                "name": p.name,
                "lead_unit": p.lead_unit.name,
                "state": p.status,
                "state_label": state_label(p.profile, p.status),
                "members": p.member_count,
            }
            for p in proposals
        ]
        filing = ZoneFiling.objects.create(
            zone=area,
            filed_with=filed_with,
            profile=proposals[0].profile,
            year=year,
            items=items,
            note=(note or "").strip(),
            submitted_by=actor,
            submitted_at=clock.now(),
        )
        filing.proposals.set(proposals)
        audit_record(
            actor=actor,
            action="lianmeng.zone_filing.submitted",
            obj=filing,
            after={"zone": area.code, "year": year, "proposals": [p.pk for p in proposals]},
        )
    return filing


def filing_label(filing: ZoneFiling) -> str:
    return f"{filing.zone.name} {filing.year}年度新组建联盟名单（{len(filing.items)}家）"


__all__ = [
    "BulkResult",
    "StepOutcome",
    "filing_label",
    "paper_copies_record",
    "proposals_step_bulk",
    "proposals_transition_bulk",
    "zone_filing_submit",
]
