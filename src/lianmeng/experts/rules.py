"""Permissions of expert review (django-rules, autodiscovered); services check again."""

from __future__ import annotations

import rules

from lianmeng.core.rules import is_competent, is_coordination, is_expert

#: the expert's inbox and scoring form
rules.add_perm("experts.review", is_expert)
#: review rounds, the expert pool, assignment and results: the organising department
#: (Heilongjiang: the coordination group); the service checks the jurisdiction
rules.add_perm("experts.manage_rounds", is_competent | is_coordination)
