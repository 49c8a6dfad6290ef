"""Issue 12, finding 6: the organiser sees scores by expert name and the ranking only after the
round closes — on the results page, over the API and in the score-sheet export. Before: how many
of how many have scored, nothing more."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from lianmeng.experts import services
from lianmeng.experts.models import Assignment
from tests.api.conftest import API, assert_error, bearer


@pytest.fixture
def scored(henan_staff, make_expert, make_review_proposal):
    proposals = [make_review_proposal(name=f"河南省第{i}产业技术创新战略联盟") for i in range(2)]
    experts = [make_expert("410105") for _ in range(2)]
    round = services.round_create(actor=henan_staff, profile="henan", call_year=2020)
    services.round_add_proposals(
        actor=henan_staff, round_id=round.pk, proposal_ids=[p.pk for p in proposals]
    )
    services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=2)
    keys = [c["key"] for c in round.criteria]
    task = Assignment.objects.get(round=round, proposal=proposals[0], expert=experts[0])
    services.score_submit(
        actor=experts[0].user,
        assignment_id=task.pk,
        scores={k: "87" for k in keys},
        comments={keys[0]: "评语：产业链完整"},
    )
    return round, proposals, experts


def test_results_page_shows_progress_only_until_close(client, login, henan_staff, scored):
    round, proposals, experts = scored
    login(henan_staff)
    page = client.get(f"/staff/reviews/{round.pk}/results/").content.decode()
    assert proposals[0].name in page
    assert "已提交 1 / 4 份" in page and "1/2" in page
    assert str(experts[0].user) not in page  # no expert names
    assert "87.00" not in page and "87" not in page.split("<main", 1)[-1].split("</main>")[0]
    assert "去极值平均分" not in page and ">排名<" not in page  # no scores, no ranking
    assert "评审尚未结束" in page and "导出评分表" not in page

    services.round_close(actor=henan_staff, round_id=round.pk)
    page = client.get(f"/staff/reviews/{round.pk}/results/").content.decode()
    assert str(experts[0].user) in page and "87.00" in page and "去极值平均分" in page


def test_score_sheet_export_is_refused_until_close(client, login, henan_staff, scored):
    round, _proposals, experts = scored
    login(henan_staff)
    response = client.get(f"/staff/reviews/{round.pk}/results.xlsx", follow=True)
    assert response.redirect_chain[-1][0] == f"/staff/reviews/{round.pk}/results/"
    assert "结束评审后才能查看和导出" in response.content.decode()
    services.round_close(actor=henan_staff, round_id=round.pk)
    response = client.get(f"/staff/reviews/{round.pk}/results.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    cells = {str(c.value) for row in book["评分明细"].iter_rows() for c in row}
    assert str(experts[0].user) in cells


def test_api_results_and_export_hide_names_and_ranking_until_close(
    client, token_for, henan_staff, scored
):
    round, proposals, experts = scored
    staff = bearer(token_for(henan_staff))
    rows = client.get(f"{API}/review-rounds/{round.pk}/results", headers=staff).json()
    first = next(r for r in rows if r["proposal"] == proposals[0].pk)
    assert first["submitted"] == 1 and first["assigned"] == 2
    assert all(r["rank"] is None and r["sheets"] == [] and r["mean"] is None for r in rows)
    assert all(r["criterion_means"] == {} and r["trimmed_mean"] is None for r in rows)
    body = assert_error(
        client.get(f"{API}/review-rounds/{round.pk}/results.xlsx", headers=staff), 409
    )
    assert "结束评审" in body["message"]

    services.round_close(actor=henan_staff, round_id=round.pk)
    rows = client.get(f"{API}/review-rounds/{round.pk}/results", headers=staff).json()
    first = next(r for r in rows if r["proposal"] == proposals[0].pk)
    assert first["rank"] == 1 and first["sheets"][0]["expert"] == str(experts[0].user)
    xlsx = client.get(f"{API}/review-rounds/{round.pk}/results.xlsx", headers=staff)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
