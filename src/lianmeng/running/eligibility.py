"""成员变更后的资格复核 (M-31): the profile's roster rules re-run on the alliance's roster as
it stands after a change (:func:`lianmeng.policy.alliance_life.membership_findings`).

A warning names the rule the alliance no longer meets, with its citation in the form people
read (《文件标题》条款, :func:`lianmeng.core.names.cite_text`). A rule that already failed before the
change (a legacy roster without codes, say) is not repeated, except the two that decide
whether there is an alliance at all: the number of members and its composition (Henan: at
least 10 members, a university or institute among them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from lianmeng.core.names import cite_text
from lianmeng.policy.alliance_life import membership_findings
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.policy.results import Finding
from lianmeng.proposals.roster_fields import identity_keys

from .models import Member, Workspace

#: the rules repeated on every change while they fail
ALWAYS = frozenset({"members.min_count", "members.composition"})
#: roster fields of the interchange format the rules read
_DETAIL_KEYS = ("org_code", "region_code", "chain_position", "platforms", "legal_representative")


def _proposal_rows(workspace: Workspace) -> dict[tuple[str, str], dict[str, Any]]:
    """The decided proposal's roster rows by identity (uscc/org code and name)."""
    proposal = workspace.alliance.proposal if workspace.alliance.proposal_id else None
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in (proposal.document or {}).get("members") or [] if proposal else []:
        if not isinstance(row, dict):
            continue
        for key in identity_keys(row):
            found.setdefault(key, row)
        if row.get("name"):
            found.setdefault(("name", str(row["name"])), row)
    return found


def roster_row(member: Member, known: Mapping[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    """One member as a row of the interchange format (details from the join or the decided
    proposal's roster)."""
    row: dict[str, Any] = {
        "name": member.name,
        "kind": member.kind or "other",
        "role": "lead" if member.role == Member.Role.LEAD else "member",
    }
    if member.uscc:
        row["uscc"] = member.uscc
    source = dict(member.details or {})
    if not source:
        keys = identity_keys({"uscc": member.uscc}) if member.uscc else []
        for key in [*keys, ("name", member.name)]:
            if key in known:
                source = known[key]
                break
    for key in _DETAIL_KEYS:
        if source.get(key) not in (None, "", []):
            row[key] = source[key]
    return row


def roster(workspace: Workspace, members: Iterable[Member]) -> list[dict[str, Any]]:
    known = _proposal_rows(workspace)
    return [roster_row(m, known) for m in members]


def _failing(profile: Any, rows: list[dict[str, Any]]) -> list[Finding]:
    try:
        findings = membership_findings(profile, rows)
    except ValidationError:
        # a row the interchange format refuses (a legacy code): judge the rows it accepts
        from lianmeng.policy.interchange import Member as RosterMember

        good = []
        for row in rows:
            try:
                good.append(RosterMember.model_validate(row))
            except ValidationError:
                continue
        findings = membership_findings(profile, good)
    return [f for f in findings if f.status == "fail"]


def warnings_after(
    workspace: Workspace, before: list[Member], after: list[Member]
) -> list[dict[str, Any]]:
    """The roster rules the alliance fails after the change, as stored on the filing."""
    try:
        profile = get_profile(workspace.alliance.profile)
    except UnknownProfileError:
        return []
    known = _proposal_rows(workspace)
    old = {f.rule for f in _failing(profile, [roster_row(m, known) for m in before])}
    found = []
    for finding in _failing(profile, [roster_row(m, known) for m in after]):
        if finding.rule in old and finding.rule not in ALWAYS:
            continue
        citation = {"seed": finding.citation.seed, "article": finding.citation.article}
        found.append(
            {
                "rule": finding.rule,
                "severity": finding.severity,
                "message": finding.message,
                "citation": citation,
                "cited": cite_text(citation, profile),
            }
        )
    return found
