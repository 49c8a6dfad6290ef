"""The API: public search and filters; POST by the lead unit's applicants through the same
service (merged numbers answered 200)."""

from __future__ import annotations

from lianmeng.ipbase.models import Patent

from .conftest import P1


def test_public_search(client, ip, report_patent, report_standard):
    report_patent(ip.applicant, ip.alliance)
    report_standard(ip.applicant, ip.alliance)
    response = client.get("/api/v1/ip/patents", {"q": "耐火"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["number"] == P1
    assert body["items"][0]["alliance_name"] == ip.alliance.name
    assert client.get("/api/v1/ip/patents", {"q": "钢铁"}).json()["count"] == 0
    assert client.get("/api/v1/ip/patents", {"kind": "design"}).json()["count"] == 0
    body = client.get("/api/v1/ip/standards", {"level": "national", "q": "耐压"}).json()
    assert [s["number"] for s in body["items"]] == ["GB/T 12345-2020"]
    assert client.get("/api/v1/ip/patents", {"field": "nonsense"}).status_code == 422


def test_post_creates_then_merges(client, ip, token_for):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(ip.applicant)}"}
    payload = {
        "alliance": ip.alliance.pk,
        "year": 2023,
        "number": "CN 2020 1 0123456.2",
        "title": "一种耐火材料的制备方法",
        "status": "granted",
        "holders": [ip.lead.uscc],
    }
    response = client.post(
        "/api/v1/ip/patents", payload, content_type="application/json", **headers
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"] == P1 and response.json()["merged"] is False
    other = {"HTTP_AUTHORIZATION": f"Bearer {token_for(ip.other_applicant)}"}
    response = client.post(
        "/api/v1/ip/patents",
        {**payload, "alliance": ip.other_alliance.pk, "holders": ["洛阳理工学院"]},
        content_type="application/json",
        **other,
    )
    assert response.status_code == 200 and response.json()["merged"] is True
    assert len(response.json()["holders"]) == 2
    assert Patent.objects.count() == 1


def test_post_is_refused_to_others(client, ip, token_for):
    payload = {
        "alliance": ip.alliance.pk,
        "year": 2023,
        "number": "GB/T 12345-2020",
        "title": "耐火材料试验方法",
        "status": "published",
        "drafters": [ip.lead.uscc],
    }
    assert (
        client.post("/api/v1/ip/standards", payload, content_type="application/json").status_code
        == 401
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(ip.other_applicant)}"}
    response = client.post(
        "/api/v1/ip/standards", payload, content_type="application/json", **headers
    )
    assert response.status_code == 422
    assert "只有联盟牵头单位的申报人" in response.json()["message"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(ip.department)}"}
    response = client.post(
        "/api/v1/ip/standards", payload, content_type="application/json", **headers
    )
    assert response.status_code == 403
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(ip.applicant)}"}
    response = client.post(
        "/api/v1/ip/standards",
        {**payload, "number": "GB/T 12345"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    assert "缺少年号" in response.json()["message"]
