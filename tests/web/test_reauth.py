"""Issue 12, 身份鉴别: re-authentication before sensitive actions (lianmeng.core.reauth).

Publishing decisions, downloading exports that carry personal data (the expert pool, a
proposal's roster and its JSON export) and creating API tokens need a password typed within
LIANMENG_REAUTH_MINUTES (10). Signing in counts; after that the confirm page
/accounts/confirm/ renews the proof. The clock is core.clock.session_now(), moved here.
"""

# ruff: noqa: F811 -- fixtures imported from tests.experts.fixtures are redefined as arguments
from __future__ import annotations

import json
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from openpyxl import load_workbook

from lianmeng.core import clock, reauth
from lianmeng.core.access import declared_access
from lianmeng.core.models import AuditEntry
from lianmeng.core.roles import Role
from lianmeng.web import lockout
from tests import two_factor
from tests.conftest import PASSWORD
from tests.experts.fixtures import (  # noqa: F401 -- fixtures
    _fast_passwords,
    henan_staff,
    make_expert,
    make_review_proposal,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=clock.BEIJING)
CONFIRM = "/accounts/confirm/"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture
def tick(monkeypatch):
    state = {"now": START}
    monkeypatch.setattr(clock, "session_now", lambda: state["now"])

    def advance(**delta):
        state["now"] = state["now"] + timedelta(**delta)

    return advance


def _next_of(response) -> str:
    """The ``next`` of a redirect to the confirm page (fails for any other answer)."""
    assert response.status_code == 302, response.status_code
    parts = urlsplit(response["Location"])
    assert parts.path == CONFIRM, response["Location"]
    return parse_qs(parts.query)["next"][0]


def _confirm(client, user, *, password: str = PASSWORD, next_url: str = "/home/", code=None):
    data = {"password": password, "next": next_url}
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        data["otp_token"] = code if code is not None else two_factor.current_code(device)
    return client.post(CONFIRM, data)


def _no_file(response) -> None:
    assert "Content-Disposition" not in response
    assert response.status_code == 302


# -- the decorator ----------------------------------------------------------------------


def test_guarded_views_keep_their_access_declaration():
    """@recent_auth stacked with @permission: the deny-by-default check still sees the
    permission (whatever the order), and the view is marked as guarded."""
    from lianmeng.alliances.views import decisions_publish
    from lianmeng.core.access import permission
    from lianmeng.experts.views_exports import pool_xlsx
    from lianmeng.proposals.views_roster import roster_export_view
    from lianmeng.web.views import proposal_export_json
    from lianmeng.web.views_roles import account_roles_change

    assert declared_access(decisions_publish) == "alliances.decide"
    assert declared_access(pool_xlsx) == "experts.manage_rounds"
    assert declared_access(roster_export_view) == "proposals.edit_drafts"
    assert declared_access(proposal_export_json) == "proposals.view_proposal"
    assert declared_access(account_roles_change) == "core.grant_roles"
    for view in (
        decisions_publish,
        pool_xlsx,
        roster_export_view,
        proposal_export_json,
        account_roles_change,
    ):
        assert getattr(view, reauth.ATTR, False) is True, view

    def view(request):  # pragma: no cover - never called
        return None

    above = reauth.recent_auth(permission("core.view_audit")(view))
    assert declared_access(above) == "core.view_audit"


# -- exports with personal data -----------------------------------------------------------


def test_pool_export_refused_when_stale_then_downloaded_after_confirming(
    client, login, make_user, make_expert, tick
):
    staff = make_user(["recommender", "competent"], jurisdiction="410300")
    expert = make_expert("410311")
    expert.phone = "0379-12345678"
    expert.save()
    login(staff)
    tick(minutes=9)  # within the window since signing in
    fresh = client.get("/staff/experts/export.xlsx")
    assert fresh.status_code == 200 and "attachment" in fresh["Content-Disposition"]
    tick(minutes=2)  # 11 minutes since the sign-in
    stale = client.get("/staff/experts/export.xlsx")
    _no_file(stale)
    assert _next_of(stale) == "/staff/experts/export.xlsx"
    page = client.get(stale["Location"]).content.decode()
    assert "再次验证身份" in page and 'name="password"' in page
    assert 'name="otp_token"' in page  # a competent department has an authenticator
    done = _confirm(client, staff, next_url="/staff/experts/export.xlsx")
    assert done.status_code == 302 and done["Location"] == "/staff/experts/export.xlsx"
    book = load_workbook(BytesIO(client.get(done["Location"]).content))
    assert "0379-12345678" in [str(c.value) for row in book.active.iter_rows() for c in row]
    assert AuditEntry.objects.filter(action="lianmeng.auth.reauth", actor=staff).count() == 1


