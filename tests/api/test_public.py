"""Public reference data: the jurisdiction tree and the policy profiles with citations."""

from __future__ import annotations

import pytest

from tests.api.conftest import API, assert_error

pytestmark = pytest.mark.django_db


def test_jurisdiction_roots_then_children(client):
    roots = client.get(f"{API}/jurisdictions").json()
    assert roots["count"] == 1 and roots["items"][0]["code"] == "000000"
    assert roots["items"][0]["has_children"] is True

    luoyang = client.get(f"{API}/jurisdictions?parent=410300&limit=100").json()
    codes = [j["code"] for j in luoyang["items"]]
    assert "410305" in codes and "410300-FTZ" in codes and "410300-HTZ" in codes
    assert all(j["parent"] == "410300" for j in luoyang["items"])
    assert "410381" not in codes  # 偃师市 is historical: hidden unless asked for
    assert luoyang["count"] == len(codes)
    with_history = client.get(f"{API}/jurisdictions?parent=410300&include_inactive=true&limit=100")
    assert "410381" in [j["code"] for j in with_history.json()["items"]]


def test_jurisdiction_pagination_and_kind(client):
    page = client.get(f"{API}/jurisdictions?parent=410000&limit=5&offset=5").json()
    assert len(page["items"]) == 5 and page["count"] > 10
    zones = client.get(f"{API}/jurisdictions?parent=410300&kind=ftz").json()
    assert [j["code"] for j in zones["items"]] == ["410300-FTZ"]


def test_jurisdiction_unknown_parent_is_404(client):
    body = assert_error(client.get(f"{API}/jurisdictions?parent=999999"), 404, "not_found")
    assert body["details"]["path"] == "query.parent"


def test_single_jurisdiction(client):
    body = client.get(f"{API}/jurisdictions/410305").json()
    assert body == {
        "code": "410305",
        "name": "涧西区",
        "kind": "county",
        "parent": "410300",
        "active": True,
        "has_children": False,
    }
    assert_error(client.get(f"{API}/jurisdictions/123"), 404)


def test_profiles_list(client):
    profiles = client.get(f"{API}/profiles").json()
    ids = [p["id"] for p in profiles]
    assert {"henan", "luoyang", "baoding", "heilongjiang"} <= set(ids)
    henan = next(p for p in profiles if p["id"] == "henan")
    assert henan["jurisdiction"] == "410000" and henan["rule_count"] > 0


def test_profile_detail_carries_rules_and_citations(client):
    henan = client.get(f"{API}/profiles/henan").json()
    rules = {r["id"]: r for r in henan["rules"]}
    min_count = rules["members.min_count"]
    assert min_count["severity"] == "principle"
    assert min_count["params"]["min_count"]["value"] == 10
    assert min_count["params"]["min_count"]["citation"]["seed"].startswith("001_")
    assert all(r["citation"]["seed"] and r["citation"]["article"] for r in henan["rules"])
    assert henan["profile"]["jurisdiction"]["value"] == "410000"
    assert henan["profile"]["jurisdiction"]["citation"]["article"]


def test_unknown_profile_is_404(client):
    body = assert_error(client.get(f"{API}/profiles/atlantis"), 404, "not_found")
    assert "henan" in body["message"]
