"""Proposals through the API: scoped by jurisdiction and unit, imported and exported."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.proposals.models import Proposal
from tests.api.conftest import API, assert_error, bearer, proposal_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_counties(make_unit, file_proposal):
    """One submitted proposal in 涧西区 (410305), one in 洛龙区 (410311)."""
    jianxi = file_proposal(make_unit("410305"), name="洛阳市轴承产业技术创新战略联盟")
    luolong = file_proposal(
        make_unit("410311"), name="洛阳市机器人产业技术创新战略联盟", industry="机器人"
    )
    return jianxi, luolong


def test_county_bureau_sees_only_its_county(client, make_user, token_for, two_counties):
    jianxi, luolong = two_counties
    bureau = make_user(["recommender"], jurisdiction="410305")
    auth = bearer(token_for(bureau))

    listed = client.get(f"{API}/proposals", headers=auth).json()
    assert listed["count"] == 1
    assert [p["id"] for p in listed["items"]] == [jianxi.pk]
    assert client.get(f"{API}/proposals/{jianxi.pk}", headers=auth).status_code == 200
    assert_error(client.get(f"{API}/proposals/{luolong.pk}", headers=auth), 404, "not_found")
    assert_error(client.get(f"{API}/proposals/{luolong.pk}/document", headers=auth), 404)


def test_city_bureau_sees_its_counties(client, make_user, token_for, two_counties):
    city = make_user(["competent"], jurisdiction="410300")
    listed = client.get(f"{API}/proposals", headers=bearer(token_for(city))).json()
    assert {p["id"] for p in listed["items"]} == {p.pk for p in two_counties}


def test_departments_do_not_see_drafts(client, make_user, make_unit, token_for, file_proposal):
    file_proposal(make_unit("410305"), status="draft")
    bureau = make_user(["recommender"], jurisdiction="410305")
    assert client.get(f"{API}/proposals", headers=bearer(token_for(bureau))).json()["count"] == 0


def test_applicant_sees_only_his_units(client, make_user, make_unit, token_for, file_proposal):
    unit = make_unit("410305")
    own_draft = file_proposal(unit, status="draft")
    other = file_proposal(make_unit("410305"), name="洛阳市铝加工产业技术创新战略联盟")
    applicant = make_user(["applicant"], unit=unit)
    auth = bearer(token_for(applicant))
    listed = client.get(f"{API}/proposals", headers=auth).json()
    assert [p["id"] for p in listed["items"]] == [own_draft.pk]
    assert_error(client.get(f"{API}/proposals/{other.pk}", headers=auth), 404)


def test_list_filters_and_paginates(client, make_user, make_unit, token_for, file_proposal):
    unit = make_unit("410305")
    for n in range(3):
        file_proposal(unit, name=f"洛阳市第{n}号产业技术创新战略联盟", status="draft")
    file_proposal(unit, name="洛阳市轴承产业技术创新战略联盟", status="submitted")
    auth = bearer(token_for(make_user(["applicant"], unit=unit)))

    page = client.get(f"{API}/proposals?limit=2&offset=1", headers=auth).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    assert client.get(f"{API}/proposals?status=submitted", headers=auth).json()["count"] == 1
    assert client.get(f"{API}/proposals?q=轴承", headers=auth).json()["count"] == 1
    assert client.get(f"{API}/proposals?profile=henan", headers=auth).json()["count"] == 0
    item = client.get(f"{API}/proposals?q=轴承", headers=auth).json()["items"][0]
    assert item["lead_unit"] == unit.name and item["region"] == "410305"
    assert item["region_name"] == "涧西区"
    body = assert_error(client.get(f"{API}/proposals?status=approved", headers=auth), 422)
    assert body["details"]["errors"][0]["path"] == "query.status"


def _list_queries(client, auth) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}/proposals", headers=auth)
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow(client, make_user, make_unit, token_for, file_proposal):
    city = make_user(["competent"], jurisdiction="410300")
    auth = bearer(token_for(city))
    file_proposal(make_unit("410305"))
    client.get(f"{API}/proposals", headers=auth)  # first use writes last_used_at
    one = _list_queries(client, auth)
    for county in ("410302", "410303", "410311", "410305"):
        file_proposal(make_unit(county), name=f"洛阳市{county}产业技术创新战略联盟")
    assert client.get(f"{API}/proposals", headers=auth).json()["count"] == 5
    assert _list_queries(client, auth) == one


def test_import_and_export_round_trip(client, make_user, make_unit, token_for):
    unit = make_unit("410305")
    auth = bearer(token_for(make_user(["applicant"], unit=unit)))
    document = proposal_document(unit, members=3)
    created = client.post(
        f"{API}/proposals", document, content_type="application/json", headers=auth
    )
    assert created.status_code == 201, created.content
    detail = created.json()
    assert detail["status"] == "draft" and detail["member_count"] == 3
    assert detail["lead_unit_detail"]["uscc"] == unit.uscc
    exported = client.get(f"{API}/proposals/{detail['id']}/document", headers=auth)
    assert exported.json() == document


def test_import_for_another_unit_is_refused(client, make_user, make_unit, token_for):
    applicant = make_user(["applicant"], unit=make_unit("410305"))
    document = proposal_document(make_unit("410305"))
    response = client.post(
        f"{API}/proposals",
        document,
        content_type="application/json",
        headers=bearer(token_for(applicant)),
    )
    assert_error(response, 403, "permission_denied")
    assert not Proposal.objects.exists()


def test_departments_cannot_import(client, make_user, make_unit, token_for):
    bureau = make_user(["recommender"], jurisdiction="410305")
    response = client.post(
        f"{API}/proposals",
        proposal_document(make_unit()),
        content_type="application/json",
        headers=bearer(token_for(bureau)),
    )
    assert_error(response, 403, "permission_denied")


def test_invalid_document_names_its_path(client, make_user, make_unit, token_for):
    unit = make_unit("410305")
    auth = bearer(token_for(make_user(["applicant"], unit=unit)))
    document = proposal_document(unit)
    document["members"][0]["kind"] = "company"
    response = client.post(
        f"{API}/proposals", document, content_type="application/json", headers=auth
    )
    body = assert_error(response, 422, "invalid_proposal")
    assert body["details"]["path"] == "$.members[0].kind"
    assert body["message"].startswith("$.members[0].kind: ")
