"""The claims pages of rewards (lianmeng.rewards.views_claims): who sees what, the lead unit's
flow (create → save figures → upload evidence → submit), the department's flow (return, expert
review with a conflict skipped, a decision staged in a batch), the expert's review, the evidence
download and the public calculator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from .conftest import PDF, upload


def _get(client, user, name, *args, **query):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(f"rewards:{name}", args=args), query)


def _post(client, user, name, *args, **data):
    client.force_login(user)
    return client.post(reverse(f"rewards:{name}", args=args), data)


def _text(response) -> str:
    return response.content.decode()


# -- who sees what --------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, rw, make_claim):
    claim = make_claim(rw.applicant, rw.alliance, "platform_construction")
    for url in (
        reverse("rewards:claims"),
        reverse("rewards:claim_new"),
        reverse("rewards:claim", args=[claim.pk]),
        reverse("rewards:claim_file", args=[claim.files.first().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"]


def test_lead_department_and_others(client, rw, make_claim):
    mine = make_claim(rw.applicant, rw.alliance, "platform_construction")
    draft = make_claim(
        rw.applicant, rw.alliance, "rd_project", {"project": "轴承寿命"}, submit=False
    )
    theirs = make_claim(rw.other_applicant, rw.other_alliance, "platform_construction")

    # the lead unit: its own claims (drafts too), a 新建申请 button, not the other unit's
    page = _text(_get(client, rw.applicant, "claims"))
    assert mine.number in page and draft.number in page
    assert theirs.number not in page
    assert "新建申请" in page
    assert _get(client, rw.applicant, "claim", theirs.pk).status_code == 404
    assert _get(client, rw.applicant, "claim", mine.pk).status_code == 200

    # the department: submitted claims of its profile, never the lead unit's drafts
    page = _text(_get(client, rw.department, "claims"))
    assert mine.number in page and theirs.number in page
    assert draft.number not in page
    assert "代为申请" in page
    assert _get(client, rw.department, "claim", draft.pk).status_code == 404
    response = _get(client, rw.department, "claim", mine.pk)
    assert response.status_code == 200
    assert "退回补正" in _text(response) and "拟定决定" in _text(response)

    # another department (Baoding) sees none of them
    assert mine.number not in _text(_get(client, rw.baoding, "claims"))
    assert _get(client, rw.baoding, "claim", mine.pk).status_code == 404

    # an expert sees only what he is assigned
    assert _get(client, rw.expert.user, "claim", mine.pk).status_code == 404
    assert mine.number not in _text(_get(client, rw.expert.user, "claims"))


def test_filters(client, rw, make_claim):
    a = make_claim(rw.applicant, rw.alliance, "platform_construction")
    b = make_claim(rw.other_applicant, rw.other_alliance, "rd_project")
    page = _text(_get(client, rw.department, "claims", kind="rd_project"))
    assert b.number in page and a.number not in page
    page = _text(_get(client, rw.department, "claims", q="新材料"))
    assert b.number in page and a.number not in page
    page = _text(_get(client, rw.department, "claims", status="returned"))
    assert a.number not in page and b.number not in page
    page = _text(_get(client, rw.department, "claims", status="bogus", kind="bogus"))
    assert a.number in page and b.number in page


def test_list_query_count_is_fixed(client, rw, make_claim, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_claim(rw.applicant, rw.alliance, "platform_construction")
    client.force_login(rw.department)
    url = reverse("rewards:claims")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        make_claim(
            rw.applicant,
            rw.alliance,
            "rd_project",
            {"project": f"项目{i}", "event_date": "2019-05-01"},
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert _text(response).count("JB") >= 7
    assert len(many) == len(few)
    # the expert's list with his review status: one query more, whatever the rows
    from lianmeng.rewards import services

    claim = make_claim(
        rw.applicant, rw.alliance, "rd_project", {"project": "评审项目", "event_date": "2019-05-01"}
    )
    services.reviewers_assign(
        actor=rw.department, claim_id=claim.pk, expert_ids=[rw.expert.user_id]
    )
    client.force_login(rw.expert.user)
    with django_assert_max_num_queries(len(few) + 3):
        page = _text(client.get(url))
    assert claim.number in page and "待评审" in page


# -- the lead unit's flow -------------------------------------------------------------------------


def test_lead_flow_create_save_upload_submit(client, rw):
    from lianmeng.rewards.models import Claim

    response = _get(client, rw.applicant, "claim_new")
    page = _text(response)
    assert rw.alliance.name in page
    assert "公共服务平台建设补助" in page and "第十四条" in page
    assert "实际建设投资 × 20%，最高 1,000 万元" in page

    response = _post(
        client, rw.applicant, "claim_new", alliance=rw.alliance.pk, kind="platform_construction"
    )
    assert response.status_code == 302
    claim = Claim.objects.get(alliance=rw.alliance)
    assert response["Location"] == reverse("rewards:claim", args=[claim.pk])
    page = _text(client.get(response["Location"]))
    assert "实际建设投资" in page and "保存并测算" in page
    assert "联盟名录（认定决定）" in page and "2018-12-01" in page

    # a bad figure: the form comes back with what was typed and the error
    response = _post(
        client,
        rw.applicant,
        "claim_save",
        claim.pk,
        revision=claim.revision,
        investment="12x",
        platform="轴承检测平台",
        statement="平台说明",
    )
    assert response.status_code == 422
    page = _text(response)
    assert "12x" in page and "平台说明" in page and "应为金额" in page

    response = _post(
        client,
        rw.applicant,
        "claim_save",
        claim.pk,
        revision=claim.revision,
        investment="1200",
        platform="轴承检测平台",
        other_source_0="",
        statement="平台说明",
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.computed_amount == Decimal("240.00")
    page = _text(client.get(reverse("rewards:claim", args=[claim.pk])))
    assert "240.00" in page and "第十四条" in page

    # a stale revision is refused, the typed values kept
    response = _post(
        client,
        rw.applicant,
        "claim_save",
        claim.pk,
        revision=claim.revision - 1,
        investment="1300",
        platform="轴承检测平台",
    )
    assert response.status_code == 409 and "1300" in _text(response)

    # submitting without evidence is refused
    response = _post(
        client, rw.applicant, "claim_submit", claim.pk, revision=claim.revision, confirmed="1"
    )
    assert response.status_code == 422 and "证明材料" in _text(response)

    response = client.post(
        reverse("rewards:claim_upload", args=[claim.pk]),
        {"title": "投资审计报告", "file": upload()},
    )
    assert response.status_code == 302
    file = claim.files.get()
    download = client.get(reverse("rewards:claim_file", args=[file.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF

    # without the confirmation: the confirmation page, nothing happens
    response = _post(client, rw.applicant, "claim_submit", claim.pk, revision=claim.revision)
    assert response.status_code == 200 and "确认提交奖补申请" in _text(response)
    claim.refresh_from_db()
    assert claim.status == "draft"

    response = _post(
        client, rw.applicant, "claim_submit", claim.pk, revision=claim.revision, confirmed="1"
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "submitted"
    page = _text(client.get(reverse("rewards:claim", args=[claim.pk])))
    assert "保存并测算" not in page and "已提交" in page

    # the same item again: refused, the reason shown
    response = _post(
        client, rw.applicant, "claim_new", alliance=rw.alliance.pk, kind="new_alliance"
    )
    assert response.status_code == 302
    response = _post(
        client, rw.applicant, "claim_new", alliance=rw.alliance.pk, kind="new_alliance"
    )
    assert response.status_code == 409
    page = _text(response)
    assert "该联盟已有同一事项的申请" in page and "不能重复申请" in page


def test_other_lead_unit_may_not_touch(client, rw, make_claim):
    claim = make_claim(rw.applicant, rw.alliance, "platform_construction", submit=False)
    file = claim.files.first()
    if file is None:
        from lianmeng.rewards import services

        file = services.claim_upload(actor=rw.applicant, claim_id=claim.pk, file=upload())
    assert _get(client, rw.other_applicant, "claim_file", file.pk).status_code == 404
    response = _post(
        client, rw.other_applicant, "claim_save", claim.pk, investment="1", platform="x"
    )
    assert response.status_code == 404
    assert _post(client, rw.other_applicant, "claim_file_delete", file.pk).status_code == 404
    assert claim.files.count() == 1


def test_withdraw_and_delete_file(client, rw, make_claim):
    from lianmeng.rewards import services

    claim = make_claim(rw.applicant, rw.alliance, "platform_construction", submit=False)
    row = services.claim_upload(actor=rw.applicant, claim_id=claim.pk, file=upload())
    assert _post(client, rw.applicant, "claim_file_delete", row.pk).status_code == 302
    assert claim.files.count() == 0
    response = _post(
        client, rw.applicant, "claim_withdraw", claim.pk, revision=claim.revision, confirmed="1"
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "withdrawn"


# -- the department -------------------------------------------------------------------------------


def test_department_returns_a_claim(client, rw, make_claim):
    claim = make_claim(rw.applicant, rw.alliance, "platform_construction")
    response = _post(
        client,
        rw.department,
        "claim_return",
        claim.pk,
        revision=claim.revision,
        reason="",
        confirmed="1",
    )
    assert response.status_code == 422 and "退回意见" in _text(response)
    response = _post(
        client,
        rw.department,
        "claim_return",
        claim.pk,
        revision=claim.revision,
        reason="请补充审计报告",
        confirmed="1",
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "returned"
    page = _text(_get(client, rw.applicant, "claim", claim.pk))
    assert "请补充审计报告" in page and "保存并测算" in page
    # the lead unit may not return
    assert _post(
        client, rw.applicant, "claim_return", claim.pk, reason="x", confirmed="1"
    ).status_code in (403, 404)


def test_department_review_and_stage(client, rw, make_claim):
    from lianmeng.rewards import services
    from lianmeng.rewards.models import Award, ClaimReview

    claim = make_claim(rw.applicant, rw.alliance, "rd_project")
    page = _text(_get(client, rw.department, "claim", claim.pk))
    assert "组织专家评审" in page and str(rw.expert.user) in page

    response = _post(
        client,
        rw.department,
        "claim_reviewers",
        claim.pk,
        experts=[rw.expert.user_id, rw.member_expert.user_id],
    )
    assert response.status_code == 302
    page = _text(client.get(response["Location"]))
    assert "利益冲突" in page and str(rw.member_expert.user) in page
    assert list(ClaimReview.objects.filter(claim=claim).values_list("expert_id", flat=True)) == [
        rw.expert.user_id
    ]

    # the expert: the claim and his form; an out-of-range amount is refused, values kept
    review = ClaimReview.objects.get(claim=claim)
    page = _text(_get(client, rw.expert.user, "claims"))
    assert claim.number in page and "待评审" in page
    page = _text(_get(client, rw.expert.user, "claim", claim.pk))
    assert "我的评审意见" in page and "退回补正" not in page
    response = _post(
        client,
        rw.expert.user,
        "review_save",
        review.pk,
        score="85",
        suggested="500",
        comment="很好",
        action="submit",
        revision=review.revision,
    )
    assert response.status_code == 422
    assert "100.00–300.00" in _text(response) and "很好" in _text(response)
    response = _post(
        client,
        rw.expert.user,
        "review_save",
        review.pk,
        score="85",
        suggested="200",
        comment="研发基础扎实",
        action="submit",
        revision=review.revision,
    )
    assert response.status_code == 302
    # another expert may not post to it
    assert (
        _post(
            client, rw.expert2.user, "review_save", review.pk, score="1", action="save"
        ).status_code
        == 404
    )

    # the department: the reviews, the mean as the default amount; no batch yet
    page = _text(_get(client, rw.department, "claim", claim.pk))
    assert "研发基础扎实" in page and "200.00" in page
    assert reverse("rewards:batches") in page
    batch = services.batch_create(actor=rw.department, profile_id="luoyang", title="2019 年第一批")
    page = _text(_get(client, rw.department, "claim", claim.pk))
    assert batch.title in page and 'value="200.00"' in page

    claim.refresh_from_db()
    response = _post(
        client,
        rw.department,
        "award_stage",
        claim.pk,
        batch=batch.pk,
        amount="200",
        reason="",
        first_year="2019",
        years="1",
        revision=claim.revision,
    )
    assert response.status_code == 422 and "理由" in _text(response)
    response = _post(
        client,
        rw.department,
        "award_stage",
        claim.pk,
        batch=batch.pk,
        amount="200",
        reason="按专家评审平均建议金额",
        first_year="2019",
        years="2",
        revision=claim.revision,
    )
    assert response.status_code == 302
    award = Award.objects.get(claim=claim)
    assert award.amount == Decimal("200.00")
    assert [str(i.amount) for i in award.instalments.order_by("year")] == ["100.00", "100.00"]
    page = _text(_get(client, rw.department, "claim", claim.pk))
    assert "撤回拟定" in page and "拟定的决定" in page

    response = _post(client, rw.department, "award_unstage", award.pk)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "reviewing"
    assert not Award.objects.filter(claim=claim).exists()


def test_published_award_shows_instalments(client, rw, make_claim, decide):
    claim = make_claim(rw.applicant, rw.alliance, "platform_construction")
    decide(claim, "240", years=2)
    page = _text(_get(client, rw.applicant, "claim", claim.pk))
    assert "奖补决定" in page and "240.00" in page and "120.00" in page
    assert "撤回拟定" not in page


def test_department_files_on_behalf(client, rw):
    from lianmeng.rewards.models import Claim

    page = _text(_get(client, rw.department, "claim_new"))
    assert rw.other_alliance.name in page
    response = _post(
        client,
        rw.department,
        "claim_new",
        alliance=rw.other_alliance.pk,
        kind="new_alliance",
    )
    assert response.status_code == 302
    claim = Claim.objects.get(alliance=rw.other_alliance)
    assert claim.on_behalf
    page = _text(client.get(response["Location"]))
    assert "主管部门代为申请" in page and "保存并测算" in page


def test_area_department_reads_only(client, rw, make_claim):
    claim = make_claim(rw.district_applicant, rw.district_alliance, "platform_construction")
    response = _get(client, rw.county, "claim", claim.pk)
    assert response.status_code == 200
    page = _text(response)
    assert "仅供查阅" in page and "退回补正" not in page and "拟定决定" not in page


def test_nav_entries(client, rw, make_claim):
    claims_url = reverse("rewards:claims")
    for user in (rw.applicant, rw.department):
        client.force_login(user)
        assert claims_url in _text(client.get(reverse("web:home")))
    client.force_login(rw.expert.user)
    assert claims_url not in _text(client.get(reverse("web:home")))
    claim = make_claim(rw.applicant, rw.alliance, "rd_project")
    from lianmeng.rewards import services

    services.reviewers_assign(
        actor=rw.department, claim_id=claim.pk, expert_ids=[rw.expert.user_id]
    )
    assert claims_url in _text(client.get(reverse("web:home")))


# -- the calculator -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_calculator_public(client):
    response = client.get(reverse("rewards:calculator"))
    assert response.status_code == 200
    page = _text(response)
    assert "lianmeng rewards" in page and "/api/v1/rewards/calculate" in page

    response = client.get(
        reverse("rewards:calculator"),
        {
            "profile": "luoyang",
            "kind": "platform_construction",
            "date": "2019-05-01",
            "investment": "6000",
        },
    )
    page = _text(response)
    assert "1000.00" in page and "上限" in page and "第十四条" in page

    response = client.get(
        reverse("rewards:calculator"),
        {"profile": "luoyang", "kind": "platform_construction", "date": "2019-05-01"},
    )
    assert "必填" in _text(response)

    response = client.get(
        reverse("rewards:calculator"),
        {
            "profile": "luoyang",
            "kind": "new_alliance",
            "approved_on": "2021-03-01",
            "level": "national",
        },
    )
    page = _text(response)
    assert "0.00" in page and "已失效" in page

    response = client.get(
        reverse("rewards:calculator"),
        {"profile": "baoding", "kind": "operating_support", "date": "2019-05-01"},
    )
    assert response.status_code == 200
