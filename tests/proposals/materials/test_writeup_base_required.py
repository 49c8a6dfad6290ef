"""Issue 12, finding 8: a write-up saved without its base is refused (it would overwrite a
colleague's text silently); a stale base gets 409 with the current text and its base."""

from __future__ import annotations

import pytest

from lianmeng.core.tokens import token_create
from lianmeng.proposals import writeups
from lianmeng.proposals.models import Proposal
from tests.api.conftest import assert_error, bearer

pytestmark = pytest.mark.django_db


def _text(pk):
    return writeups.section_text(Proposal.objects.get(pk=pk), "feasibility", "1")


def test_api_save_without_base_is_refused(henan_draft, lead_staff, client):
    headers = bearer(token_create(actor=lead_staff(henan_draft), name="t")[1])
    url = f"/api/v1/proposals/{henan_draft.pk}/writeups/feasibility/1"
    first = client.put(
        url, {"html": "<p>同事的版本</p>", "base": writeups.digest("")},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert first.status_code == 200
    blind = client.put(
        url, {"html": "<p>覆盖</p>"}, content_type="application/json", headers=headers
    )
    body = assert_error(blind, 422, "validation_failed")
    assert "请重新载入" in body["message"] and body["details"]["field"] == "base"
    stale = client.put(
        url, {"html": "<p>覆盖</p>", "base": writeups.digest("")},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    body = assert_error(stale, 409, "conflict")
    assert body["details"]["current"] == "<p>同事的版本</p>"
    assert body["details"]["base"] == first.json()["base"]
    assert _text(henan_draft.pk) == "<p>同事的版本</p>"


def test_web_save_without_base_keeps_the_text_and_says_reload(henan_draft, lead_staff, signed_in):
    client = signed_in(lead_staff(henan_draft))
    url = f"/proposals/{henan_draft.pk}/edit/writeups/feasibility/"
    page = client.get(url).content.decode()
    assert f'name="base" value="{writeups.digest("")}"' in page  # the form sends it
    response = client.post(url, {"section": "1", "html": "<p>没有依据的版本</p>"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "请重新载入页面" in text and "没有依据的版本" in text
    assert _text(henan_draft.pk) == ""
