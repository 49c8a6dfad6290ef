"""Submission pages: the submit page, double click, versions and comparison, PDF, /verify."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.core.roles import Role
from lianmeng.proposals.models import Proposal, ProposalVersion
from lianmeng.proposals.submission import proposal_return, proposal_submit

from .conftest import beijing

pytestmark = pytest.mark.django_db

ON_TIME = beijing(2020, 9, 1, 10, 0, 0)


def test_submit_page_shows_window_time_left_findings_and_explanation_boxes(
    filed, pin_clock, signed_in
):
    proposal, user = filed("henan-fail-members.min_count")
    pin_clock(beijing(2020, 9, 18, 12, 0, 0))
    page = signed_in(user).get(f"/proposals/{proposal.pk}/submit/").content.decode()
    assert "2020年8月10日 00:00:00" in page and "2020年9月20日 23:59:59" in page
    assert "还剩 2 天 11 小时 59 分" in page
    assert 'name="explanation-members.min_count"' in page
    # the button disables itself on click: ui/forms.js (no inline script under the CSP)
    assert "data-busy-text=" in page and "/static/ui/forms.js" in page
    assert page.count('type="submit" class="btn btn-primary btn-lg') == 1


def test_submit_page_after_the_deadline_says_so_and_disables_the_button(
    filed, pin_clock, signed_in
):
    proposal, user = filed()
    pin_clock(beijing(2020, 9, 21, 0, 0, 0))
    page = signed_in(user).get(f"/proposals/{proposal.pk}/submit/").content.decode()
    assert "网上填报已于 2020年9月20日 23:59:59 截止，逾期不予受理。" in page
    assert 'disabled aria-disabled="true"' in page


def test_double_click_stores_one_version_and_the_second_post_is_told_politely(
    filed, pin_clock, signed_in
):
    proposal, user = filed()
    pin_clock(ON_TIME)
    client = signed_in(user)
    form = {"revision": proposal.revision}
    first = client.post(f"/proposals/{proposal.pk}/submit/", form)
    second = client.post(f"/proposals/{proposal.pk}/submit/", form, follow=True)
    assert first.status_code == 302
    assert first["Location"] == f"/proposals/{proposal.pk}/versions/1/"
    assert second.redirect_chain[-1][0] == f"/proposals/{proposal.pk}/versions/1/"
    assert "已提交，无需重复提交" in second.content.decode()
    assert ProposalVersion.objects.filter(proposal=proposal).count() == 1


def test_refused_submission_keeps_the_typed_explanation(filed, pin_clock, signed_in):
    proposal, user = filed("henan-fail-members.min_count")
    pin_clock(ON_TIME)
    response = signed_in(user).post(
        f"/proposals/{proposal.pk}/submit/",
        {"revision": proposal.revision, "explanation-members.min_count": "太短了"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请逐条填写说明" in page
    assert "太短了</textarea>" in page
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.explanations == {"members.min_count": "太短了"}


def test_versions_page_compares_two_versions(filed, pin_clock, signed_in, make_user):
    from django.db import transaction

    from lianmeng.proposals.editing import document_saved, lock_for_edit

    proposal, user = filed()
    pin_clock(ON_TIME)
    proposal_submit(actor=user, pk=proposal.pk)
    staff = make_user([Role.RECOMMENDER], jurisdiction="410182")
    proposal_return(actor=staff, pk=proposal.pk, reason="请修改联盟名称。")
    with transaction.atomic():
        editable = lock_for_edit(actor=user, pk=proposal.pk)
        editable.document["name"] = "河南省高性能铝基材料产业技术创新战略联盟"
        document_saved(actor=user, proposal=editable, action="lianmeng.proposal.section.saved")
    proposal_submit(actor=user, pk=proposal.pk)

    page = signed_in(user).get(f"/proposals/{proposal.pk}/versions/").content.decode()
    assert "第 1 版 → 第 2 版" in page
    assert "$.name" in page
    assert "河南省高性能铝基材料产业技术创新战略联盟" in page


def test_returned_proposal_shows_the_reason_on_the_submit_page(
    filed, pin_clock, signed_in, make_user
):
    proposal, user = filed()
    pin_clock(ON_TIME)
    proposal_submit(actor=user, pk=proposal.pk)
    staff = make_user([Role.RECOMMENDER], jurisdiction="410182")
    proposal_return(actor=staff, pk=proposal.pk, reason="请补充推荐单位意见。")
    page = signed_in(user).get(f"/proposals/{proposal.pk}/submit/").content.decode()
    assert "申报已被退回修改" in page and "请补充推荐单位意见。" in page


@pytest.fixture
def submitted(filed, pin_clock, real_pdf):
    proposal, user = filed()
    pin_clock(ON_TIME)
    version = proposal_submit(actor=user, pk=proposal.pk, site_url="http://testserver/")
    return proposal, user, version


def test_pdf_download_for_the_applicant_and_the_areas_staff_only(
    submitted, signed_in, make_user, client
):
    proposal, user, version = submitted
    url = f"/proposals/{proposal.pk}/versions/1/pdf"
    response = signed_in(user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    client.logout()
    zhengzhou = make_user([Role.RECOMMENDER], jurisdiction="410100")
    assert signed_in(zhengzhou).get(url).status_code == 200

    client.logout()
    other_county = make_user([Role.RECOMMENDER], jurisdiction="410305")  # 洛阳涧西区
    response = signed_in(other_county).get(url)
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_verify_page_confirms_the_version_and_hashes(submitted, client):
    proposal, _user, version = submitted
    code = version.verification_code
    typed = f"{code[:4].lower()}-{code[4:8]}-{code[8:]}"
    response = client.get(f"/verify/{typed}")
    page = response.content.decode()
    assert response.status_code == 200
    assert proposal.name in page
    assert proposal.lead_unit.name in page
    assert "第 1 版" in page
    assert "2020年9月1日 10:00:00" in page
    assert version.sha256 in page and version.pdf_sha256 in page


def test_unknown_code_gives_a_clear_404_page(db, client):
    response = client.get("/verify/ABCDEFGHJKMN")
    assert response.status_code == 404
    assert "未找到该核验码" in response.content.decode()


def test_verify_form_redirects_to_the_code(db, client):
    response = client.get("/verify/", {"code": "abcd-efgh-jkmn"})
    assert response.status_code == 302
    assert response["Location"] == "/verify/ABCDEFGHJKMN"


def test_versions_list_query_count_does_not_grow_with_versions(
    filed, pin_clock, signed_in, make_user
):
    proposal, user = filed()
    pin_clock(ON_TIME)
    proposal_submit(actor=user, pk=proposal.pk)
    client = signed_in(user)
    url = f"/proposals/{proposal.pk}/versions/?a=0&b=0"
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    staff = make_user([Role.RECOMMENDER], jurisdiction="410182")
    for _ in range(2):
        proposal_return(actor=staff, pk=proposal.pk, reason="再改改")
        proposal_submit(actor=user, pk=proposal.pk)
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(three) == len(one)
