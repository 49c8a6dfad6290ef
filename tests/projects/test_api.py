"""The API of the key-project solicitations: what each caller sees of the solicitations, the
department's list of proposals, filing and submitting over HTTP, refusals as error bodies."""

from __future__ import annotations

import json

import pytest

from lianmeng.projects import services

from .conftest import DATA

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def api(client, token_for):
    class As:
        def __init__(self, user):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}

        def get(self, path):
            return client.get(f"{API}{path}", **self.headers)

        def post(self, path, body=None):
            return client.post(
                f"{API}{path}", body or {}, content_type="application/json", **self.headers
            )

    return As


def test_solicitations_per_caller(api, pj, open_solicitation):
    s = open_solicitation()
    draft = open_solicitation(open_it=False, title="未发布")
    mine = api(pj.department).get("/projects/solicitations").json()
    assert {i["id"] for i in mine["items"]} == {s.pk, draft.pk}
    lead = api(pj.applicant).get("/projects/solicitations").json()
    assert [(i["id"], i["alliances"]) for i in lead["items"]] == [(s.pk, [pj.alliance.pk])]
    assert api(pj.farm_applicant).get("/projects/solicitations").json()["count"] == 0
    assert api(pj.henan).get("/projects/solicitations").json()["count"] == 0


def test_file_submit_and_list(api, pj, open_solicitation):
    s = open_solicitation()
    m1 = pj.members[0]
    body = {
        "solicitation": s.pk,
        "alliance": pj.alliance.pk,
        **DATA,
        "members": [{"member": m1.pk, "task": "材料"}],
    }
    created = api(pj.applicant).post("/projects/proposals", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "draft" and data["members"][0]["name"] == "河南科技大学"
    assert data["budget_total"] == "1500.00"
    # not the department's yet
    listed = api(pj.department).get(f"/projects/solicitations/{s.pk}/proposals").json()
    assert listed["count"] == 0
    submitted = api(pj.applicant).post(
        f"/projects/proposals/{data['id']}/submit", {"revision": data["revision"]}
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = api(pj.applicant).post(f"/projects/proposals/{data['id']}/submit", {})
    assert again.status_code == 409
    services.proposal_score(actor=pj.department, proposal_id=data["id"], score="90")
    listed = api(pj.department).get(f"/projects/solicitations/{s.pk}/proposals").json()
    assert listed["count"] == 1 and listed["items"][0]["score_mean"] == "90.00"
    assert api(pj.henan).get(f"/projects/solicitations/{s.pk}/proposals").status_code == 404


def test_refusals(api, pj, open_solicitation):
    s = open_solicitation()
    base = {"solicitation": s.pk, "alliance": pj.alliance.pk, **DATA}
    other = api(pj.other_applicant).post("/projects/proposals", base)
    assert other.status_code == 403
    unbalanced = api(pj.applicant).post("/projects/proposals", {**base, "self_raised": "1"})
    assert unbalanced.status_code == 422 and "预算不平衡" in unbalanced.json()["message"]
    farm = api(pj.farm_applicant).post("/projects/proposals", {**base, "alliance": pj.farm.pk})
    assert farm.status_code == 422 and "领域" in farm.json()["message"]
    extra = api(pj.applicant).post("/projects/proposals", {**base, "unknown": 1})
    assert extra.status_code == 422
    missing = api(pj.applicant).post("/projects/proposals/999999/submit", {})
    assert missing.status_code == 404
    assert json.loads(missing.content)["code"] == "not_found"
