"""The engine over HTTP: the same checks and refusals as the pages."""

from __future__ import annotations

import pytest

from lianmeng.core.tokens import token_create

from .conftest import beijing

API = "/api/v1"


@pytest.fixture
def bearer():
    def make(user) -> dict[str, str]:
        _token, key = token_create(actor=user, name="test")
        return {"Authorization": f"Bearer {key}"}

    return make


def test_transitions_history_and_refusals(client, file_proposal, staff, bearer, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    county = bearer(staff("410182", username="xingyang"))
    other_county = bearer(staff("410305"))
    base = f"{API}/proposals/{proposal.pk}"

    allowed = client.get(f"{base}/transitions", headers=county).json()
    assert allowed["state"] == "submitted" and allowed["state_label"] == "已提交"
    assert allowed["office"] == "荥阳市科学技术局"
    assert [t["name"] for t in allowed["allowed"]] == ["recommend_county", "return_county"]
    assert allowed["allowed"][1]["reason_required"] is True

    refused = client.post(
        f"{base}/transitions/accept",
        {"reason": ""},
        content_type="application/json",
        headers=county,
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "conflict"
    assert "当前状态为“已提交”" in body["message"] and "您可以：推荐、退回修改" in body["message"]
    assert body["details"]["allowed"] == ["recommend_county", "return_county"]

    missing = client.post(
        f"{base}/transitions/return_county", {}, content_type="application/json", headers=county
    )
    assert missing.status_code == 422 and missing.json()["message"] == "请填写退回原因。"

    at(2020, 9, 11, 9, 15)
    done = client.post(
        f"{base}/transitions/recommend_county",
        {"reason": "同意推荐"},
        content_type="application/json",
        headers=county,
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "county_recommended"
    assert done.json()["status_label"] == "县级已推荐"
    assert done.json()["last_change"]["office"] == "荥阳市科学技术局"

    history = client.get(f"{base}/history", headers=county).json()
    assert [(h["transition"], h["to_label"]) for h in history] == [
        ("submit", "已提交"),
        ("recommend_county", "县级已推荐"),
    ]
    last = history[-1]
    assert last["actor"] == "xingyang" and last["reason"] == "同意推荐"
    assert last["at"].startswith("2020-09-11T")

    # another county: not found, for reads and for acts alike
    for response in (
        client.get(f"{base}/history", headers=other_county),
        client.get(f"{base}/transitions", headers=other_county),
        client.post(
            f"{base}/transitions/recommend_city",
            {},
            content_type="application/json",
            headers=other_county,
        ),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_inbox_and_late_refusal(client, file_proposal, staff, bearer, at):
    at(2020, 9, 20, 22)
    proposal = file_proposal("henan", status="county_recommended")
    city = bearer(staff("410100"))
    province = bearer(staff("410000", "competent"))
    inbox = client.get(f"{API}/reviews/inbox", headers=city).json()
    assert inbox["count"] == 1 and inbox["items"][0]["status_label"] == "县级已推荐"
    assert client.get(f"{API}/reviews/inbox", headers=province).json()["count"] == 0

    at(2020, 9, 21, 0, 5)  # five minutes after the window closed
    client.post(
        f"{API}/proposals/{proposal.pk}/transitions/recommend_city",
        {},
        content_type="application/json",
        headers=city,
    )
    at(2020, 9, 21, 9)
    paper = client.post(
        f"{API}/proposals/{proposal.pk}/paper-copies",
        {"copies": 2, "received_at": "2020-09-21T08:30:00+08:00", "received_by": "郭建"},
        content_type="application/json",
        headers=province,
    )
    assert paper.status_code == 201, paper.content
    allowed = client.get(f"{API}/proposals/{proposal.pk}/transitions", headers=province).json()[
        "allowed"
    ]
    accept = next(t for t in allowed if t["name"] == "accept")
    assert any("逾期不予受理" in reason for reason in accept["blocked_by"])
    late = next(t for t in allowed if t["name"] == "refuse_late")
    assert late["blocked_by"] == []
    refused = client.post(
        f"{API}/proposals/{proposal.pk}/transitions/accept",
        {},
        content_type="application/json",
        headers=province,
    )
    assert refused.status_code == 422 and "逾期不予受理" in refused.json()["message"]
    done = client.post(
        f"{API}/proposals/{proposal.pk}/transitions/refuse_late",
        {},
        content_type="application/json",
        headers=province,
    )
    assert done.json()["status_label"] == "不予受理"
    assert done.json()["last_change"]["reason"] == "逾期不予受理"


def test_paper_copies_outside_hours_via_api(client, file_proposal, staff, bearer, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan", status="recommended")
    province = bearer(staff("410000", "competent"))
    at(2020, 9, 23, 10)
    response = client.post(
        f"{API}/proposals/{proposal.pk}/paper-copies",
        {"copies": 2, "received_at": beijing(2020, 9, 23, 9).isoformat(), "received_by": "张超"},
        content_type="application/json",
        headers=province,
    )
    assert response.status_code == 422
    assert "2020年9月21日、9月22日 08:00—12:00、15:00—18:00" in response.json()["message"]


def test_notifications_endpoint(
    client, file_proposal, staff, applicant, bearer, at, django_capture_on_commit_callbacks
):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    lead = applicant(proposal)
    county = bearer(staff("410182"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{API}/proposals/{proposal.pk}/transitions/return_county",
            {"reason": "请补充协议书"},
            content_type="application/json",
            headers=county,
        )
    mine = bearer(lead)
    listed = client.get(f"{API}/notifications", headers=mine).json()
    assert listed["count"] == 1
    note = listed["items"][0]
    assert note["event"] == "proposal.returned" and "请补充协议书" in note["body"]
    assert note["read_at"] is None and note["proposal"] == proposal.pk
    assert client.post(f"{API}/notifications/{note['id']}/read", headers=mine).status_code == 204
    assert (
        client.get(f"{API}/notifications", headers=mine).json()["items"][0]["read_at"] is not None
    )
    assert client.get(f"{API}/notifications", headers=county).json()["count"] == 0


def test_decisions_and_reviews_cannot_be_fired_around_their_pages(
    client, file_proposal, staff, bearer, at
):
    """Approving through the API would skip the registry and the staged publication; starting
    a review would skip the round. Both are refused with the page to use, and nothing changes."""
    at(2020, 11, 3, 10)
    under_review = file_proposal("henan", status="under_review")
    accepted = file_proposal("henan", status="accepted")
    province = bearer(staff("410000", "competent"))
    for proposal, name, page in (
        (under_review, "approve", "“决定”页面"),
        (under_review, "decline", "“决定”页面"),
        (accepted, "start_review", "“专家评审”页面"),
    ):
        refused = client.post(
            f"{API}/proposals/{proposal.pk}/transitions/{name}",
            {"reason": "同意"},
            content_type="application/json",
            headers=province,
        )
        assert refused.status_code == 409, refused.content
        assert page in refused.json()["message"]
        proposal.refresh_from_db()
        assert proposal.status in {"under_review", "accepted"}
    from lianmeng.workflow.models import StateChange

    assert not StateChange.objects.filter(transition__in=["approve", "decline", "start_review"])
