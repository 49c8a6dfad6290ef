"""The work rewards put on the home pages: the deciding department sees the claims waiting for
it and the awards not yet paid (each a link to the filtered list), the expert the claims he is
to review; a department without reward rules sees nothing of it."""

from __future__ import annotations

from django.utils import translation

from lianmeng.rewards import services


def _home(client, user) -> str:
    client.force_login(user)
    with translation.override("zh-hans"):
        return client.get("/home/").content.decode()


def test_the_department_home_counts_claims_to_review_and_awards_to_pay(
    client, rw, make_claim, decide
):
    make_claim(rw.applicant, rw.alliance, "platform_service")
    paid_later = make_claim(rw.applicant, rw.alliance, "new_alliance")
    page = _home(client, rw.department)
    assert "奖补申请待审核" in page and "/rewards/?status=submitted" in page
    assert "奖补决定已公布、尚未拨付" not in page  # nothing decided yet
    decide(paid_later, "10.00")
    page = _home(client, rw.department)
    assert "奖补决定已公布、尚未拨付" in page and "/staff/rewards/ledger/" in page
    # Henan's department decides no rewards: none of it on its home
    page = _home(client, rw.henan)
    assert "奖补申请待审核" not in page and "奖补决定已公布" not in page


def test_the_expert_home_lists_the_claims_to_review(client, rw, make_claim):
    claim = make_claim(
        rw.applicant,
        rw.alliance,
        "rd_project",
        {"project": "高端轴承寿命试验", "event_date": "2019-05-01"},
    )
    assert "奖补评审" not in _home(client, rw.expert.user)
    services.reviewers_assign(
        actor=rw.department, claim_id=claim.pk, expert_ids=[rw.expert.user_id]
    )
    page = _home(client, rw.expert.user)
    assert f"奖补申请 {claim.number}" in page and f"/rewards/claims/{claim.pk}/" in page
    review = claim.reviews.get(expert=rw.expert.user)
    services.review_save(
        actor=rw.expert.user,
        review_id=review.pk,
        score="88",
        suggested="200",
        comment="技术路线清晰，建议支持。",
        submit=True,
    )
    assert f"奖补申请 {claim.number}" not in _home(client, rw.expert.user)