def test_window_is_a_setting(client, login, make_user, tick, settings):
    settings.LIANMENG_REAUTH_MINUTES = 3
    staff = make_user(["recommender", "competent"], jurisdiction="410300")
    login(staff)
    tick(minutes=2)
    assert client.get("/staff/experts/export.xlsx").status_code == 200
    tick(minutes=2)
    _no_file(client.get("/staff/experts/export.xlsx"))


def _import_henan(make_user):
    from lianmeng.proposals.services import proposal_import

    document = json.loads((EXAMPLES / "henan-valid.json").read_text(encoding="utf-8"))
    document.pop("submitted_at", None)
    proposal = proposal_import(actor=None, document=document)
    return proposal, make_user([Role.APPLICANT], unit=proposal.lead_unit)


def test_roster_and_json_exports_refused_when_stale(client, login, make_user, tick):
    proposal, applicant = _import_henan(make_user)
    roster_url = f"/proposals/{proposal.pk}/edit/members/export/"
    json_url = f"/proposals/{proposal.pk}/export.json"
    login(applicant)
    tick(minutes=11)
    for url in (roster_url, json_url):
        stale = client.get(url)
        _no_file(stale)
        assert _next_of(stale) == url
        assert "13838012345" not in stale.content.decode()
    assert _confirm(client, applicant, next_url=json_url)["Location"] == json_url
    exported = client.get(json_url)
    assert exported.status_code == 200 and "13838012345" in exported.content.decode()
    roster = client.get(roster_url)
    assert roster.status_code == 200 and "attachment" in roster["Content-Disposition"]


# -- publishing decisions ------------------------------------------------------------------


def _staged_decision(henan_staff, make_review_proposal, monkeypatch):
    from lianmeng.alliances import services
    from lianmeng.experts import services as review

    monkeypatch.setattr(clock, "now", lambda: datetime(2020, 11, 16, 10, 0, tzinfo=clock.BEIJING))
    proposal = make_review_proposal(name="河南省轴承产业技术创新战略联盟")
    round = review.round_create(actor=henan_staff, profile="henan", call_year=2020)
    review.round_add_proposals(actor=henan_staff, round_id=round.pk, proposal_ids=[proposal.pk])
    review.round_close(actor=henan_staff, round_id=round.pk)
    return services.decision_stage(
        actor=henan_staff, proposal_id=proposal.pk, kind="approve_to_build", reason="同意"
    )


def test_stale_publish_is_not_performed_and_works_after_confirming(
    client, login, henan_staff, make_review_proposal, monkeypatch, tick
):
    from lianmeng.alliances.models import Alliance, Decision

    staged = _staged_decision(henan_staff, make_review_proposal, monkeypatch)
    login(henan_staff)
    tick(minutes=15)
    posted = {"decisions": [staged.pk], "reference": "豫科〔2020〕12号", "confirmed": "1"}
    refused = client.post(
        "/staff/decisions/publish/", posted, HTTP_REFERER="http://testserver/staff/decisions/"
    )
    assert _next_of(refused) == "/staff/decisions/"
    assert (
        "为保护数据安全，请再次输入密码后重新操作"
        in [str(m) for m in get_messages(refused.wsgi_request)][-1]
    )
    assert Decision.objects.get(pk=staged.pk).published_at is None
    assert not Alliance.objects.exists()
    # the page the form was on, once the password (and code) is confirmed
    back = _confirm(client, henan_staff, next_url=_next_of(refused))
    assert back["Location"] == "/staff/decisions/"
    client.post("/staff/decisions/publish/", posted)
    assert Decision.objects.get(pk=staged.pk).published_at is not None
    assert Alliance.objects.count() == 1


def test_stale_post_with_a_foreign_referer_goes_back_home(
    client, login, henan_staff, make_review_proposal, monkeypatch, tick
):
    from lianmeng.alliances.models import Decision

    staged = _staged_decision(henan_staff, make_review_proposal, monkeypatch)
    login(henan_staff)
    tick(minutes=11)
    posted = {"decisions": [staged.pk], "reference": "豫科〔2020〕12号", "confirmed": "1"}
    for referer in ("https://evil.example/staff/decisions/", None):
        extra = {"HTTP_REFERER": referer} if referer else {}
        refused = client.post("/staff/decisions/publish/", posted, **extra)
        assert _next_of(refused) == "/home/"
    assert Decision.objects.get(pk=staged.pk).published_at is None


