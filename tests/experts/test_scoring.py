"""Scoring: only the assigned expert, only while open; others' scores hidden until the round
closes; mean, trimmed mean, weighted total and rank; the score sheet export."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from lianmeng.core.errors import Conflict, NotFound, ValidationFailed
from lianmeng.experts import services
from lianmeng.experts.models import Assignment
from lianmeng.experts.results import rank, round_results, trimmed_mean, weighted_total

KEYS = ["strategic_focus", "market_orientation", "top_level_design", "lead_unit", "members"]


def _full(value) -> dict[str, str]:
    return {key: str(value) for key in KEYS}


@pytest.fixture
def review(henan_staff, make_expert, make_review_proposal):
    proposals = [make_review_proposal(name=f"河南省第{i}产业技术创新战略联盟") for i in range(3)]
    experts = [make_expert("410105") for _ in range(4)]
    round = services.round_create(actor=henan_staff, profile="henan", call_year=2020)
    services.round_add_proposals(
        actor=henan_staff, round_id=round.pk, proposal_ids=[p.pk for p in proposals]
    )
    services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=4)
    return round, proposals, experts


def _task(round, proposal, expert) -> Assignment:
    return Assignment.objects.get(round=round, proposal=proposal, expert=expert)


def test_only_the_assigned_expert_scores_and_only_while_open(henan_staff, review, make_expert):
    round, proposals, experts = review
    task = _task(round, proposals[0], experts[0])
    stranger = make_expert("410105").user
    with pytest.raises(NotFound):
        services.score_submit(actor=stranger, assignment_id=task.pk, scores=_full(80))
    with pytest.raises(NotFound):
        services.score_submit(actor=experts[1].user, assignment_id=task.pk, scores=_full(80))
    services.round_close(actor=henan_staff, round_id=round.pk)
    with pytest.raises(Conflict) as excinfo:
        services.score_submit(actor=experts[0].user, assignment_id=task.pk, scores=_full(80))
    assert "已截止" in excinfo.value.message


def test_draft_then_submit_then_locked(review):
    round, proposals, experts = review
    task = _task(round, proposals[0], experts[0])
    user = experts[0].user
    services.score_submit(
        actor=user, assignment_id=task.pk, scores={"strategic_focus": "90"}, final=False
    )
    with pytest.raises(ValidationFailed) as excinfo:
        services.score_submit(actor=user, assignment_id=task.pk, scores={"strategic_focus": "90"})
    assert "坚持市场导向" in excinfo.value.message
    for bad in ("101", "-1", "八十", "85.25"):
        with pytest.raises(ValidationFailed):
            services.score_submit(actor=user, assignment_id=task.pk, scores=_full(bad))
    services.score_submit(
        actor=user, assignment_id=task.pk, scores=_full("85.5"), comments={"members": "成员较强"}
    )
    task.refresh_from_db()
    assert task.submitted_at is not None
    assert task.scores.get(criterion="members").comment == "成员较强"
    with pytest.raises(Conflict):
        services.score_submit(actor=user, assignment_id=task.pk, scores=_full(60))


def test_scores_of_others_are_hidden_until_the_round_closes(client, login, henan_staff, review):
    round, proposals, experts = review
    first, second = experts[0], experts[1]
    services.score_submit(
        actor=first.user,
        assignment_id=_task(round, proposals[0], first).pk,
        scores=_full(77),
        comments={"strategic_focus": "第一位专家的独家评语"},
    )
    own = _task(round, proposals[0], second)
    login(second.user)
    page = client.get(f"/experts/assignments/{own.pk}/").content.decode()
    assert "第一位专家的独家评语" not in page and "其他专家的评分" not in page
    api = client.get(f"/api/v1/review-assignments/{own.pk}").json()
    assert api["scores"] == []

    services.round_close(actor=henan_staff, round_id=round.pk)
    page = client.get(f"/experts/assignments/{own.pk}/").content.decode()
    assert "第一位专家的独家评语" in page
    assert "专家 1" in page and str(first.user) not in page  # names withheld


def test_scoring_form_saves_a_draft_and_submits(client, login, review):
    round, proposals, experts = review
    task = _task(round, proposals[0], experts[0])
    login(experts[0].user)
    page = client.get(f"/experts/assignments/{task.pk}/").content.decode()
    for title in (
        "突出战略重点",
        "坚持市场导向",
        "强化顶层设计",
        "牵头单位实力与地位",
        "成员单位构成与水平",
    ):
        assert title in page
    assert "权重 25" in page
    data = {f"score_{k}": "" for k in KEYS} | {"score_strategic_focus": "88", "action": "save"}
    data["comment_strategic_focus"] = "方向明确"
    assert client.post(f"/experts/assignments/{task.pk}/", data).status_code == 302
    page = client.get(f"/experts/assignments/{task.pk}/").content.decode()
    assert 'value="88.0"' in page and "方向明确" in page
    data = {f"score_{k}": "" for k in KEYS} | {"action": "submit", "score_strategic_focus": "88"}
    response = client.post(f"/experts/assignments/{task.pk}/", data)
    assert response.status_code == 422
    assert "尚未打分" in response.content.decode()
    assert 'value="88"' in response.content.decode()  # what was typed is kept
    data = {f"score_{k}": "80" for k in KEYS} | {"action": "submit", "confirmed": "1"}
    assert client.post(f"/experts/assignments/{task.pk}/", data).status_code == 302
    task.refresh_from_db()
    assert task.submitted_at is not None


def test_trimmed_mean_drops_one_highest_and_one_lowest_from_four():
    values = [Decimal(v) for v in ("90", "80", "70", "20")]
    assert trimmed_mean(values) == Decimal(75)
    assert trimmed_mean(values[:3]) == Decimal(80)  # three: the plain mean
    assert trimmed_mean([]) is None


def test_weighted_total_uses_weights_and_maxima():
    criteria = [
        {"key": "a", "weight": 60, "max_score": 100},
        {"key": "b", "weight": 40, "max_score": 10},
    ]
    assert weighted_total(criteria, {"a": Decimal(50), "b": Decimal(10)}) == Decimal(70)


def test_results_mean_trimmed_and_rank(henan_staff, review):
    round, proposals, experts = review
    plan = {
        proposals[0]: [90, 80, 70, 20],  # mean 65, trimmed 75
        proposals[1]: [70, 70, 70, 70],  # mean 70, trimmed 70
        proposals[2]: [95, 60, 60, 60],  # mean 68.75, trimmed 60
    }
    for proposal, values in plan.items():
        for expert, value in zip(experts, values, strict=True):
            services.score_submit(
                actor=expert.user,
                assignment_id=_task(round, proposal, expert).pk,
                scores=_full(value),
            )
    results = {r.proposal.pk: r for r in round_results(round)}
    first, second, third = (results[p.pk] for p in proposals)
    assert (first.mean, first.trimmed, first.rank) == (Decimal(65), Decimal(75), 1)
    assert (second.mean, second.trimmed, second.rank) == (Decimal(70), Decimal(70), 2)
    assert (third.mean, third.trimmed, third.rank) == (Decimal("68.75"), Decimal(60), 3)
    assert first.criterion_means["strategic_focus"] == Decimal(65)
    assert first.submitted == 4 and first.assigned == 4


def test_ties_share_a_rank_and_unscored_come_last():
    from types import SimpleNamespace

    from lianmeng.experts.results import ProposalResult

    def result(pk, trimmed, mean):
        return ProposalResult(proposal=SimpleNamespace(pk=pk), mean=mean, trimmed=trimmed)

    ranked = rank(
        [
            result(1, Decimal(80), Decimal(80)),
            result(2, None, None),
            result(3, Decimal(90), Decimal(90)),
            result(4, Decimal(80), Decimal(80)),
            result(5, Decimal(70), Decimal(70)),
        ]
    )
    assert [(r.proposal.pk, r.rank) for r in ranked] == [(3, 1), (1, 2), (4, 2), (5, 4), (2, None)]


def test_results_page_and_score_sheet_export(client, login, henan_staff, review):
    round, proposals, experts = review
    for expert in experts:
        services.score_submit(
            actor=expert.user,
            assignment_id=_task(round, proposals[0], expert).pk,
            scores=_full(80),
            comments={"members": "评语"},
        )
    # scores by name and the ranking are shown once the round is closed (issue 12, finding 6)
    services.round_close(actor=henan_staff, round_id=round.pk)
    login(henan_staff)
    page = client.get(f"/staff/reviews/{round.pk}/results/").content.decode()
    assert proposals[0].name in page and "去极值平均分" in page and "80.00" in page
    response = client.get(f"/staff/reviews/{round.pk}/results.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    summary, detail = book["评审结果"], book["评分明细"]
    header = [c.value for c in summary[3]]
    assert header[:4] == ["排名", "联盟名称", "牵头单位", "已评/分配"]
    assert "突出战略重点（权重25）" in header and header[-1] == "去极值平均分"
    row = [c.value for c in summary[4]]
    assert row[0] == 1 and row[1] == proposals[0].name and row[3] == "4/4" and row[-1] == 80
    assert detail.max_row == 1 + 4
    api = client.get(f"/api/v1/review-rounds/{round.pk}/results").json()
    assert api[0]["rank"] == 1 and api[0]["trimmed_mean"] == "80.00"


def test_round_list_query_count_is_stable(
    client, login, henan_staff, django_assert_max_num_queries
):
    login(henan_staff)
    services.round_create(actor=henan_staff, profile="henan", call_year=2020)
    client.get("/staff/reviews/")  # warm caches (sessions, profiles)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get("/staff/reviews/").status_code == 200
    for year in range(2021, 2025):
        services.round_create(actor=henan_staff, profile="henan", call_year=year)
    with CaptureQueriesContext(connection) as five:
        page = client.get("/staff/reviews/").content.decode()
    assert "2024年度河南省" in page
    assert len(five) == len(one)
