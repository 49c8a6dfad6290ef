"""Units are identified by their USCC; users hold roles; the three administrators stay apart."""

from __future__ import annotations

import pytest

from lianmeng.core.errors import Conflict, ValidationFailed
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import jurisdiction_for_region, unit_list
from lianmeng.core.services import role_grant, unit_create
from tests.conftest import PASSWORD, make_uscc

pytestmark = pytest.mark.django_db


def test_region_comes_from_uscc_digits():
    unit = unit_create(actor=None, name="洛阳某公司", kind="enterprise", uscc=make_uscc("410305"))
    assert unit.region.code == "410305" and unit.region.name == "涧西区"
    assert unit.region.parent.name == "洛阳市"


def test_historical_county_code_still_resolves():
    # 偃师市 (410381) became 偃师区 in 2021; a licence issued before keeps the old code.
    unit = unit_create(actor=None, name="偃师老企业", kind="enterprise", uscc=make_uscc("410381"))
    assert unit.region.name == "偃师市" and not unit.region.active
    assert unit.region.parent.code == "410300"


def test_unknown_region_falls_back_to_city_then_refuses_nonsense():
    assert jurisdiction_for_region("410399").code == "410300"
    assert jurisdiction_for_region("999999") is None


def test_bad_check_digit_is_refused_in_chinese():
    code = make_uscc("410305")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationFailed) as err:
        unit_create(actor=None, name="错码单位", kind="enterprise", uscc=wrong)
    assert "统一社会信用代码" in err.value.message


def test_same_uscc_twice_is_a_conflict():
    code = make_uscc("410305")
    unit_create(actor=None, name="甲", kind="enterprise", uscc=code)
    with pytest.raises(Conflict):
        unit_create(actor=None, name="乙", kind="enterprise", uscc=code)


def test_org_code_without_uscc_needs_region():
    with pytest.raises(ValidationFailed):
        unit_create(actor=None, name="无码所", kind="research_institute", org_code="12345678-X")


@pytest.mark.parametrize(
    "admins",
    [
        {Role.SYSADMIN, Role.SECADMIN},
        {Role.SYSADMIN, Role.AUDITADMIN},
        {Role.SECADMIN, Role.AUDITADMIN},
        {Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN},
    ],
)
def test_one_account_cannot_combine_administrators(make_user, admins):
    with pytest.raises(ValidationFailed) as err:
        make_user(admins)
    assert "三员分立" in err.value.message


def test_granting_a_second_admin_role_is_refused(make_user):
    user = make_user([Role.SYSADMIN])
    with pytest.raises(ValidationFailed):
        role_grant(actor=None, user=user, role=Role.AUDITADMIN)
    assert user.role_set() == {Role.SYSADMIN}


def test_administrators_are_never_superusers(make_user):
    for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN):
        user = make_user([role])
        assert not user.is_superuser and not user.is_staff
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="root", is_superuser=True)


def test_staff_need_a_jurisdiction_and_unit_roles_a_unit(make_user):
    with pytest.raises(ValidationFailed):
        make_user([Role.RECOMMENDER])
    with pytest.raises(ValidationFailed):
        make_user([Role.APPLICANT])


def test_weak_password_refused(make_unit):
    from lianmeng.core.services import user_create

    with pytest.raises(ValidationFailed):
        user_create(actor=None, username="weak", password="123", roles=[])
    assert PASSWORD  # the fixture password itself passes the validators (used everywhere)


def test_unit_list_is_scoped_to_the_viewer_jurisdiction(make_unit, make_user):
    jianxi = make_unit("410305")
    luolong = make_unit("410311")
    county = make_user([Role.RECOMMENDER], jurisdiction="410305")
    city = make_user([Role.COMPETENT], jurisdiction="410300")
    applicant = make_user([Role.APPLICANT], unit=luolong)
    assert set(unit_list(viewer=county)) == {jianxi}
    assert set(unit_list(viewer=city)) >= {jianxi, luolong}
    assert list(unit_list(viewer=applicant)) == [luolong]
