"""/api/v1/alliances/{id}/workspace and …/meetings."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.conftest import assert_error, bearer

pytestmark = pytest.mark.django_db

MEETING = {"kind": "annual", "held_on": "2025-12-01", "attendance_count": 80, "place": "洛阳"}


def _url(world, tail=""):
    return f"/api/v1/alliances/{world.alliance.pk}/{tail}"


def test_workspace_for_lead_member_and_departments(client, world, token_for):
    lead = client.get(_url(world, "workspace"), headers=bearer(token_for(world.lead_user))).json()
    assert lead["access"] == "lead" and lead["office_address"] == "洛阳市涧西区建设路 1 号"
    assert lead["agreement"] == {
        "signed_on": "2020-05-01",
        "term_years": 5,
        "ends_on": "2025-05-01",
        "renewal_due": True,
    }
    liaison = {p["key"]: p for p in lead["key_people"]}["liaison"]
    assert liaison["phone"] == "13812345678"
    assert [m["name"] for m in lead["members"]][:2] == ["洛阳轴承研究所有限公司", "河南科技大学"]
    member = client.get(_url(world, "workspace"), headers=bearer(token_for(world.member_user)))
    assert {p["key"]: p for p in member.json()["key_people"]}["liaison"]["phone"] == "138****5678"
    dept = client.get(_url(world, "workspace"), headers=bearer(token_for(world.luoyang)))
    assert dept.json()["access"] == "department"
    other = client.get(_url(world, "workspace"), headers=bearer(token_for(world.baoding)))
    assert_error(other, 404, "not_found")


def test_meetings_create_list_update_and_stale_revision(client, world, token_for):
    headers = bearer(token_for(world.lead_user))
    created = client.post(
        _url(world, "meetings"), MEETING, content_type="application/json", headers=headers
    )
    assert created.status_code == 201, created.content
    meeting = created.json()
    assert meeting["kind_label"] == "年会" and meeting["revision"] == 1
    listed = client.get(
        _url(world, "meetings"), headers=bearer(token_for(world.member_user))
    ).json()
    assert listed["count"] == 1 and listed["items"][0]["held_on"] == "2025-12-01"
    put = f"{_url(world, 'meetings')}/{meeting['id']}"
    body = {**MEETING, "attendance_units": ["河南科技大学"], "revision": 1}
    updated = client.put(put, body, content_type="application/json", headers=headers)
    assert updated.status_code == 200 and updated.json()["revision"] == 2
    stale = client.put(put, body, content_type="application/json", headers=headers)
    assert assert_error(stale, 409, "conflict")["details"]["revision"] == 2


def test_readers_cannot_write_through_the_api(client, world, token_for):
    from lianmeng.running.models import Meeting

    for user, status in ((world.member_user, 403), (world.luoyang, 403), (world.baoding, 404)):
        response = client.post(
            _url(world, "meetings"),
            MEETING,
            content_type="application/json",
            headers=bearer(token_for(user)),
        )
        assert response.status_code == status
    assert Meeting.objects.count() == 0


def test_attendance_is_validated(client, world, token_for):
    headers = bearer(token_for(world.lead_user))
    body = {"kind": "work", "held_on": date(2025, 1, 2).isoformat()}
    response = client.post(
        _url(world, "meetings"), body, content_type="application/json", headers=headers
    )
    assert "attendance_count" in assert_error(response, 422)["details"]["fields"]


#: token, alliance (with its lead unit), workspace, relation, count, page, files
LIST_QUERIES = 7


def test_meeting_list_query_count(client, world, token_for, django_assert_max_num_queries):
    headers = bearer(token_for(world.lead_user))
    for day in range(1, 4):
        client.post(
            _url(world, "meetings"),
            {**MEETING, "held_on": f"2025-01-0{day}"},
            content_type="application/json",
            headers=headers,
        )
    with django_assert_max_num_queries(LIST_QUERIES):
        first = client.get(_url(world, "meetings"), headers=headers)
    assert first.status_code == 200 and first.json()["count"] == 3
    for day in range(10, 25):
        client.post(
            _url(world, "meetings"),
            {**MEETING, "held_on": f"2025-01-{day}"},
            content_type="application/json",
            headers=headers,
        )
    with django_assert_max_num_queries(LIST_QUERIES):
        assert len(client.get(_url(world, "meetings"), headers=headers).json()["items"]) == 18
