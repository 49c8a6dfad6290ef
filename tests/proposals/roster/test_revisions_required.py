"""Issue 12, finding 8: every write of the roster names the revision it was based on; a
missing one is refused with a message to reload (422), a stale one with 409 and the current
revision — so an index read before a colleague's change never hits another row."""

from __future__ import annotations

import pytest

from lianmeng.proposals.models import Proposal
from tests.api.conftest import assert_error, bearer

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def headers(token_for, lead_staff, henan_draft):
    return bearer(token_for(lead_staff(henan_draft)))


def _names(proposal_id):
    return [m["name"] for m in Proposal.objects.get(pk=proposal_id).document["members"]]


def test_api_put_and_delete_without_revision_are_refused(client, henan_draft, headers):
    base = f"{API}/proposals/{henan_draft.pk}/members"
    before = _names(henan_draft.pk)
    put = client.put(
        f"{base}/3", {"name": "改名公司", "kind": "enterprise"},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    body = assert_error(put, 422, "validation_failed")
    assert "请重新载入" in body["message"] and body["details"]["field"] == "revision"
    body = assert_error(client.delete(f"{base}/3", headers=headers), 422, "validation_failed")
    assert "缺少修订号" in body["message"]
    assert _names(henan_draft.pk) == before


def test_api_stale_index_does_not_hit_the_wrong_row(client, henan_draft, headers):
    base = f"{API}/proposals/{henan_draft.pk}/members"
    listed = client.get(base, headers=headers)
    read_at = int(listed["X-Revision"])
    names = [row["member"]["name"] for row in listed.json()]
    # a colleague removes member 2; what was index 3 is now index 2
    assert client.delete(f"{base}/2?revision={read_at}", headers=headers).status_code == 204
    after = _names(henan_draft.pk)
    # the stale client still means names[3] by index 3 — refused, current revision given
    stale = client.delete(f"{base}/3?revision={read_at}", headers=headers)
    body = assert_error(stale, 409, "conflict")
    assert body["details"]["revision"] == read_at + 1
    assert "已被同事修改" in body["message"]
    stale = client.put(
        f"{base}/3?revision={read_at}", {"name": "改名公司", "kind": "enterprise"},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert_error(stale, 409, "conflict")
    assert _names(henan_draft.pk) == after
    assert names[3] in after


def test_openapi_documents_the_revision(client, db):
    document = client.get(f"{API}/openapi.json").json()
    for method in ("put", "delete"):
        operation = document["paths"]["/api/v1/proposals/{proposal_id}/members/{index}"][method]
        assert "revision" in operation["description"]
        assert any(p["name"] == "revision" for p in operation["parameters"])


def test_web_forms_without_revision_are_refused(henan_draft, lead_staff, signed_in):
    client = signed_in(lead_staff(henan_draft))
    base = f"/proposals/{henan_draft.pk}/edit/members/"
    before = _names(henan_draft.pk)
    response = client.post(base + "3/remove/", follow=True)
    assert "请重新载入页面" in response.content.decode()
    response = client.post(base + "3/move/", {"direction": "up"}, follow=True)
    assert "请重新载入页面" in response.content.decode()
    assert _names(henan_draft.pk) == before
    # the page's own forms carry it
    page = client.get(base).content.decode()
    assert f'name="revision" value="{henan_draft.revision}"' in page
    response = client.post(base + "3/remove/", {"revision": henan_draft.revision}, follow=True)
    assert "已从成员名单中删除" in response.content.decode()
    assert len(_names(henan_draft.pk)) == len(before) - 1
