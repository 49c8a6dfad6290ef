"""Permissions of ipbase (django-rules, autodiscovered).

The view-level gate only: the base is public; reporting for an alliance is checked with the
alliance in hand (lianmeng.ipbase.services: its lead unit's applicants)."""

from __future__ import annotations

import rules

from lianmeng.core.rules import is_applicant

# reporting patents and standards: the lead units' applicants
rules.add_perm("ipbase.report", is_applicant)
