"""API tokens: created from the web session, shown once, used as Bearer, revoked → 401."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lianmeng.core.models import ApiToken, AuditEntry
from tests.api.conftest import API, assert_error, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(make_user, make_unit):
    return make_user(["applicant"], unit=make_unit())


def test_lifecycle_create_use_revoke(client, applicant):
    client.force_login(applicant)
    created = client.post(
        f"{API}/tokens", {"name": "市局数据交换"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    key = body["key"]
    assert key.startswith("lm_") and body["prefix"] == key[:8] and body["revoked_at"] is None

    # only the hash is stored
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.filter(pk=body["id"]).values().first())

    machine = Client()
    listed = machine.get(f"{API}/tokens", headers=bearer(key))
    assert listed.status_code == 200
    assert [t["name"] for t in listed.json()] == ["市局数据交换"]
    assert "key" not in listed.json()[0]  # shown once, at creation only
    assert machine.get(f"{API}/proposals", headers=bearer(key)).status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None

    revoked = machine.delete(f"{API}/tokens/{body['id']}", headers=bearer(key))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert_error(machine.get(f"{API}/proposals", headers=bearer(key)), 401, "not_authenticated")

    actions = list(
        AuditEntry.objects.filter(object_type="core.apitoken", object_id=str(body["id"]))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["lianmeng.core.api_token.created", "lianmeng.core.api_token.revoked"]


def test_a_token_cannot_mint_tokens(client, applicant, token_for):
    response = client.post(
        f"{API}/tokens",
        {"name": "x"},
        content_type="application/json",
        headers=bearer(token_for(applicant)),
    )
    assert_error(response, 401)


def test_session_writes_need_the_csrf_token(applicant):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(applicant)
    refused = browser.post(f"{API}/tokens", {"name": "x"}, content_type="application/json")
    assert_error(refused, 403, "csrf_failed")

    browser.get(f"{API}/docs")  # any page that renders the token sets the cookie
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post(
        f"{API}/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert accepted.status_code == 201


def test_someone_elses_token_cannot_be_revoked(client, applicant, make_user, make_unit, token_for):
    other = make_user(["applicant"], unit=make_unit())
    token_for(other)
    theirs = ApiToken.objects.get(user=other)
    response = client.delete(f"{API}/tokens/{theirs.pk}", headers=bearer(token_for(applicant)))
    assert_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_revoking_twice_is_a_conflict(client, applicant, token_for):
    key = token_for(applicant)
    spare = token_for(applicant, "备用")
    token = ApiToken.objects.get(user=applicant, name="测试令牌")
    assert client.delete(f"{API}/tokens/{token.pk}", headers=bearer(key)).status_code == 200
    assert_error(client.delete(f"{API}/tokens/{token.pk}", headers=bearer(spare)), 409, "conflict")


def test_blank_name_is_refused(client, applicant):
    client.force_login(applicant)
    response = client.post(f"{API}/tokens", {"name": "   "}, content_type="application/json")
    body = assert_error(response, 422)
    assert body["details"]["path"] == "$.name"


def test_inactive_user_token_stops_working(client, applicant, token_for):
    key = token_for(applicant)
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])
    assert_error(client.get(f"{API}/tokens", headers=bearer(key)), 401)


def test_last_used_is_written_at_most_once_a_minute(client, applicant, token_for):
    key = token_for(applicant)
    client.get(f"{API}/tokens", headers=bearer(key))
    token = ApiToken.objects.get(user=applicant)
    first = token.last_used_at
    client.get(f"{API}/tokens", headers=bearer(key))
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get(f"{API}/tokens", headers=bearer(key))
    token.refresh_from_db()
    assert first <= token.last_used_at <= timezone.now()
