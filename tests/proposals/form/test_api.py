"""The API over the same service: sections, eligibility, duplicates."""

from __future__ import annotations

import json

from django.conf import settings

from lianmeng.core.tokens import token_create
from lianmeng.proposals.models import Proposal
from tests.api.conftest import API, assert_error, bearer

from .conftest import example


def _client_for(client, user):
    _, key = token_create(actor=user, name="测试")

    def call(method, url, body=None):
        if body is None:
            return getattr(client, method)(API + url, headers=bearer(key))
        return getattr(client, method)(
            API + url,
            data=json.dumps(body, ensure_ascii=False),
            content_type="application/json",
            headers=bearer(key),
        )

    return call


def test_get_and_put_a_section(client, staff, draft):
    call = _client_for(client, staff())
    response = call("get", f"/proposals/{draft.pk}/sections/lead")
    assert response.status_code == 200
    body = response.json()
    assert body["values"]["lead_unit.employees"] == 2350
    assert body["errors"] == {}
    assert body["revision"] == 0
    employees = next(f for f in body["fields"] if f["name"] == "lead_unit.employees")
    assert employees == {
        "name": "lead_unit.employees",
        "label": "职工总数",
        "kind": "integer",
        "unit": "人",
        "max_length": None,
        "choices": [],
    }

    response = call(
        "put",
        f"/proposals/{draft.pk}/sections/lead",
        {
            "revision": body["revision"],
            "base": body["base"],
            "values": {
                "lead_unit.employees": 2400,
                "lead_unit.postcode": "45",
                "lead_unit.qualifications": ["key_laboratory"],
                "lead_unit.free_trade_zone": None,
            },
        },
    )
    assert response.status_code == 200
    saved = response.json()
    assert saved["revision"] == 1
    assert saved["values"]["lead_unit.employees"] == 2400
    assert saved["values"]["lead_unit.qualifications"] == ["key_laboratory"]
    assert saved["errors"] == {
        "lead_unit.postcode": {"value": "45", "message": "邮政编码应为 6 位数字，如 450001"}
    }
    assert set(saved["changed"]) == {
        "lead_unit.employees",
        "lead_unit.postcode",
        "lead_unit.qualifications",
    }


def test_put_with_a_stale_revision_is_409(client, staff, draft):
    alice, bob = _client_for(client, staff()), _client_for(client, staff())
    opened = alice("get", f"/proposals/{draft.pk}/sections/facts").json()
    bob(
        "put",
        f"/proposals/{draft.pk}/sections/facts",
        {"revision": 0, "values": {"product": "铝箔"}},
    )
    response = alice(
        "put",
        f"/proposals/{draft.pk}/sections/facts",
        {"revision": opened["revision"], "base": opened["base"], "values": {"product": "铝板"}},
    )
    body = assert_error(response, 409, "conflict")
    assert body["details"]["revision"] == 1
    draft.refresh_from_db()
    assert draft.document["product"] == "铝箔"


def test_put_refuses_unknown_fields_and_locked_proposals(client, staff, draft):
    call = _client_for(client, staff())
    response = call(
        "put", f"/proposals/{draft.pk}/sections/facts", {"revision": 0, "values": {"nope": "1"}}
    )
    assert_error(response, 422, "validation_failed")
    Proposal.objects.filter(pk=draft.pk).update(status=Proposal.Status.SUBMITTED)
    response = call(
        "put", f"/proposals/{draft.pk}/sections/facts", {"revision": 0, "values": {"product": "x"}}
    )
    assert "已锁定" in assert_error(response, 403, "permission_denied")["message"]


def test_other_units_get_404(client, make_user, make_unit, draft):
    call = _client_for(client, make_user(["applicant"], unit=make_unit("410305")))
    for url in ("sections/facts", "eligibility", "duplicates"):
        assert_error(call("get", f"/proposals/{draft.pk}/{url}"), 404, "not_found")
    response = call(
        "put", f"/proposals/{draft.pk}/sections/facts", {"revision": 0, "values": {"product": "x"}}
    )
    assert_error(response, 404, "not_found")
    assert_error(call("get", f"/proposals/{draft.pk}/sections/nonsense"), 404, "not_found")


def test_eligibility_and_duplicates(client, staff, draft, make_draft):
    other = example("henan-fail-alliance.unique_in_field.json")
    make_draft(other, status=Proposal.Status.SUBMITTED)
    call = _client_for(client, staff())
    body = call("get", f"/proposals/{draft.pk}/eligibility").json()
    assert body["complete"] is True
    unique = next(f for f in body["findings"] if f["rule"] == "alliance.unique_in_field")
    assert unique["status"] == "fail"

    duplicates = call("get", f"/proposals/{draft.pk}/duplicates").json()
    assert duplicates[0]["name"] == other["name"]
    assert duplicates[0]["flagged"] is True
    assert duplicates[0]["score"] >= 80

    call("put", f"/proposals/{draft.pk}/sections/facts", {"revision": 0, "values": {"name": ""}})
    body = call("get", f"/proposals/{draft.pk}/eligibility").json()
    assert body["complete"] is False
    assert body["path"] == "$.name"
    assert (body["part"], body["field"]) == ("facts", "name")


def test_a_kept_error_reads_in_the_language_the_client_chose(client, staff, draft):
    call = _client_for(client, staff())
    body = call("get", f"/proposals/{draft.pk}/sections/lead").json()
    call(
        "put",
        f"/proposals/{draft.pk}/sections/lead",
        {
            "revision": body["revision"],
            "base": body["base"],
            "values": {"lead_unit.postcode": "45"},
        },
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    errors = call("get", f"/proposals/{draft.pk}/sections/lead").json()["errors"]
    assert errors == {
        "lead_unit.postcode": {"value": "45", "message": "A postcode has 6 digits, e.g. 450001"}
    }
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    errors = call("get", f"/proposals/{draft.pk}/sections/lead").json()["errors"]
    assert errors["lead_unit.postcode"]["message"] == "邮政编码应为 6 位数字，如 450001"
