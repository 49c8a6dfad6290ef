"""The department's alliance list and report inbox make the same number of queries at any size (issue 13:
"at national scale … make a constant number of queries"): 30 and then 60 alliances with their
history rows, construction deadlines, workspaces and members (the national-scale benchmark's
generator, tests/bench/alliance_bench.py), seen by Henan's provincial competent department."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.core.models import User
from tests import two_factor
from tests.bench.alliance_bench import (
    INBOX_PAGES,
    PAGES,
    PASSWORD,
    ROW,
    USERNAME,
    generate,
    reporting_ready,
)


def _queries(client, url: str) -> int:
    client.get(url)  # the first request of a session warms caches (profiles, years)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    assert ROW.search(response.content.decode()), f"{url} shows none of the alliances"
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_department_alliance_list_makes_the_same_number_of_queries_at_any_size(client):
    generate(n_alliances=30, members_per_alliance=3)
    two_factor.sign_in(client, User.objects.get(username=USERNAME), password=PASSWORD)
    small = {url: _queries(client, url) for _name, url in PAGES}

    generate(n_alliances=30, members_per_alliance=3, first=30, seed=14)
    large = {url: _queries(client, url) for _name, url in PAGES}

    assert large == small, f"queries at 30 alliances: {small}, at 60: {large}"
    assert max(large.values()) <= 15, large


@pytest.mark.django_db
@pytest.mark.skipif(not reporting_ready(), reason="lianmeng.reporting has no inbox yet")
def test_the_report_inbox_makes_the_same_number_of_queries_at_any_size(client):
    generate(n_alliances=30, members_per_alliance=2, report_years=2)
    two_factor.sign_in(client, User.objects.get(username=USERNAME), password=PASSWORD)
    small = {url: _queries(client, url) for _name, url in INBOX_PAGES}

    generate(n_alliances=30, members_per_alliance=2, report_years=2, first=30, seed=14)
    large = {url: _queries(client, url) for _name, url in INBOX_PAGES}

    assert large == small, f"queries at 30 alliances: {small}, at 60: {large}"
