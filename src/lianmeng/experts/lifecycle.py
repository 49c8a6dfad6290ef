"""Where expert review meets the lifecycle engine (``lianmeng.workflow``).

Putting a proposal into a round fires the profile's ``review`` transition (已受理 → 专家评审中)
through the one engine; the recommending area used for the area rule is read from the
engine's history (who recommended it last), with the structure of the jurisdiction tree as
the fallback for proposals recorded without one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from lianmeng.core.errors import Conflict
from lianmeng.core.models import User
from lianmeng.policy.loader import get_profile
from lianmeng.proposals.models import Proposal

from .conflicts import recommending_area_path


def start_review(*, actor: User, proposal: Proposal, round: Any, basis: str = "") -> None:
    """Fire the profile's review transition from the proposal's state (engine checks who)."""
    from lianmeng.proposals.lifecycle import proposal_transition

    lifecycle = get_profile(proposal.profile).lifecycle
    transition = (
        next((t for t in lifecycle.of_kind("review") if proposal.status in t.from_), None)
        if lifecycle
        else None
    )
    if transition is None:
        raise Conflict(_("“%(name)s”当前状态不能提交专家评审。") % {"name": proposal.name})
    proposal_transition(
        actor=actor,
        pk=proposal.pk,
        transition=transition.id,
        reason=f"纳入专家评审：{round.title}",
        data={"review_round": round.pk, **({"basis": basis} if basis.strip() else {})},
        via="review",
    )


def recommending_area_paths(
    proposals: Sequence[Proposal], *, profile_id: str
) -> dict[int, str | None]:
    """Path prefix of the area whose department recommended each proposal (None: no area,
    e.g. a provincial department recommended it). One query for the whole list."""
    from lianmeng.workflow.models import StateChange

    profile_code = get_profile(profile_id).jurisdiction.value
    last: dict[int, Any] = {}
    changes = (
        StateChange.objects.of_kind("proposal")
        .filter(subject_id__in=[p.pk for p in proposals], kind="recommend")
        .select_related("actor_jurisdiction")
        .order_by("at", "id")
    )
    for change in changes:
        last[change.subject_id] = change.actor_jurisdiction
    paths: dict[int, str | None] = {}
    for proposal in proposals:
        area = last.get(proposal.pk)
        if area is None:
            paths[proposal.pk] = recommending_area_path(
                profile_jurisdiction=profile_code,
                region=proposal.region,
                zone=proposal.zone if proposal.zone_id else None,
            )
        elif area.code == profile_code:
            paths[proposal.pk] = None  # a department at the deciding level: not an area
        elif area.is_zone:
            parts = area.path.strip("/").split("/")
            paths[proposal.pk] = "/".join(parts[:-1]) + "/"
        else:
            paths[proposal.pk] = area.path
    return paths
