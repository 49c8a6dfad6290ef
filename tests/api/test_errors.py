"""Every error the API gives has exactly the keys code, message (中文) and details."""

from __future__ import annotations

import pytest

from tests.api.conftest import API, assert_error, bearer

pytestmark = pytest.mark.django_db


def test_no_credentials_is_401_with_the_token_hint(client):
    body = assert_error(client.get(f"{API}/proposals"), 401, "not_authenticated")
    assert body["message"] == "请提供有效的 API 令牌"


def test_unknown_token_is_401(client):
    response = client.get(f"{API}/proposals", headers=bearer("lm_not-a-real-key"))
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_write_without_credentials_is_401_not_a_csrf_error(client):
    assert_error(client.post(f"{API}/proposals", {}, content_type="application/json"), 401)


def test_unknown_proposal_is_404(client, make_user, make_unit, token_for):
    user = make_user(["applicant"], unit=make_unit())
    assert_error(
        client.get(f"{API}/proposals/999999", headers=bearer(token_for(user))), 404, "not_found"
    )


def test_unknown_path_under_the_api_is_404_json(client):
    assert_error(client.get(f"{API}/no-such-thing"), 404, "not_found")
    assert_error(client.get(f"{API}/"), 404, "not_found")


def test_path_parameter_of_wrong_type_names_the_parameter(client, make_user, make_unit, token_for):
    user = make_user(["applicant"], unit=make_unit())
    response = client.get(f"{API}/proposals/abc", headers=bearer(token_for(user)))
    body = assert_error(response, 422, "validation_failed")
    assert [e["path"] for e in body["details"]["errors"]] == ["path.proposal_id"]


def test_query_parameter_out_of_range_names_it(client):
    body = assert_error(client.get(f"{API}/jurisdictions?limit=0"), 422, "validation_failed")
    assert body["details"]["errors"][0]["path"] == "query.limit"
    assert "不小于 1" in body["message"]


class TestBodies:
    """POST /tokens takes a schema body: each defect names its JSON path."""

    @pytest.fixture
    def session(self, client, make_user):
        client.force_login(make_user([]))
        return client

    def test_malformed_json(self, session):
        response = session.post(f"{API}/tokens", "{name: 1", content_type="application/json")
        body = assert_error(response, 422, "invalid_json")
        assert body["details"]["path"] == "$"
        assert "第 1 行" in body["message"]

    def test_wrong_type(self, session):
        response = session.post(f"{API}/tokens", {"name": 5}, content_type="application/json")
        body = assert_error(response, 422, "validation_failed")
        assert body["details"]["errors"] == [
            {"path": "$.name", "message": "应为字符串", "type": "string_type"}
        ]
        assert body["message"].startswith("$.name: ")

    def test_unknown_key(self, session):
        response = session.post(
            f"{API}/tokens", {"name": "x", "expires": 3}, content_type="application/json"
        )
        body = assert_error(response, 422, "validation_failed")
        assert body["details"]["errors"][0]["path"] == "$.expires"
        assert body["details"]["errors"][0]["message"] == "未知字段"

    def test_missing_field(self, session):
        response = session.post(f"{API}/tokens", {}, content_type="application/json")
        body = assert_error(response, 422, "validation_failed")
        assert body["details"]["errors"][0]["path"] == "$.name"

    def test_not_an_object(self, session):
        response = session.post(f"{API}/tokens", [1, 2], content_type="application/json")
        body = assert_error(response, 422, "validation_failed")
        assert body["details"]["errors"][0]["path"] == "$"


def test_wrong_method_is_405_in_the_error_shape(client):
    response = client.put(f"{API}/profiles")
    body = assert_error(response, 405, "method_not_allowed")
    assert body["details"]["allowed"] == ["GET"]
    assert response["Allow"] == "GET"


def test_unexpected_failure_is_500_without_traceback(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("lianmeng.api.policies.load_profiles", broken)
    response = client.get(f"{API}/profiles")
    body = assert_error(response, 500, "internal_error")
    assert "secret internal detail" not in response.content.decode()
    assert body["details"]["error_id"]
