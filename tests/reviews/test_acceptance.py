"""Acceptance (M-21): the competent department's list stays at the same number of queries
at 5 and 5,000 proposals; filters; 逾期不予受理 through the API."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.proposals.models import Proposal
from lianmeng.reviews.models import PaperReceipt
from lianmeng.workflow.models import StateChange

from .conftest import beijing


def _bulk(unit, count: int, *, start: int = 0, status: str = "recommended") -> None:
    rows = [
        Proposal(
            profile="henan",
            call_year=2020,
            name=f"河南省第{start + n}号产业技术创新战略联盟",
            domain="industry",
            lead_unit=unit,
            region=unit.region,
            status=status,
            document={"members": []},
            member_count=11,
        )
        for n in range(count)
    ]
    created = Proposal.objects.bulk_create(rows, batch_size=1000)
    ids = (
        [p.pk for p in created]
        if created[0].pk
        else list(
            Proposal.objects.filter(name__in=[r.name for r in rows]).values_list("pk", flat=True)
        )
    )
    at = beijing(2020, 9, 15, 10)
    StateChange.objects.bulk_create(
        [
            StateChange(
                subject_kind="proposal",
                subject_id=pk,
                from_state="county_recommended",
                to_state="recommended",
                transition="recommend_city",
                kind="recommend",
                label="推荐",
                at=at,
            )
            for pk in ids
        ],
        batch_size=1000,
    )


def _queries(client, url: str) -> tuple[int, str]:
    client.get(url)  # warm: the first request after sign-in touches the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_acceptance_list_queries_do_not_grow_with_5000_proposals(client, login, make_unit, staff):
    unit = make_unit("410182")
    province = staff("410000", "competent")
    login(province)
    _bulk(unit, 5)
    few, page = _queries(client, "/reviews/acceptance/")
    assert "共 5 条" in page and "河南省第0号产业技术创新战略联盟" in page
    _bulk(unit, 4995, start=5)
    many, page = _queries(client, "/reviews/acceptance/")
    assert "共 5,000 条" in page or "共 5000 条" in page
    assert many == few


def test_inbox_queries_do_not_grow(client, login, make_unit, staff):
    unit = make_unit("410182")
    county = staff("410182")
    login(county)
    _bulk(unit, 5, status="submitted")
    few, page = _queries(client, "/reviews/")
    assert "共 5 条" in page
    _bulk(unit, 45, start=5, status="submitted")
    many, page = _queries(client, "/reviews/")
    assert "共 50 条" in page
    assert many == few


def test_acceptance_filters(client, login, file_proposal, staff, at):
    at(2020, 9, 1, 10)
    waiting = file_proposal("henan", status="recommended")
    received = file_proposal(
        "henan",
        mutate=lambda d: d.update(name="河南省已收材料产业技术创新战略联盟"),
        status="recommended",
    )
    file_proposal(
        "henan",
        mutate=lambda d: d.update(name="河南省县级产业技术创新战略联盟"),
        status="county_recommended",
    )
    province = staff("410000", "competent")
    PaperReceipt.objects.create(
        proposal=received,
        copies=2,
        received_at=beijing(2020, 9, 21, 9),
        received_by="张超",
        recorded_by=province,
        recorded_at=beijing(2020, 9, 21, 9),
    )
    login(province)
    page = client.get("/reviews/acceptance/").content.decode()
    assert waiting.name in page and received.name in page
    assert "河南省县级产业技术创新战略联盟" not in page  # not yet recommended by the city
    page = client.get("/reviews/acceptance/?paper=missing").content.decode()
    assert waiting.name in page and received.name not in page
    page = client.get("/reviews/acceptance/?q=已收材料").content.decode()
    assert received.name in page and waiting.name not in page
    # a city bureau has no acceptance page
    login(staff("410100"))
    assert client.get("/reviews/acceptance/").status_code == 403


def test_competent_proposal_list_queries_do_not_grow_with_5000_proposals(
    client, login, make_unit, staff
):
    """Issue 4: the competent department's proposal list makes as many queries at 5,000
    proposals as at 5 (its latency is in docs/benchmarks.md)."""
    unit = make_unit("410182")
    login(staff("410000", "competent"))
    _bulk(unit, 5)
    few, page = _queries(client, "/proposals/")
    assert "共 5 条" in page and "河南省第0号产业技术创新战略联盟" in page
    _bulk(unit, 4995, start=5)
    many, page = _queries(client, "/proposals/?page=3")
    assert "共 5,000 条" in page or "共 5000 条" in page
    assert many == few
