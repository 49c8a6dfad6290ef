"""Submitted versions are sealed in the audit chain (lianmeng.core.integrity)."""

from __future__ import annotations

from typing import Any

from lianmeng.core.integrity import canonical_digest, file_sha256, register, row_values

from .models import ProposalVersion

KIND = "proposals.proposalversion"


def version_rows(ids: list[str]) -> dict[str, Any]:
    wanted = [int(i) for i in ids if i.isdigit()]
    return {str(v.pk): v for v in ProposalVersion.objects.filter(pk__in=wanted)}


def version_digest(version: ProposalVersion) -> str:
    """Every column of the version (document JSON, write-ups, explanations, hashes, code,
    time, filer) and the bytes of its PDF as they are now."""
    return canonical_digest({**row_values(version), "pdf_bytes_sha256": file_sha256(version.pdf)})


def register_integrity() -> None:
    register(KIND, version_rows, version_digest, label="申报版本")
