"""Issue 12, 访问控制 (三员分立): only the security administrator grants and revokes roles
(lianmeng.core.role_grants), never his own, keeping the separation of the three
administrators, the unit/jurisdiction an account's roles need, and at least one security
administrator; every change audited with its reason."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianmeng.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from lianmeng.core.models import AuditEntry, RoleGrant, User
from lianmeng.core.role_grants import GRANTED, REVOKED, role_assign, role_revoke
from lianmeng.core.roles import ADMIN_ROLES, JURISDICTION_ROLES, UNIT_ROLES, Role

REASON = "依据豫科〔2026〕3号通知"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hundreds of accounts are made here; the production hasher is not what is tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def secadmin(make_user):
    return make_user([Role.SECADMIN], username="anquan-test")


@pytest.fixture
def staff(make_user):
    return make_user([Role.RECOMMENDER], jurisdiction="410300", username="ly-staff")


def _roles(user: User) -> set[str]:
    return set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))


def test_grant_and_revoke_are_audited_with_who_whom_what_and_why(secadmin, staff):
    role_assign(actor=secadmin, user_id=staff.pk, role=Role.COMPETENT, reason=REASON)
    assert _roles(staff) == {Role.RECOMMENDER, Role.COMPETENT}
    role_revoke(actor=secadmin, user_id=staff.pk, role=Role.RECOMMENDER, reason="  岗位调整 ")
    assert _roles(staff) == {Role.COMPETENT}
    granted, revoked = AuditEntry.objects.filter(action__in=(GRANTED, REVOKED)).order_by("id")
    assert (granted.action, granted.actor, granted.object_id) == (GRANTED, secadmin, str(staff.pk))
    assert granted.summary["before"]["roles"] == ["recommender"]
    assert granted.summary["after"]["role"] == "competent"
    assert granted.summary["after"]["reason"] == REASON
    assert revoked.action == REVOKED and revoked.summary["after"]["reason"] == "岗位调整"
    assert revoked.summary["after"]["roles"] == ["competent"]


@pytest.mark.parametrize("reason", ["", "   ", None, "长" * 201])
def test_reason_is_required_and_bounded(secadmin, staff, reason):
    with pytest.raises(ValidationFailed):
        role_assign(actor=secadmin, user_id=staff.pk, role=Role.COMPETENT, reason=reason)
    assert _roles(staff) == {Role.RECOMMENDER}
    assert not AuditEntry.objects.filter(action=GRANTED).exists()


@pytest.mark.parametrize(
    "roles", [[Role.SYSADMIN], [Role.AUDITADMIN], [Role.COMPETENT], [Role.APPLICANT]]
)
def test_nobody_but_the_security_administrator_changes_roles(make_user, make_unit, staff, roles):
    actor = make_user(
        roles,
        jurisdiction="410000" if Role.COMPETENT in roles else None,
        unit=make_unit() if Role.APPLICANT in roles else None,
    )
    with pytest.raises(PermissionDenied):
        role_assign(actor=actor, user_id=staff.pk, role=Role.COMPETENT, reason=REASON)
    with pytest.raises(PermissionDenied):
        role_revoke(actor=actor, user_id=staff.pk, role=Role.RECOMMENDER, reason=REASON)
    assert _roles(staff) == {Role.RECOMMENDER}


def test_a_security_administrator_cannot_change_his_own_roles(secadmin):
    with pytest.raises(PermissionDenied, match="不能更改自己的角色"):
        role_revoke(actor=secadmin, user_id=secadmin.pk, role=Role.SECADMIN, reason=REASON)
    with pytest.raises(PermissionDenied, match="不能更改自己的角色"):
        role_assign(actor=secadmin, user_id=secadmin.pk, role=Role.SYSADMIN, reason=REASON)
    assert _roles(secadmin) == {Role.SECADMIN}


def test_three_administrators_stay_separate(secadmin, make_user, staff):
    admin = make_user([Role.SYSADMIN])
    for role in (Role.SECADMIN, Role.AUDITADMIN):
        with pytest.raises(ValidationFailed, match="三员分立"):
            role_assign(actor=secadmin, user_id=admin.pk, role=role, reason=REASON)
    with pytest.raises(ValidationFailed, match="管理员账号不能同时担任业务角色"):
        role_assign(actor=secadmin, user_id=admin.pk, role=Role.COMPETENT, reason=REASON)
    with pytest.raises(ValidationFailed, match="管理员账号不能同时担任业务角色"):
        role_assign(actor=secadmin, user_id=staff.pk, role=Role.AUDITADMIN, reason=REASON)
    assert _roles(admin) == {Role.SYSADMIN} and _roles(staff) == {Role.RECOMMENDER}


def test_jurisdiction_and_unit_roles_need_their_place(secadmin, make_user, make_unit):
    bare = make_user([])
    with pytest.raises(ValidationFailed, match="所属区划"):
        role_assign(actor=secadmin, user_id=bare.pk, role=Role.COMPETENT, reason=REASON)
    with pytest.raises(ValidationFailed, match="所属单位"):
        role_assign(actor=secadmin, user_id=bare.pk, role=Role.EXPERT, reason=REASON)
    role_assign(actor=secadmin, user_id=bare.pk, role=Role.SYSADMIN, reason=REASON)
    unit_user = make_user([], unit=make_unit())
    role_assign(actor=secadmin, user_id=unit_user.pk, role=Role.EXPERT, reason=REASON)
    assert _roles(bare) == {Role.SYSADMIN} and _roles(unit_user) == {Role.EXPERT}


def test_double_grant_and_missing_revoke_are_conflicts(secadmin, staff):
    with pytest.raises(Conflict):
        role_assign(actor=secadmin, user_id=staff.pk, role=Role.RECOMMENDER, reason=REASON)
    with pytest.raises(Conflict):
        role_revoke(actor=secadmin, user_id=staff.pk, role=Role.COMPETENT, reason=REASON)


def test_the_last_security_administrator_keeps_the_role(secadmin, make_user):
    other = make_user([Role.SECADMIN])
    # with two, one may revoke the other's
    role_revoke(actor=secadmin, user_id=other.pk, role=Role.SECADMIN, reason=REASON)
    role_assign(actor=secadmin, user_id=other.pk, role=Role.SECADMIN, reason=REASON)
    # the acting account has been disabled by the system administrator meanwhile: revoking
    # the other would leave no security administrator who can sign in
    User.objects.filter(pk=secadmin.pk).update(is_active=False)
    secadmin.refresh_from_db()
    with pytest.raises(Conflict, match="最后一名安全管理员"):
        role_revoke(actor=secadmin, user_id=other.pk, role=Role.SECADMIN, reason=REASON)
    assert _roles(other) == {Role.SECADMIN}


def test_unknown_account_or_role(secadmin, staff):
    from lianmeng.core.errors import NotFound

    with pytest.raises(NotFound):
        role_assign(actor=secadmin, user_id=10**9, role=Role.COMPETENT, reason=REASON)
    with pytest.raises(ValidationFailed):
        role_assign(actor=secadmin, user_id=staff.pk, role="superuser", reason=REASON)


# -- any sequence of changes keeps the invariants --------------------------------------------

ROLES = list(Role.values)
STEP = st.tuples(
    st.integers(0, 5),  # actor
    st.integers(0, 5),  # target
    st.sampled_from(["grant", "revoke"]),
    st.sampled_from(ROLES),
)


def _invariants(users: list[User]) -> None:
    active_secadmins = 0
    for user in users:
        user.refresh_from_db()
        roles = _roles(user)
        assert len(roles & ADMIN_ROLES) <= 1, (user, roles)
        assert not (roles & ADMIN_ROLES and roles - ADMIN_ROLES), (user, roles)
        assert not (roles & UNIT_ROLES and user.unit_id is None), (user, roles)
        assert not (roles & JURISDICTION_ROLES and user.jurisdiction_id is None), (user, roles)
        active_secadmins += Role.SECADMIN in roles and user.is_active
    assert active_secadmins >= 1


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=12))
def test_any_sequence_of_changes_keeps_the_three_administrators_rules(make_user, make_unit, steps):
    with transaction.atomic():
        unit = make_unit()
        users = [
            make_user([Role.SECADMIN]),
            make_user([Role.SECADMIN]),
            make_user([Role.SYSADMIN]),
            make_user([Role.RECOMMENDER], jurisdiction="410300"),
            make_user([Role.APPLICANT], unit=unit),
            make_user([]),
        ]
        _invariants(users)
        for actor_i, target_i, op, role in steps:
            for user in users:  # each request loads its user afresh
                user._role_cache = None
            actor, target = users[actor_i], users[target_i]
            before_actor = _roles(actor)
            service = role_assign if op == "grant" else role_revoke
            is_secadmin = Role.SECADMIN in before_actor
            try:
                service(actor=actor, user_id=target.pk, role=role, reason=REASON)
            except DomainError as exc:
                if not is_secadmin:
                    assert isinstance(exc, PermissionDenied)
            else:
                assert is_secadmin and actor.pk != target.pk
            if actor.pk == target.pk:
                assert _roles(actor) == before_actor
            _invariants(users)
        transaction.set_rollback(True)
