"""The what-if API: the editable parameters (public) and a run (the profile's department)."""

from __future__ import annotations

import json

from lianmeng.whatif.models import PolicyDraft


def test_the_parameters_are_public(client, db):
    response = client.get("/api/v1/whatif/parameters/luoyang")
    assert response.status_code == 200
    data = response.json()
    share = next(
        p for p in data["parameters"] if p["key"] == "members.mostly_local.more_than_share"
    )
    assert share["current"] == 0.5 and share["citation"]["article"] == "第六条(一)"
    assert share["allowed"] == "1–99 %之间的数"
    assert client.get("/api/v1/whatif/parameters/nowhere").status_code == 404


def _run(client, token, body):
    return client.post(
        "/api/v1/whatif/run",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_department_runs_a_draft_and_nothing_is_stored(wi, client, token_for):
    token = token_for(wi.department)
    response = _run(
        client,
        token,
        {
            "profile": "luoyang",
            "overrides": {"members.min_count": {"severity": "required", "min_count": 8}},
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["alliances"]["summary"]["pass_to_fail"] == 1
    [small] = data["alliances"]["changed"]
    assert small["name"] == "洛阳市小型联盟" and small["verdict"] == "pass_to_fail"
    assert small["changes"][0]["draft"]["message"].startswith("成员单位 6 家")
    assert data["proposals"]["summary"]["pass_to_fail"] == 1
    assert not PolicyDraft.objects.exists()


def test_a_bad_value_is_answered_422_naming_it(wi, client, token_for):
    response = _run(
        client,
        token_for(wi.department),
        {
            "profile": "luoyang",
            "overrides": {"members.min_count": {"severity": "required", "min_count": 0}},
        },
    )
    assert response.status_code == 422
    assert response.json()["details"]["field"] == "members.min_count.min_count"


def test_only_the_profiles_department_may_run_it(wi, client, token_for):
    for who in (wi.henan, wi.county, wi.applicant):
        response = _run(client, token_for(who), {"profile": "luoyang", "overrides": {}})
        assert response.status_code == 404
    assert (
        client.post("/api/v1/whatif/run", data="{}", content_type="application/json").status_code
        == 401
    )
