"""Issue 12, finding 9 (headers): no-store on every answer to a signed-in user, a
Content-Security-Policy without 'unsafe-inline' on every HTML page."""

from __future__ import annotations

import pytest

from lianmeng.core.roles import Role


@pytest.fixture
def applicant(make_unit, make_user):
    return make_user([Role.APPLICANT], unit=make_unit("410305"))


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "") and response.get("Pragma") == "no-cache"


def test_public_pages_keep_normal_caching_for_visitors(client, db):
    for url in ("/", "/policies/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.get("Cache-Control", ""), url
        assert "Pragma" not in response, url


def test_every_answer_to_a_signed_in_user_is_no_store(client, login, applicant, make_proposal):
    login(applicant)
    proposal = make_proposal(applicant.unit, status="draft")
    for url in ("/", "/home/", "/proposals/", "/policies/", f"/proposals/{proposal.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), (url, response.get("Cache-Control"))
    # personal data in other formats too: JSON export and the XLSX list
    for url in (f"/proposals/{proposal.pk}/export.json", "/proposals/export.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), (url, response.get("Cache-Control"))


def test_api_answers_to_a_token_are_no_store(client, db):
    response = client.get("/api/v1/calls", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert _no_store(response)


CSP_PARTS = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'self'",
    "base-uri 'self'",
    "form-action 'self'",
)


def test_html_pages_carry_a_csp_without_unsafe_inline(client, login, applicant):
    for response in (client.get("/"), client.get("/accounts/login/")):
        policy = response["Content-Security-Policy"]
        for part in CSP_PARTS:
            assert part in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    login(applicant)
    assert "script-src 'self'" in client.get("/home/")["Content-Security-Policy"]


def test_non_html_answers_carry_no_csp(client, login, applicant):
    login(applicant)
    response = client.get("/proposals/export.xlsx")
    assert "Content-Security-Policy" not in response


def test_report_only_mode_is_a_setting(client, db, settings):
    settings.LIANMENG_CSP_REPORT_ONLY = True
    response = client.get("/")
    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]
