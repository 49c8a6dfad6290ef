"""Permissions as django-rules predicates (autodiscovered by rules.apps)."""

from __future__ import annotations

import rules

from .roles import Role


def has_role(role: str) -> rules.Predicate:
    @rules.predicate(name=f"has_role:{role}")
    def predicate(user) -> bool:  # noqa: ANN001
        return bool(getattr(user, "is_authenticated", False)) and user.has_role(role)

    return predicate


is_applicant = has_role(Role.APPLICANT)
is_member = has_role(Role.MEMBER)
is_recommender = has_role(Role.RECOMMENDER)
is_competent = has_role(Role.COMPETENT)
is_expert = has_role(Role.EXPERT)
is_evaluator = has_role(Role.EVALUATOR)
is_coordination = has_role(Role.COORDINATION)
is_sysadmin = has_role(Role.SYSADMIN)
is_secadmin = has_role(Role.SECADMIN)
is_auditadmin = has_role(Role.AUDITADMIN)
is_department_staff = is_recommender | is_competent | is_coordination

rules.add_perm("proposals.list_proposals", is_applicant | is_department_staff)
# experts open only what they are assigned (lianmeng.experts.selectors): 404 for the rest
rules.add_perm("proposals.view_proposal", is_applicant | is_department_staff | is_expert)
rules.add_perm("proposals.import_proposal", is_applicant)
rules.add_perm("core.view_units", is_department_staff | is_sysadmin)
rules.add_perm("core.manage_users", is_sysadmin)
rules.add_perm("core.view_security", is_secadmin)
# 三员分立: roles are granted and revoked by the security administrator only (core.role_grants)
rules.add_perm("core.grant_roles", is_secadmin)
rules.add_perm("core.view_audit", is_auditadmin)
rules.add_perm("core.verify_audit", is_auditadmin)

# View-level gate of the proposal editor; the object-level check (lead unit staff, editable
# status) is lianmeng.proposals.rules and lianmeng.proposals.editing.ensure_editable.
rules.add_perm("proposals.edit_drafts", is_applicant)
rules.add_perm("proposals.confirm_membership", is_member)
rules.add_perm("calls.manage_calls", is_competent)