# -- the confirm page ------------------------------------------------------------------------


def test_wrong_password_is_counted_audited_and_locks(client, login, make_user, tick, settings):
    settings.LIANMENG_LOCKOUT_ATTEMPTS = 3
    staff = make_user(["recommender"], jurisdiction="410300")
    login(staff)
    tick(minutes=11)
    wrong = _confirm(client, staff, password="not-the-password", next_url="/staff/experts/")
    assert wrong.status_code == 200 and "密码不正确" in wrong.content.decode()
    failed = AuditEntry.objects.filter(action=lockout.LOGIN_FAILED, object_id=str(staff.pk))
    assert failed.count() == 1
    assert failed.get().summary["after"]["via"] == "reauth"
    assert lockout.failures(staff) == 1
    _confirm(client, staff, password="still-wrong")
    locked = _confirm(client, staff, password="third-time")
    # the failure that locks the account signs the session out
    assert locked.status_code == 302 and locked["Location"] == "/accounts/login/"
    assert lockout.is_locked(staff)
    assert client.get("/home/").status_code == 302
    again = client.post("/accounts/login/", {"username": staff.username, "password": PASSWORD})
    assert "已被锁定" in again.content.decode()


def test_wrong_code_is_counted_and_right_code_is_needed(client, login, make_user, tick):
    staff = make_user(["competent"], jurisdiction="410300")
    login(staff)  # enrols an authenticator (required for competent departments)
    tick(minutes=11)
    missing = client.post(CONFIRM, {"password": PASSWORD, "next": "/home/"})
    assert missing.status_code == 200 and "6 位动态验证码" in missing.content.decode()
    wrong = _confirm(client, staff, code="000000")
    assert wrong.status_code == 200 and "动态验证码不正确" in wrong.content.decode()
    assert lockout.failures(staff) == 1
    assert not AuditEntry.objects.filter(action="lianmeng.auth.reauth").exists()
    assert _confirm(client, staff)["Location"] == "/home/"
    assert AuditEntry.objects.filter(action="lianmeng.auth.reauth", actor=staff).exists()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/home/",
        "http://evil.example/staff/experts/export.xlsx",
        "javascript:alert(1)",
        "/\\evil.example",
    ],
)
def test_next_never_leaves_the_site(client, login, make_user, tick, target):
    staff = make_user(["recommender"], jurisdiction="410300")
    login(staff)
    tick(minutes=11)
    page = client.get(CONFIRM, {"next": target}).content.decode()
    assert '<input type="hidden" name="next" value="/home/">' in page
    assert _confirm(client, staff, next_url=target)["Location"] == "/home/"


def test_confirm_page_needs_sign_in(client):
    response = client.get(CONFIRM)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# -- the API -----------------------------------------------------------------------------------


def test_api_token_creation_needs_a_recent_proof(client, login, make_user, tick):
    from lianmeng.core.models import ApiToken

    staff = make_user(["recommender"], jurisdiction="410300")
    login(staff)
    tick(minutes=11)
    refused = client.post("/api/v1/tokens", {"name": "导出"}, content_type="application/json")
    assert refused.status_code == 403 and "/accounts/confirm/" in refused.json()["message"]
    assert not ApiToken.objects.exists()
    _confirm(client, staff)
    created = client.post("/api/v1/tokens", {"name": "导出"}, content_type="application/json")
    assert created.status_code == 201 and ApiToken.objects.count() == 1


def test_api_publish_with_a_stale_session_is_refused_with_a_token_accepted(
    client, login, henan_staff, make_review_proposal, monkeypatch, tick
):
    from lianmeng.alliances.models import Decision
    from lianmeng.core.tokens import token_create

    staged = _staged_decision(henan_staff, make_review_proposal, monkeypatch)
    login(henan_staff)
    tick(minutes=11)
    body = {"decisions": [staged.pk], "reference": "豫科〔2020〕12号"}
    refused = client.post("/api/v1/decisions/publish", body, content_type="application/json")
    assert refused.status_code == 403
    assert Decision.objects.get(pk=staged.pk).published_at is None
    client.logout()
    key = token_create(actor=henan_staff, name="发文系统")[1]
    accepted = client.post(
        "/api/v1/decisions/publish",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert accepted.status_code == 200, accepted.content
    assert Decision.objects.get(pk=staged.pk).published_at is not None
