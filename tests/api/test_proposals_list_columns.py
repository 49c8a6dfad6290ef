"""The proposal lists at national scale (issue 17): a page of the API list and of the web list
reads only the columns it shows, never the proposals' JSON columns (the document, the written
feasibility report: tens of kB a proposal)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import API, bearer

pytestmark = pytest.mark.django_db

JSON_COLUMNS = ('"document"', '"form_state"', '"writeups"', '"explanations"')


def _proposal_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if 'FROM "proposals_proposal"' in q["sql"]]


def test_the_api_list_returns_the_row_without_reading_the_json_columns(
    client, make_user, make_unit, token_for, file_proposal
):
    proposal = file_proposal(make_unit("410305"), name="洛阳市轴承产业技术创新战略联盟")
    city = make_user(["competent"], jurisdiction="410300")
    auth = bearer(token_for(city))
    client.get(f"{API}/proposals", headers=auth)  # first use writes last_used_at
    with CaptureQueriesContext(connection) as ctx:
        listed = client.get(f"{API}/proposals", headers=auth).json()
    item = listed["items"][0]
    assert item["name"] == "洛阳市轴承产业技术创新战略联盟" and item["id"] == proposal.pk
    assert item["lead_unit"] == proposal.lead_unit.name and item["region"] == "410305"
    selects = _proposal_queries(ctx)
    assert selects, "the list read no proposal"
    for sql in selects:
        assert not any(f'"proposals_proposal".{c}' in sql for c in JSON_COLUMNS), sql


def test_the_web_list_shows_the_rows_without_reading_the_json_columns(
    client, make_user, make_unit, file_proposal
):
    from tests import two_factor

    file_proposal(make_unit("410305"), name="洛阳市轴承产业技术创新战略联盟")
    city = make_user(["competent"], jurisdiction="410300")
    two_factor.sign_in(client, city)
    client.get("/proposals/")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/proposals/").content.decode()
    assert "洛阳市轴承产业技术创新战略联盟" in page
    for sql in _proposal_queries(ctx):
        assert not any(f'"proposals_proposal".{c}' in sql for c in JSON_COLUMNS), sql
