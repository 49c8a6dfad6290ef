"""The expert review API: the same services as the pages, the same reach."""

from __future__ import annotations

from tests.api.conftest import API, assert_error, bearer


def _json(client, method, url, headers, body=None):
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


def test_round_assignment_scoring_and_results_over_the_api(
    client, token_for, henan_staff, make_expert, make_review_proposal
):
    staff = bearer(token_for(henan_staff))
    proposal = make_review_proposal(region="410305")
    local = make_expert("410302")
    far = make_expert("410105")

    response = _json(
        client, "post", f"{API}/review-rounds", staff, {"profile": "henan", "call_year": 2020}
    )
    assert response.status_code == 201, response.content
    round = response.json()
    assert [c["weight"] for c in round["criteria"]] == [25, 20, 20, 20, 15]
    rid = round["id"]

    response = _json(
        client, "post", f"{API}/review-rounds/{rid}/proposals", staff, {"proposals": [proposal.pk]}
    )
    assert response.json() == {"added": 1}
    response = _json(
        client, "post", f"{API}/review-rounds/{rid}/auto-assign", staff, {"per_proposal": 2}
    )
    body = response.json()
    assert [a["expert"] for a in body["created"]] == [far.pk]
    assert body["shortfalls"] == {str(proposal.pk): 1}
    assert_error(
        _json(
            client,
            "post",
            f"{API}/review-rounds/{rid}/assignments",
            staff,
            {"proposal": proposal.pk, "expert": local.pk, "reason": ""},
        ),
        422,
    )
    response = _json(
        client,
        "post",
        f"{API}/review-rounds/{rid}/assignments",
        staff,
        {"proposal": proposal.pk, "expert": local.pk, "reason": "熟悉当地产业"},
    )
    assert response.status_code == 201
    assert response.json()["override_reason"] == "熟悉当地产业"

    expert = bearer(token_for(far.user))
    assert_error(client.get(f"{API}/review-rounds", headers=expert), 403)
    (task,) = client.get(f"{API}/review-assignments", headers=expert).json()["items"]
    scores = {c["key"]: 90 for c in task["criteria"]}
    response = _json(
        client,
        "put",
        f"{API}/review-assignments/{task['id']}/scores",
        expert,
        {"scores": scores, "comments": {"members": "好"}, "submit": True},
    )
    assert response.status_code == 200, response.content
    assert response.json()["submitted_at"] is not None
    again = _json(
        client,
        "put",
        f"{API}/review-assignments/{task['id']}/scores",
        expert,
        {"scores": scores, "submit": True},
    )
    assert_error(again, 409)

    other = bearer(token_for(local.user))
    assert_error(
        _json(
            client,
            "put",
            f"{API}/review-assignments/{task['id']}/scores",
            other,
            {"scores": scores},
        ),
        404,
    )
    response = _json(client, "post", f"{API}/review-rounds/{rid}/close", staff, {})
    assert response.json()["status"] == "closed"
    (result,) = client.get(f"{API}/review-rounds/{rid}/results", headers=staff).json()
    assert result["rank"] == 1 and result["submitted"] == 1 and result["assigned"] == 2
    assert result["mean"] == "90.00"
    xlsx = client.get(f"{API}/review-rounds/{rid}/results.xlsx", headers=staff)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_other_department_gets_404_over_the_api(client, token_for, henan_staff, make_user):
    from lianmeng.experts import services

    round = services.round_create(actor=henan_staff, profile="henan", call_year=2020)
    city = bearer(token_for(make_user(["competent"], jurisdiction="410300")))
    assert_error(client.get(f"{API}/review-rounds/{round.pk}", headers=city), 404)
    assert_error(client.get(f"{API}/review-rounds/{round.pk}/results", headers=city), 404)
