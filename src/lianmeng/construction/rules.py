"""Permissions of the construction checklist and 验收 (django-rules, autodiscovered).

The view-level gate only; who may see or act on one alliance is decided with the alliance in
hand (``selectors.relation``, ``selectors.organises``)."""

from __future__ import annotations

import rules

from lianmeng.core.rules import is_applicant, is_competent, is_department_staff, is_expert

rules.add_perm("construction.view", is_applicant | is_department_staff | is_expert)
rules.add_perm("construction.edit_checklist", is_applicant)
rules.add_perm("construction.department", is_department_staff)
rules.add_perm("construction.organise", is_competent)
rules.add_perm("construction.score", is_expert)
