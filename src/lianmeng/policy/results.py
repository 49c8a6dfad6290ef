"""检查结果与已有联盟记录：纯数据，供 CLI、API 和数据库层共用。"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from lianmeng.policy.models import Citation, Severity

__all__ = ["CheckResult", "ExistingAlliance", "Finding", "Status"]

Status = Literal["pass", "fail", "manual"]


@dataclass(frozen=True)
class ExistingAlliance:
    """An alliance already recognised, filed or pending, for ``alliance.unique_in_field``.

    ``reference`` is whatever lets a person find it (an id, a registry number). The caller
    leaves out the proposal being checked.
    """

    name: str
    industry: str | None = None
    product: str | None = None
    focus_area: str | None = None
    status: str = "recognised"
    reference: str | None = None


@dataclass(frozen=True)
class Finding:
    """One rule's verdict with its citation and a Chinese message for the applicant."""

    rule: str
    status: Status
    severity: Severity
    citation: Citation
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def blocks(self) -> bool:
        """A failed required or principle rule makes the proposal not eligible."""
        return self.status == "fail" and self.severity in ("required", "principle")

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "status": self.status,
            "severity": self.severity,
            "citation": {"seed": self.citation.seed, "article": self.citation.article},
            "message": self.message,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class CheckResult:
    profile: str
    judged_at: datetime
    findings: tuple[Finding, ...]

    @property
    def eligible(self) -> bool:
        return not any(finding.blocks for finding in self.findings)

    def failed(self) -> list[str]:
        """Ids of the rules that failed (any severity)."""
        return [finding.rule for finding in self.findings if finding.status == "fail"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "eligible": self.eligible,
            "findings": [finding.to_dict() for finding in self.findings],
        }
