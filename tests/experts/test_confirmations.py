"""结束评审 and 提交评分 act only once confirmed: without ``confirmed=1`` the page says what
will happen and nothing changes (issue 11)."""

from __future__ import annotations

import re

import pytest

from lianmeng.experts import services
from lianmeng.experts.models import Assignment, ReviewRound

KEYS = ["strategic_focus", "market_orientation", "top_level_design", "lead_unit", "members"]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def review(henan_staff, make_expert, make_review_proposal):
    proposal = make_review_proposal(name="河南省确认产业技术创新战略联盟")
    experts = [make_expert("410105") for _ in range(2)]
    round = services.round_create(actor=henan_staff, profile="henan", call_year=2020)
    services.round_add_proposals(actor=henan_staff, round_id=round.pk, proposal_ids=[proposal.pk])
    services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=2)
    return round, proposal, experts


def test_closing_a_round_needs_confirmation(client, login, henan_staff, review):
    round, _proposal, _experts = review
    login(henan_staff)
    page = _text(client.get(f"/staff/reviews/{round.pk}/"))
    assert 'data-lm-confirm="confirm-close"' in page and "确认结束评审" in page
    response = client.post(f"/staff/reviews/{round.pk}/close/")
    page = _text(response)
    assert response.status_code == 200
    assert "确认结束评审？" in page and "结束后专家不能再提交或修改评分" in page
    round.refresh_from_db()
    assert round.status == ReviewRound.Status.OPEN
    client.post(f"/staff/reviews/{round.pk}/close/", {"confirmed": "1"})
    round.refresh_from_db()
    assert round.status == ReviewRound.Status.CLOSED


def test_submitting_scores_needs_confirmation_and_keeps_them(client, login, review):
    round, proposal, experts = review
    task = Assignment.objects.get(round=round, proposal=proposal, expert=experts[0])
    login(experts[0].user)
    url = f"/experts/assignments/{task.pk}/"
    assert 'data-lm-confirm="confirm-submit"' in _text(client.get(url))
    data = {f"score_{k}": "81" for k in KEYS} | {"action": "submit", "comment_members": "较强"}
    page = _text(client.post(url, data))
    assert "确认提交评分？" in page and "提交后评分和评语即成定稿，不能再修改" in page
    assert 'name="score_members" value="81"' in page  # what was typed goes with the confirmation
    task.refresh_from_db()
    assert task.submitted_at is None and not task.scores.exists()  # not even saved
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    task.refresh_from_db()
    assert task.submitted_at is not None
    assert task.scores.get(criterion="members").comment == "较强"


def test_an_incomplete_submission_is_refused_without_asking(client, login, review):
    round, proposal, experts = review
    task = Assignment.objects.get(round=round, proposal=proposal, expert=experts[0])
    login(experts[0].user)
    data = {f"score_{k}": "" for k in KEYS} | {"action": "submit", "score_members": "70"}
    response = client.post(f"/experts/assignments/{task.pk}/", data)
    assert response.status_code == 422 and "尚未打分" in _text(response)
    assert "确认提交评分？" not in _text(response).split("<dialog")[0]
