"""Permissions of the annual evaluation (django-rules, autodiscovered).

The view-level gate only; who may see or act on one campaign, evaluation or rectification is
decided with the object in hand (lianmeng.evaluation.selectors and services)."""

from __future__ import annotations

import rules

from lianmeng.core.rules import (
    is_applicant,
    is_competent,
    is_department_staff,
    is_evaluator,
    is_expert,
)

# the department pages: the organising department and the departments below it
rules.add_perm("evaluation.department", is_department_staff)
# opening and running a campaign: competent staff (of the profile's jurisdiction, checked later)
rules.add_perm("evaluation.organise", is_competent)
# one alliance's evaluation: the lead unit, the departments, the evaluators assigned to it
rules.add_perm("evaluation.view", is_applicant | is_department_staff | is_evaluator | is_expert)
# rectifications: the lead unit writes the report, the departments read, the organiser re-checks
rules.add_perm("evaluation.rectification", is_applicant | is_department_staff)
rules.add_perm("evaluation.rectify", is_applicant)
# the lead unit's self-evaluation and the evaluators' scoring (views_parties)
rules.add_perm("evaluation.self_evaluate", is_applicant)
rules.add_perm("evaluation.score", is_evaluator | is_expert)
