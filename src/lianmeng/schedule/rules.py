"""Permissions of the calendar (django-rules, autodiscovered)."""

from __future__ import annotations

import rules

from lianmeng.core.rules import is_applicant, is_department_staff

#: the roles that have deadlines: the lead unit (its proposals and alliances) and departments
#: (their jurisdiction's)
rules.add_perm("schedule.view_calendar", is_applicant | is_department_staff)
