"""Permissions of alliance reports (django-rules, autodiscovered).

The view-level gate only; who may see or act on one report is decided with the report in hand
(lianmeng.reporting.selectors and the lifecycle engine)."""

from __future__ import annotations

import rules

from lianmeng.core.rules import is_applicant, is_competent, is_coordination, is_department_staff

rules.add_perm("reporting.view_report", is_applicant | is_department_staff)
# the lead unit's staff hold the applicant role (申报单位（牵头单位）)
rules.add_perm("reporting.edit_report", is_applicant)
rules.add_perm("reporting.review_report", is_department_staff)
rules.add_perm("reporting.decide_report", is_competent | is_coordination)
