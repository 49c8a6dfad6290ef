"""Every API input is held to its bounds: out-of-range values are a 4xx in the one error shape,
never a 500 (issue 12, finding 4: the causes the fuzzer found, one test each)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import API, assert_error, bearer

pytestmark = pytest.mark.django_db

HUGE = 2**63  # one past the largest id a database holds
HUGER = 10**30


@pytest.fixture
def competent(client, make_user, token_for):
    """河南省科技厅: decides and organises review rounds."""
    user = make_user(["competent"], jurisdiction="410000")
    return bearer(token_for(user))


@pytest.fixture
def applicant(make_user, make_unit, token_for):
    user = make_user(["applicant"], unit=make_unit("410305"))
    return user, bearer(token_for(user))


def _post(client, url, headers, body):
    return client.post(url, body, content_type="application/json", headers=headers)


# -- 1. the public registry's year ---------------------------------------------------------------


@pytest.mark.parametrize("year", ["-1", "0", "99999", str(HUGER)])
def test_registry_year_out_of_range_is_422_without_login(client, year):
    body = assert_error(client.get(f"{API}/registry", {"year": year}), 422, "validation_failed")
    assert body["details"]["errors"][0]["path"] == "query.year"


def test_registry_year_in_range_still_filters(client):
    response = client.get(f"{API}/registry", {"year": "2020"})
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


# -- 2. offsets above 2^63 on every paginated list -----------------------------------------------

LISTS = [
    "/registry",
    "/calls",
    "/jurisdictions",
    "/proposals",
    "/decisions",
    "/review-rounds",
    "/reviews/inbox",
    "/notifications",
    "/review-assignments",
]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("offset", [str(HUGE), str(HUGER), "1000001", "-1"])
def test_offset_out_of_range_is_422_on_every_list(client, competent, path, offset):
    response = client.get(f"{API}{path}", {"offset": offset}, headers=competent)
    body = assert_error(response, 422, "validation_failed")
    assert body["details"]["errors"][0]["path"] == "query.offset"


def test_offset_at_the_bound_answers_an_empty_page(client):
    response = client.get(f"{API}/registry", {"offset": "1000000"})
    assert response.status_code == 200
    assert response.json()["items"] == []


# -- 3. huge ids in bodies and paths --------------------------------------------------------------


@pytest.mark.parametrize("value", [HUGE, HUGER, 0, -1])
def test_publish_refuses_ids_out_of_range(client, competent, value):
    response = _post(client, f"{API}/decisions/publish", competent, {"decisions": [value]})
    body = assert_error(response, 422, "validation_failed")
    assert body["details"]["errors"][0]["path"] == "$.decisions[0]"


@pytest.mark.parametrize("value", [HUGE, HUGER])
def test_stage_refuses_a_proposal_id_out_of_range(client, competent, value):
    response = _post(
        client, f"{API}/decisions", competent, {"proposal": value, "kind": "approve_to_build"}
    )
    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize("value", [HUGE, HUGER])
def test_round_proposals_refuse_ids_out_of_range(client, competent, value):
    response = _post(
        client, f"{API}/review-rounds", competent, {"profile": "henan", "call_year": 2020}
    )
    assert response.status_code == 201, response.content
    rid = response.json()["id"]
    response = _post(
        client, f"{API}/review-rounds/{rid}/proposals", competent, {"proposals": [value]}
    )
    assert_error(response, 422, "validation_failed")
    response = _post(
        client,
        f"{API}/review-rounds/{rid}/assignments",
        competent,
        {"proposal": value, "expert": value, "reason": "测试"},
    )
    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize(
    "path",
    [
        "/proposals/{id}",
        "/proposals/{id}/document",
        "/proposals/{id}/members",
        "/review-rounds/{id}",
        "/registry/{id}",
        "/calls/{id}",
    ],
)
def test_path_ids_out_of_range_are_refused(client, competent, path):
    for value in (str(HUGE), str(HUGER), "0"):
        response = client.get(f"{API}{path.format(id=value)}", headers=competent)
        assert_error(response, 422)


# -- 4. the review round's year and dates ---------------------------------------------------------


@pytest.mark.parametrize("year", [-1, 0, 1899, 2101, 99999, HUGE])
def test_round_call_year_out_of_range_is_422(client, competent, year):
    response = _post(
        client, f"{API}/review-rounds", competent, {"profile": "henan", "call_year": year}
    )
    body = assert_error(response, 422, "validation_failed")
    assert body["details"]["errors"][0]["path"] == "$.call_year"


@pytest.mark.parametrize(
    "opens_at", [0, 1, 1.5, -1, "1800-01-01T00:00:00+08:00", "9999-12-31T00:00:00+08:00"]
)
def test_round_opens_at_must_be_a_real_moment(client, competent, opens_at):
    response = _post(
        client,
        f"{API}/review-rounds",
        competent,
        {"profile": "henan", "call_year": 2020, "opens_at": opens_at},
    )
    body = assert_error(response, 422, "validation_failed")
    assert body["details"]["errors"][0]["path"] == "$.opens_at"


def test_round_opens_at_as_text_is_accepted(client, competent):
    response = _post(
        client,
        f"{API}/review-rounds",
        competent,
        {"profile": "henan", "call_year": 2020, "opens_at": "2020-10-01T09:00:00+08:00"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["opens_at"].startswith("2020-10-01T")


def test_round_opens_at_without_zone_is_beijing_time(client, competent):
    response = _post(
        client,
        f"{API}/review-rounds",
        competent,
        {"profile": "henan", "call_year": 2020, "opens_at": "2020-10-01T09:00:00"},
    )
    assert response.status_code == 201, response.content
    from datetime import datetime

    opens = datetime.fromisoformat(response.json()["opens_at"].replace("Z", "+00:00"))
    assert opens.utcoffset() is not None
    assert opens == datetime.fromisoformat("2020-10-01T09:00:00+08:00")


# -- 5. multipart without a boundary --------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["materials", "members/import"])
def test_multipart_without_boundary_is_400(client, applicant, file_proposal, suffix):
    user, headers = applicant
    proposal = file_proposal(user.unit, status="draft")
    response = client.post(
        f"{API}/proposals/{proposal.pk}/{suffix}",
        b'--x\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n--x--\r\n',
        content_type="multipart/form-data",
        headers=headers,
    )
    body = assert_error(response, 400, "bad_request")
    assert "boundary" in body["message"]


# -- 6. the document of a draft matches its documented schema -------------------------------------


def test_draft_document_matches_the_documented_schema(client, applicant, file_proposal):
    import jsonschema

    from lianmeng.proposals.models import Proposal

    user, headers = applicant
    draft = file_proposal(user.unit, status="draft")
    lead = {"name": user.unit.name, "uscc": user.unit.uscc}
    # what proposals.services.proposal_create stores for a draft opened online
    Proposal.objects.filter(pk=draft.pk).update(
        document={
            "format_version": 1,
            "profile": "henan",
            "call_year": 2026,
            "lead_unit": lead,
            "members": [{**lead, "role": "lead", "kind": "enterprise"}],
        }
    )
    document = client.get(f"{API}/proposals/{draft.pk}/document", headers=headers)
    assert document.status_code == 200, document.content
    assert "domain" not in document.json()  # a draft opened online: nothing filled in yet
    openapi = client.get(f"{API}/openapi.json").json()
    response = openapi["paths"]["/api/v1/proposals/{proposal_id}/document"]["get"]["responses"]
    ref = response["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = {**openapi["components"]["schemas"][ref.rsplit("/", 1)[-1]]}
    schema["components"] = openapi["components"]
    jsonschema.validate(document.json(), schema)


# -- 7. every operation documents the errors it can answer ----------------------------------------


def test_every_operation_documents_its_error_statuses(client):
    openapi = client.get(f"{API}/openapi.json").json()
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            where = f"{method.upper()} {path}"
            if operation.get("security"):
                assert {"401", "403"} <= codes, where
            if "{" in path:
                assert "404" in codes, where
            if operation.get("parameters") or "requestBody" in operation:
                assert "422" in codes, where
            if "requestBody" in operation:
                assert "400" in codes, where
            for code in codes - {"200", "201", "204"}:
                schema = operation["responses"][code]["content"]["application/json"]["schema"]
                assert schema["$ref"].endswith("/ErrorOut"), (where, code)


# -- hypothesis: any integer for a year or an offset is a 200 or a 422, never a 500 ---------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(year=st.integers(min_value=-(2**80), max_value=2**80))
def test_any_registry_year_is_answered(client, year):
    response = client.get(f"{API}/registry", {"year": str(year), "offset": str(abs(year))})
    assert response.status_code in {200, 422}, response.content


# -- NUL characters: PostgreSQL refuses them in text and JSON; the API refuses them first ---------


def test_nul_in_query_is_422(client, competent):
    for path in ("/registry", "/proposals"):
        response = client.get(f"{API}{path}?q=a%00b", headers=competent)
        body = assert_error(response, 422, "validation_failed")
        assert body["details"]["errors"][0]["path"] == "query"


def test_nul_in_json_body_is_422(client, competent):
    response = client.post(
        f"{API}/review-rounds",
        b'{"profile": "henan", "call_year": 2020, "title": "a\\u0000b"}',
        content_type="application/json",
        headers=competent,
    )
    body = assert_error(response, 422, "validation_failed")
    assert body["details"]["errors"][0]["path"] == "$"
