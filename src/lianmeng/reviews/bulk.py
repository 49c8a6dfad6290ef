"""Which steps a department can take on several proposals at once, named by what they do.

The menu of the inbox's 批量办理 offers one entry per kind of step the viewer may take now on
at least one of the listed (or selected) proposals — nothing else: "推荐至河南省科学技术厅",
never three entries all called 推荐. The engine decides (``allowed_transitions``); the name
adds the office the proposal goes to next, that is the office of the step after the
transition (``workflow.routing.office_for``).

Reads only; the write is ``services.proposals_step_bulk``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lianmeng.core.models import User
from lianmeng.policy.lifecycle import Transition
from lianmeng.proposals.lifecycle import allowed_transitions
from lianmeng.proposals.models import Proposal
from lianmeng.workflow.routing import (
    actor_office,
    areas_of,
    effective_level,
    lifecycle_of,
    office_for,
    profile_of,
    route_of,
)

#: steps that another page carries out (decisions, expert review) never go in the menu
ELSEWHERE_KINDS = frozenset({"approve", "decline", "review"})
NEGATIVE_KINDS = frozenset({"return", "refuse", "decline"})


@dataclass(frozen=True)
class Step:
    """One bulk step open to the viewer on one proposal, with where it sends the proposal."""

    transition: Transition
    #: the office that acts next ("" when the step ends the way or the viewer acts next)
    destination: str
    #: the state's name after the step, said when the proposal stays with the viewer
    state: str = ""

    @property
    def name(self) -> str:
        return step_name(self.transition, self.destination, self.state)


def step_name(transition: Transition, destination: str, state: str = "") -> str:
    """推荐至河南省科学技术厅 — or, when the proposal stays with the viewer (a city acting
    as county for its own area), 推荐（县级已推荐）."""
    label = _(transition.label) if transition.label else transition.id
    if destination:
        return _("%(action)s至%(office)s") % {"action": label, "office": destination}
    if state:
        return _("%(action)s（%(state)s）") % {"action": label, "state": state}
    return label


@dataclass
class BulkAction:
    """One entry of the menu: a kind of step (``key``), its name, and the proposals it fits."""

    key: str
    name: str
    proposal_ids: list[int] = field(default_factory=list)


def _signature(proposal: Proposal) -> tuple[Any, ...]:
    """What the steps of a proposal depend on: proposals alike share one computation."""
    recommender = (proposal.document or {}).get("recommender") or {}
    if not isinstance(recommender, dict):
        recommender = {}
    return (
        proposal.profile,
        proposal.status,
        proposal.region_id,
        proposal.zone_id,
        proposal.lead_unit_id,
        str(recommender.get("name") or ""),
        str(recommender.get("region_code") or ""),
    )


def _destination(viewer: User, proposal: Proposal, transition: Transition) -> str:
    """The office of the first forward step after ``transition`` (not the viewer's own)."""
    lifecycle = lifecycle_of(proposal)
    profile = profile_of(proposal)
    if lifecycle is None or profile is None:
        return ""
    route = route_of(proposal, lifecycle, profile)
    for following in lifecycle.leaving(transition.to):
        if following.external or route not in following.routes:
            continue
        if following.kind in NEGATIVE_KINDS:
            continue
        office = office_for(proposal, effective_level(following, route, lifecycle))
        name = office.name
        return "" if name == actor_office(viewer) else name
    return ""


def bulk_steps(*, viewer: User, proposal: Proposal) -> list[Step]:
    """The steps ``viewer`` may take on ``proposal`` from the inbox's bulk menu."""
    steps = []
    for transition in allowed_transitions(actor=viewer, proposal=proposal):
        if not transition.bulk or transition.external or transition.kind in ELSEWHERE_KINDS:
            continue
        destination = _destination(viewer, proposal, transition)
        lifecycle = lifecycle_of(proposal)
        state = _(lifecycle.state_label(transition.to)) if lifecycle and not destination else ""
        steps.append(Step(transition, destination, state))
    return steps


def steps_by_proposal(*, viewer: User, proposals: Iterable[Proposal]) -> dict[int, list[Step]]:
    """:func:`bulk_steps` for each proposal, computed once for proposals alike (a page of an
    inbox costs the same queries whatever its length when its proposals are alike)."""
    rows = list(proposals)
    # the list pages defer the document; read it (and the related rows) in one query
    full = Proposal.objects.select_related("region", "zone", "lead_unit").in_bulk(
        [p.pk for p in rows]
    )
    done: dict[tuple[Any, ...], list[Step]] = {}
    result: dict[int, list[Step]] = {}
    # the cities and provinces of the page's proposals in one query, not one per proposal
    with areas_of(p.region for p in full.values()):
        for row in rows:
            proposal = full.get(row.pk)
            if proposal is None:
                continue
            key = _signature(proposal)
            if key not in done:
                done[key] = bulk_steps(viewer=viewer, proposal=proposal)
            result[proposal.pk] = done[key]
    return result


def bulk_actions(
    *,
    viewer: User,
    proposals: Iterable[Proposal],
    steps: dict[int, list[Step]] | None = None,
) -> list[BulkAction]:
    """The menu: one entry per kind of step open on at least one of ``proposals``; the name
    lists each distinct destination ("推荐至郑州市科学技术局"), the key is the step's kind.
    ``steps``: :func:`steps_by_proposal` of the same proposals, when the caller has it."""
    actions: dict[str, BulkAction] = {}
    names: dict[str, list[str]] = {}
    if steps is None:
        steps = steps_by_proposal(viewer=viewer, proposals=proposals)
    for pk, proposal_steps in steps.items():
        for step in proposal_steps:
            key = step.transition.kind
            action = actions.setdefault(key, BulkAction(key=key, name=""))
            action.proposal_ids.append(pk)
            if step.name not in names.setdefault(key, []):
                names[key].append(step.name)
    for key, action in actions.items():
        action.name = (
            pgettext("list separator", "、").join(names[key])
            if len(names[key]) > 1
            else names[key][0]
        )
    # the forward steps first, then the returns (none are bulk today, but keep the order)
    return sorted(actions.values(), key=lambda a: a.key in NEGATIVE_KINDS)


__all__ = [
    "BulkAction",
    "Step",
    "bulk_actions",
    "bulk_steps",
    "step_name",
    "steps_by_proposal",
]
