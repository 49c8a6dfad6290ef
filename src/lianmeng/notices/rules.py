"""Permissions of notices (django-rules, autodiscovered).

The view-level gate only: which announcement and objection a department acts on is decided
with the object in hand (lianmeng.notices.selectors and services). The public pages are open."""

from __future__ import annotations

import rules

from lianmeng.core.rules import is_department_staff

# drafting, publishing, withdrawing announcements; handling objections; 决定生效
rules.add_perm("notices.manage", is_department_staff)
