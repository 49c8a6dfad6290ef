"""Permissions of whatif (django-rules, autodiscovered).

The view-level gate only: which drafts and profiles a department may use is decided with the
object in hand (lianmeng.whatif.selectors and services): competent staff of the profile's own
jurisdiction."""

from __future__ import annotations

import rules

from lianmeng.core.rules import is_competent

# the drafts list, one draft, running the comparison, the exports: competent staff
rules.add_perm("whatif.use", is_competent)
