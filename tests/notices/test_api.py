"""The API: public list and detail (published only), objections for the issuing department."""

from __future__ import annotations

from datetime import timedelta

from lianmeng.notices import services

from .conftest import START


def test_public_list_and_detail(at, client, make_notice, henan_staff):
    row = make_notice()
    make_notice(actor=henan_staff, kind="call", title="申报通知", starts=None)
    draft = make_notice(title="草稿", publish=False)
    body = client.get("/api/v1/notices").json()
    assert body["count"] == 2
    assert {i["title"] for i in body["items"]} == {row.title, "申报通知"}
    running = client.get("/api/v1/notices", {"running": "true"}).json()
    assert [i["id"] for i in running["items"]] == [row.pk]
    assert running["items"][0]["notice_state"] == "running"
    detail = client.get(f"/api/v1/notices/{row.pk}").json()
    assert detail["body"] and detail["notice_ends_on"] == (START + timedelta(days=6)).isoformat()
    assert client.get(f"/api/v1/notices/{draft.pk}").status_code == 404
    schema = client.get("/api/v1/openapi.json").json()
    described = schema["paths"]["/api/v1/notices/{notice_id}"]["get"]["description"]
    assert "网页" in described and "验证码" in described


def test_objections_for_the_issuing_department_only(
    at, client, make_notice, luoyang_staff, henan_staff, token_for
):
    row = make_notice()
    services.objection_file(announcement_id=row.pk, name="甲", contact="1", text="异议")
    url = f"/api/v1/notices/{row.pk}/objections"
    assert client.get(url).status_code == 401
    mine = client.get(url, headers={"Authorization": f"Bearer {token_for(luoyang_staff)}"})
    assert mine.status_code == 200 and mine.json()["items"][0]["status"] == "open"
    other = client.get(url, headers={"Authorization": f"Bearer {token_for(henan_staff)}"})
    assert other.status_code == 404
