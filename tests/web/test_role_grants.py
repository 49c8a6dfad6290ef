"""Issue 12, 访问控制 (三员分立): the security administrator grants and revokes roles on
/security/users/ — with a reason, a confirmation and a recent re-authentication; nobody else
opens the pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import get_messages

from lianmeng.core import clock
from lianmeng.core.models import AuditEntry, RoleGrant
from lianmeng.core.role_grants import GRANTED, REVOKED
from lianmeng.core.roles import Role
from tests import two_factor
from tests.conftest import PASSWORD

START = datetime(2026, 3, 2, 9, 0, tzinfo=clock.BEIJING)
REASON = "依据豫科〔2026〕3号通知"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tick(monkeypatch):
    state = {"now": START}
    monkeypatch.setattr(clock, "session_now", lambda: state["now"])

    def advance(**delta):
        state["now"] = state["now"] + timedelta(**delta)

    return advance


@pytest.fixture
def anquan(make_user):
    return make_user([Role.SECADMIN], username="anquan-t")


@pytest.fixture
def staff(make_user):
    user = make_user([Role.RECOMMENDER], jurisdiction="410300", username="luoyang-t")
    user.display_name = "洛阳市科技局"
    user.save()
    return user


def _roles(user) -> set[str]:
    return set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _change(client, user, **data):
    return client.post(f"/security/users/{user.pk}/roles/change/", data)


def test_the_security_page_links_to_role_assignment(client, login, anquan):
    login(anquan)
    page = client.get("/security/").content.decode()
    assert 'href="/security/users/"' in page and "角色分配" in page


def test_account_list_filters_by_name_role_and_jurisdiction(
    client, login, anquan, staff, make_user, make_unit, django_assert_max_num_queries
):
    make_user([Role.COMPETENT], jurisdiction="130600", username="baoding-t")
    make_user([Role.APPLICANT], unit=make_unit("410305"), username="shenbao-t")
    for n in range(50):
        make_user([Role.EXPERT], unit=make_unit("130602"), username=f"expert-t{n:02d}")
    login(anquan)
    with django_assert_max_num_queries(12):
        page = client.get("/security/users/").content.decode()
    assert "anquan-t" in page and "baoding-t" in page and "expert-t00" in page
    assert "expert-t49" not in page  # 50 a page, ordered by user name: page 2
    assert "expert-t49" in client.get("/security/users/", {"page": 2}).content.decode()
    by_name = client.get("/security/users/", {"name": "洛阳市科技"}).content.decode()
    assert "luoyang-t" in by_name and "baoding-t" not in by_name
    by_role = client.get("/security/users/", {"role": "competent"}).content.decode()
    assert "baoding-t" in by_role and "luoyang-t" not in by_role
    # Henan (410000) includes Luoyang's staff and units registered in Henan, not Baoding
    henan = client.get("/security/users/", {"jurisdiction": "410000"}).content.decode()
    assert "luoyang-t" in henan and "shenbao-t" in henan and "baoding-t" not in henan
    by_place = client.get("/security/users/", {"jurisdiction": "保定"}).content.decode()
    assert "baoding-t" in by_place and "luoyang-t" not in by_place


@pytest.mark.parametrize(
    ("roles", "place"),
    [([Role.SYSADMIN], None), ([Role.AUDITADMIN], None), ([Role.COMPETENT], "410000")],
    ids=["xitong", "shenji", "henan"],
)
def test_other_accounts_get_403_and_change_nothing(client, login, make_user, staff, roles, place):
    other = make_user(roles, jurisdiction=place)
    login(other)
    assert client.get("/security/users/").status_code == 403
    assert client.get(f"/security/users/{staff.pk}/roles/").status_code == 403
    posted = {"op": "grant", "role": "competent", "reason": REASON, "confirmed": "1"}
    assert _change(client, staff, **posted).status_code == 403
    assert _roles(staff) == {Role.RECOMMENDER}
    assert not AuditEntry.objects.filter(action=GRANTED).exists()


def test_grant_asks_for_confirmation_then_changes_and_audits(client, login, anquan, staff):
    login(anquan)
    page = client.get(f"/security/users/{staff.pk}/roles/").content.decode()
    assert 'data-lm-confirm="confirm-grant"' in page and 'data-lm-confirm="confirm-revoke"' in page
    asked = _change(client, staff, op="grant", role="competent", reason=REASON)
    assert asked.status_code == 200 and "确认为账号 luoyang-t 分配" in asked.content.decode()
    assert _roles(staff) == {Role.RECOMMENDER}
    done = _change(client, staff, op="grant", role="competent", reason=REASON, confirmed="1")
    assert done["Location"] == f"/security/users/{staff.pk}/roles/"
    assert "已为账号 luoyang-t 分配“主管部门”角色。" in _messages(done)
    assert _roles(staff) == {Role.RECOMMENDER, Role.COMPETENT}
    entry = AuditEntry.objects.get(action=GRANTED)
    assert entry.actor == anquan and entry.object_id == str(staff.pk)
    assert entry.summary["after"]["reason"] == REASON
    _change(client, staff, op="revoke", role="recommender", reason="调岗", confirmed="1")
    assert _roles(staff) == {Role.COMPETENT}
    assert AuditEntry.objects.get(action=REVOKED).summary["after"]["role"] == "recommender"


def test_refusals_are_shown_and_change_nothing(client, login, anquan, staff, make_user):
    login(anquan)
    no_reason = _change(client, staff, op="grant", role="competent", reason=" ", confirmed="1")
    assert any("请填写分配或撤销角色的理由" in m for m in _messages(no_reason))
    admin = _change(client, staff, op="grant", role="sysadmin", reason=REASON, confirmed="1")
    assert any("管理员账号不能同时担任业务角色" in m for m in _messages(admin))
    own = _change(client, anquan, op="revoke", role="secadmin", reason=REASON, confirmed="1")
    assert any("不能更改自己的角色" in m for m in _messages(own))
    page = client.get(f"/security/users/{anquan.pk}/roles/").content.decode()
    assert "安全管理员不能更改自己的角色" in page and 'aria-disabled="true"' in page
    assert _roles(staff) == {Role.RECOMMENDER} and _roles(anquan) == {Role.SECADMIN}
    assert not AuditEntry.objects.filter(action__in=(GRANTED, REVOKED)).exists()


def test_a_stale_session_changes_nothing_until_the_password_is_confirmed(
    client, login, anquan, staff, tick
):
    login(anquan)
    tick(minutes=11)
    page = f"http://testserver/security/users/{staff.pk}/roles/"
    posted = {"op": "grant", "role": "competent", "reason": REASON, "confirmed": "1"}
    refused = client.post(f"/security/users/{staff.pk}/roles/change/", posted, HTTP_REFERER=page)
    assert refused.status_code == 302
    assert urlsplit(refused["Location"]).path == "/accounts/confirm/"
    assert "为保护数据安全，请再次输入密码后重新操作。" in _messages(refused)
    assert _roles(staff) == {Role.RECOMMENDER}
    device = two_factor.enrol(anquan)  # administrators sign in with a second factor
    back = client.post(
        "/accounts/confirm/",
        {
            "password": PASSWORD,
            "otp_token": two_factor.current_code(device),
            "next": f"/security/users/{staff.pk}/roles/",
        },
    )
    assert back["Location"] == f"/security/users/{staff.pk}/roles/"
    _change(client, staff, **posted)
    assert _roles(staff) == {Role.RECOMMENDER, Role.COMPETENT}


def test_pages_and_refusals_in_english(client, login, anquan, staff, tick):
    login(anquan)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Role assignment" in client.get("/security/users/").content.decode()
    page = client.get(f"/security/users/{staff.pk}/roles/").content.decode()
    assert "Roles of account luoyang-t" in page and "Grant a role" in page
    refused = _change(client, staff, op="grant", role="competent", reason="", confirmed="1")
    assert any("Please give the reason" in m for m in _messages(refused))
    tick(minutes=11)
    stale = _change(client, staff, op="grant", role="competent", reason=REASON, confirmed="1")
    assert "To protect the data, please enter your password again" in _messages(stale)[-1]
    assert "Confirm your identity" in client.get(stale["Location"]).content.decode()
