"""Permissions of the alliance workspace (django-rules, autodiscovered).

The view-level gate only; who may see or write one alliance's workspace is decided with the
alliance in hand (``selectors.relation``: lead unit writes, member units and the departments of
its area read)."""

from __future__ import annotations

import rules

from lianmeng.core.rules import is_applicant, is_department_staff, is_member

rules.add_perm("running.view_workspace", is_applicant | is_member | is_department_staff)
# the lead unit's staff hold the applicant role (申报单位（牵头单位）)
rules.add_perm("running.edit_workspace", is_applicant)
# 变更备案: the lead unit files, the departments of the area acknowledge or query, member
# units sign a renewal (which filing each may open is decided by the selectors)
rules.add_perm("running.view_changes", is_applicant | is_member | is_department_staff)
