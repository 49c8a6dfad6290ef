"""Permissions of insight (django-rules, autodiscovered).

The view-level gate only: which alliances, members and figures a department sees is decided by
its jurisdiction in lianmeng.insight.selectors and the snapshots (its area and the areas below)."""

from __future__ import annotations

import rules

from lianmeng.core.rules import is_department_staff

# the dashboards, overlap and chain analysis: departments (recommending, competent, coordination)
rules.add_perm("insight.view", is_department_staff)
