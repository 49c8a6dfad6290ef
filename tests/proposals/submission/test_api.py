"""The API for calls and submission: same services, same refusals, one error shape."""

from __future__ import annotations

import pytest

from lianmeng.core.roles import Role
from lianmeng.proposals.models import ProposalVersion
from tests.api.conftest import API, assert_error, bearer

from .conftest import beijing

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_for(db):
    from lianmeng.core.tokens import token_create

    return lambda user: token_create(actor=user, name="测试令牌")[1]


def test_calls_are_public_and_competent_staff_create_and_publish(
    client, make_user, make_unit, token_for, henan_call
):
    listed = client.get(f"{API}/calls").json()
    assert listed["count"] == 1
    assert listed["items"][0]["online_closes_at"] == "2020-09-20T23:59:59.999+08:00"
    detail = client.get(f"{API}/calls/{henan_call.pk}").json()
    assert detail["required_materials"][0] == {
        "kind": "proposal_form",
        "title": "河南省产业技术创新战略联盟构建建议书",
    }

    competent = make_user([Role.COMPETENT], jurisdiction="410000")
    body = {
        "profile": "henan",
        "year": 2021,
        "title": "2021年通知",
        "online_opens": "2021-08-01",
        "online_closes": "2021-09-20",
        "required_materials": ["proposal_form"],
        "paper_days": [{"date": "2021-09-21", "hours": [["08:00", "12:00"]]}],
    }
    headers = bearer(token_for(competent))
    created = client.post(f"{API}/calls", body, content_type="application/json", headers=headers)
    assert created.status_code == 201, created.content
    call_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert client.get(f"{API}/calls/{call_id}").status_code == 404
    published = client.post(f"{API}/calls/{call_id}/publish", headers=headers)
    assert published.json()["status"] == "published"

    applicant = make_user([Role.APPLICANT], unit=make_unit("410182"))
    refused = client.post(
        f"{API}/calls", body, content_type="application/json", headers=bearer(token_for(applicant))
    )
    assert_error(refused, 403, "permission_denied")


def test_apply_submit_twice_versions_pdf_and_verify(
    client, filed, pin_clock, token_for, make_unit, make_user, henan_call
):
    proposal, user = filed()
    headers = bearer(token_for(user))
    pin_clock(beijing(2020, 9, 21, 0, 0, 0))
    late = client.post(
        f"{API}/proposals/{proposal.pk}/submit",
        {},
        content_type="application/json",
        headers=headers,
    )
    body = assert_error(late, 422, "validation_failed")
    assert body["message"] == "网上填报已于 2020年9月20日 23:59:59 截止，逾期不予受理。"
    apply_late = client.post(f"{API}/calls/{henan_call.pk}/proposals", headers=headers)
    assert_error(apply_late, 403)

    pin_clock(beijing(2020, 9, 20, 23, 59, 59))
    applied = client.post(f"{API}/calls/{henan_call.pk}/proposals", headers=headers)
    assert applied.status_code == 201

    submitted = client.post(
        f"{API}/proposals/{proposal.pk}/submit",
        {"explanations": {}, "revision": proposal.revision},
        content_type="application/json",
        headers=headers,
    )
    assert submitted.status_code == 201, submitted.content
    version = submitted.json()
    assert version["number"] == 1 and len(version["verification_code"]) == 12
    again = client.post(
        f"{API}/proposals/{proposal.pk}/submit",
        {},
        content_type="application/json",
        headers=headers,
    )
    assert assert_error(again, 409, "already_submitted")["details"] == {"version": 1}
    assert ProposalVersion.objects.filter(proposal=proposal).count() == 1

    listed = client.get(f"{API}/proposals/{proposal.pk}/versions", headers=headers).json()
    assert [v["number"] for v in listed] == [1]
    pdf = client.get(f"{API}/proposals/{proposal.pk}/versions/1/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    stranger = make_user([Role.RECOMMENDER], jurisdiction="410305")
    hidden = client.get(
        f"{API}/proposals/{proposal.pk}/versions/1/pdf", headers=bearer(token_for(stranger))
    )
    assert_error(hidden, 404)

    verified = client.get(f"{API}/verify/{version['verification_code'].lower()}").json()
    assert verified["proposal_name"] == proposal.name
    assert verified["version"] == 1 and verified["sha256"] == version["sha256"]
    assert_error(client.get(f"{API}/verify/ZZZZZZZZZZZZ"), 404, "not_found")

    withdrawn = client.post(
        f"{API}/proposals/{proposal.pk}/withdraw",
        {"reason": "成员调整"},
        content_type="application/json",
        headers=headers,
    )
    assert withdrawn.json() == {"status": "withdrawn"}
