"""Permissions of the key-project solicitations (django-rules, autodiscovered).

The view-level gate only; who may see or act on one solicitation or proposal is decided with the
object in hand (lianmeng.projects.selectors and services)."""

from __future__ import annotations

import rules

from lianmeng.core.rules import is_applicant, is_competent

# the department's pages: its solicitations, their proposals, scores and exports
rules.add_perm("projects.manage", is_competent)
# the lead unit's pages: open solicitations, its proposals
rules.add_perm("projects.file", is_applicant)
# one proposal's page and PDF: the lead unit or the issuing department
rules.add_perm("projects.view", is_applicant | is_competent)
