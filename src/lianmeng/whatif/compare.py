"""推演：本部门政策配置下的在运行联盟和在审申报，今天的结论与草案下的结论逐条比较。

The subjects, and how each is judged — the same checks as elsewhere, with the profile swapped:

- **current alliances** of the profile (筹建中、待验收、已认定、已备案、试点; not revoked or
  dissolved): their roster as it stands (the workspace's members who have not left, else the
  decided proposal's roster) under the roster rules, as a membership change is re-checked
  (:func:`lianmeng.policy.alliance_life.membership_findings`, lianmeng.running.eligibility);
- **pending proposals** of the profile (filed — not a draft, not withdrawn, not in a terminal
  state — and not yet decided into an alliance): the full check of the filing page
  (:func:`lianmeng.proposals.checks.proposal_eligibility`): the same moment, the same call terms
  and the same other alliances and proposals to compare with.

Nothing is written: the comparison is computed from the stored rows and returned.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.policy.alliance_life import membership_findings
from lianmeng.policy.catalogue import RULE_IDS
from lianmeng.policy.interchange import InterchangeError, parse_proposal
from lianmeng.policy.interchange import Member as RosterMember
from lianmeng.policy.models import Profile
from lianmeng.policy.results import ExistingAlliance, Finding
from lianmeng.policy.rules import check
from lianmeng.policy.whatif import Comparison, Summary, compare, summarise
from lianmeng.proposals.checks import existing_alliances, proposal_call_terms
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.roster_fields import identity_keys
from lianmeng.running.eligibility import roster_row
from lianmeng.running.models import Member, Workspace

#: an alliance in these states is running: its roster must keep meeting the rules
CURRENT_ALLIANCE_STATES = (
    Alliance.Status.BUILDING,
    Alliance.Status.AWAITING_ACCEPTANCE,
    Alliance.Status.RECOGNISED,
    Alliance.Status.FILED,
    Alliance.Status.PILOT,
)
#: a proposal in these states is not pending (besides the lifecycle's terminal states)
NOT_PENDING = (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN)
ORDER = {rule: index for index, rule in enumerate(RULE_IDS)}


@dataclass(frozen=True)
class Subject:
    """An alliance or a proposal, judged today and under the draft."""

    kind: str  # "alliance" | "proposal"
    pk: int
    name: str
    status: str
    comparison: Comparison

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.pk,
            "name": self.name,
            "status": self.status,
            **self.comparison.to_dict(),
        }


@dataclass
class Result:
    """The comparison over the department's subjects: counts, and the subjects that change."""

    profile: str
    draft_version: str
    alliances: list[Subject] = field(default_factory=list)
    proposals: list[Subject] = field(default_factory=list)
    alliance_summary: Summary = field(default_factory=Summary)
    proposal_summary: Summary = field(default_factory=Summary)
    #: alliances without any roster on record, proposals that are not a complete document
    alliances_not_judged: int = 0
    proposals_not_judged: int = 0
    computed_at: Any = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "seconds": round(self.seconds, 3),
            "alliances": {
                "summary": self.alliance_summary.to_dict(),
                "not_judged": self.alliances_not_judged,
                "changed": [s.to_dict() for s in self.alliances],
            },
            "proposals": {
                "summary": self.proposal_summary.to_dict(),
                "not_judged": self.proposals_not_judged,
                "changed": [s.to_dict() for s in self.proposals],
            },
        }


# -- current alliances --------------------------------------------------------------------------


