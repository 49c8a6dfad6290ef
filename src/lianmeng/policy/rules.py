"""资格预审引擎：按规则目录顺序逐条判断，每条结论都注明出处。

``check(proposal, profile)`` runs every rule the profile applies, in the catalogue's order,
and returns a :class:`CheckResult`: eligible when no ``required`` or ``principle`` rule failed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from lianmeng.policy import rules_agreement, rules_members, rules_process
from lianmeng.policy.catalogue import RULE_IDS
from lianmeng.policy.interchange import Proposal
from lianmeng.policy.models import Call, Profile
from lianmeng.policy.registry import RULES, Context
from lianmeng.policy.results import CheckResult, ExistingAlliance, Finding
from lianmeng.policy.timeutil import as_beijing

__all__ = ["RULES", "CheckResult", "ExistingAlliance", "Finding", "check", "judged_moment"]

# Imported for their registrations.
_RULE_MODULES = (rules_members, rules_agreement, rules_process)


def judged_moment(proposal: Proposal, at: datetime | None = None) -> datetime:
    """``at``, else the proposal's ``submitted_at``, else now — in Beijing time."""
    moment = at or proposal.submitted_datetime() or datetime.now().astimezone()
    return as_beijing(moment)


def check(
    proposal: Proposal,
    profile: Profile,
    *,
    at: datetime | None = None,
    existing: Sequence[ExistingAlliance] | None = None,
    call: Call | None = None,
    only: Collection[str] | None = None,
) -> CheckResult:
    """Judge ``proposal`` under ``profile``. ``existing=None`` means no database to compare with.

    ``call`` is the call answered (window, focus areas, materials) when the caller has it;
    without it the profile's call of the proposal's ``call_year`` is used. ``only`` limits the
    check to those rule ids (e.g. the roster rules after a membership change).
    """
    ctx = Context(
        proposal=proposal,
        profile=profile,
        at=judged_moment(proposal, at),
        existing=existing,
        call=call,
    )
    findings = []
    for rule_id in RULE_IDS:
        applied = profile.applied_rules.get(rule_id)
        if applied is None or (only is not None and rule_id not in only):
            continue
        outcome = RULES[rule_id](ctx, applied.params)
        findings.append(
            Finding(
                rule=rule_id,
                status=outcome.status,
                severity=applied.severity,
                citation=applied.citation,
                message=outcome.message,
                evidence=outcome.evidence,
            )
        )
    return CheckResult(profile=profile.id, judged_at=ctx.at, findings=tuple(findings))
