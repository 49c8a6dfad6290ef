"""Roles of REQUIREMENTS.md "People"."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申报单位（牵头单位）")
    MEMBER = "member", _("成员单位")
    RECOMMENDER = "recommender", _("推荐部门")
    COMPETENT = "competent", _("主管部门")
    EXPERT = "expert", _("评审专家")
    EVALUATOR = "evaluator", _("第三方评估机构")
    COORDINATION = "coordination", _("协调小组")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITADMIN = "auditadmin", _("审计管理员")


#: The three separated administrators (三员分立): one account holds at most one of them,
#: and an administrator holds no business role.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN})
#: Roles whose holder acts for a unit (organisation).
UNIT_ROLES = frozenset({Role.APPLICANT, Role.MEMBER, Role.EXPERT, Role.EVALUATOR})
#: Roles whose holder acts for a jurisdiction (department staff).
JURISDICTION_ROLES = frozenset({Role.RECOMMENDER, Role.COMPETENT, Role.COORDINATION})
#: Roles whose holders must sign in with a second factor (issue 12: TOTP with recovery codes
#: for the three administrators and the competent departments; optional for everyone else).
TWO_FACTOR_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN, Role.COMPETENT})