def _known_rows(document: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """The decided proposal's roster rows by identity (uscc/org code, and name), as
    lianmeng.running.eligibility reads them."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in (document or {}).get("members") or [] if isinstance(document, dict) else []:
        if not isinstance(row, dict):
            continue
        for key in identity_keys(row):
            found.setdefault(key, row)
        if row.get("name"):
            found.setdefault(("name", str(row["name"])), row)
    return found


def _valid_members(rows: list[dict[str, Any]]) -> list[RosterMember]:
    """The rows the interchange format accepts (a legacy code is left out, as the membership
    re-check does)."""
    members = []
    for row in rows:
        try:
            members.append(RosterMember.model_validate(row))
        except ValidationError:
            continue
    return members


def alliance_rosters(profile_id: str) -> Iterator[tuple[Alliance, list[RosterMember] | None]]:
    """Each current alliance of the profile with its roster (None: no roster on record, or an
    empty one)."""
    alliances = list(
        Alliance.objects.filter(profile=profile_id, status__in=CURRENT_ALLIANCE_STATES)
        .only("pk", "name", "status", "proposal_id", "profile")
        .order_by("name", "pk")
    )
    if not alliances:
        return
    ids = [a.pk for a in alliances]
    workspaces = dict(
        Workspace.objects.filter(alliance_id__in=ids).values_list("alliance_id", "pk")
    )
    members: dict[int, list[Member]] = {}
    for member in (
        Member.objects.filter(workspace_id__in=workspaces.values(), left_on__isnull=True)
        .only("workspace_id", "name", "uscc", "kind", "role", "details")
        .order_by("workspace_id", "role", "id")
    ):
        members.setdefault(member.workspace_id, []).append(member)
    # the decided proposal's roster: for an alliance without a workspace yet, and the details
    # (region, chain position, platforms) of members who joined without them
    documents = dict(
        Proposal.objects.filter(
            pk__in=[a.proposal_id for a in alliances if a.proposal_id]
        ).values_list("pk", "document")
    )
    for alliance in alliances:
        document = documents.get(alliance.proposal_id) if alliance.proposal_id else None
        workspace = workspaces.get(alliance.pk)
        if workspace is not None:
            known = _known_rows(document)
            rows = [roster_row(m, known) for m in members.get(workspace, [])]
        elif isinstance(document, dict) and document.get("members"):
            rows = [r for r in document["members"] if isinstance(r, dict)]
        else:
            yield alliance, None
            continue
        roster = _valid_members(rows)
        # an empty roster (a workspace started empty, every member gone): nothing to judge
        # (and members.mostly_local divides by the number of members)
        yield alliance, roster or None


# -- pending proposals ----------------------------------------------------------------------------


def pending_proposals(profile: Profile) -> Any:
    """The profile's filed proposals not yet decided (QuerySet)."""
    terminal = [s.id for s in profile.lifecycle.states if s.terminal] if profile.lifecycle else []
    return (
        Proposal.objects.filter(profile=profile.id, alliance__isnull=True)
        .exclude(status__in=[*NOT_PENDING, *terminal])
        .select_related("call")
        .order_by("name", "pk")
    )


def _judging_moment(proposal: Proposal) -> Any:
    """As the filing page judges: a proposal back with its lead unit now, a filed one at its
    ``submitted_at`` (lianmeng.proposals.checks.proposal_eligibility)."""
    return clock.now() if proposal.status in Proposal.EDITABLE else None


# -- the comparison -------------------------------------------------------------------------------


def changed_rules(today: Profile, draft: Profile) -> frozenset[str]:
    """The rules whose table (severity, citation, parameters) differs, or that one applies."""
    return frozenset(
        rule for rule in RULE_IDS if today.applied_rules.get(rule) != draft.applied_rules.get(rule)
    )


def _only(draft: Profile, rules: frozenset[str]) -> Profile:
    """The draft applying only ``rules``: the others give today's findings (a rule reads its own
    parameters and the profile's area, documents and calls, never another rule's table)."""
    partial = draft.model_copy()
    partial._applied = {r: a for r, a in draft.applied_rules.items() if r in rules}
    return partial


def _merge(
    today: tuple[Finding, ...] | list[Finding], changed: list[Finding], rules: frozenset[str]
) -> list[Finding]:
    kept = [f for f in today if f.rule not in rules]
    return sorted([*kept, *changed], key=lambda f: ORDER[f.rule])


def run(today: Profile, draft: Profile) -> Result:
    """Judge every current alliance and pending proposal of ``today``'s profile under both
    profiles and compare them rule by rule. Under the draft only the rules it changes are
    judged again; the others' findings are today's."""
    from lianmeng.policy.whatif import profile_version

    started = time.perf_counter()
    result = Result(profile=today.id, draft_version=profile_version(draft))
    rules = changed_rules(today, draft)
    partial = _only(draft, rules)
    compared: list[Comparison] = []
    for alliance, roster in alliance_rosters(today.id):
        if roster is None:
            result.alliances_not_judged += 1
            continue
        old = membership_findings(today, roster)
        new = _merge(old, membership_findings(partial, roster) if rules else [], rules)
        comparison = compare(old, new)
        compared.append(comparison)
        if comparison.changed:
            result.alliances.append(
                Subject(
                    "alliance",
                    alliance.pk,
                    alliance.name,
                    alliance.get_status_display(),
                    comparison,
                )
            )
    result.alliance_summary = summarise(compared)

    compared = []
    existing: list[ExistingAlliance] | None = None
    for proposal in pending_proposals(today):
        try:
            doc = parse_proposal(proposal.document)
        except InterchangeError:
            result.proposals_not_judged += 1
            continue
        if existing is None:
            existing = existing_alliances(today.id)
        others = [e for e in existing if e.reference != f"proposal:{proposal.pk}"]
        call = proposal_call_terms(proposal)
        extra = {"call": call} if call else {}
        at = _judging_moment(proposal)
        old = check(doc, today, at=at, existing=others, **extra).findings
        fresh = check(doc, partial, at=at, existing=others, **extra).findings if rules else ()
        comparison = compare(old, _merge(old, list(fresh), rules))
        compared.append(comparison)
        if comparison.changed:
            result.proposals.append(
                Subject(
                    "proposal",
                    proposal.pk,
                    proposal.name,
                    today.lifecycle.state_label(proposal.status)
                    if today.lifecycle
                    else proposal.status,
                    comparison,
                )
            )
    result.proposal_summary = summarise(compared)
    result.computed_at = clock.now()
    result.seconds = time.perf_counter() - started
    return result
