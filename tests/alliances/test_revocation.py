"""取消备案与解散 (issue 14 item 4, M-35): Baoding's department cancels a filing on one of the
five grounds of 第十三条 (the engine refuses without one), with reasons and evidence; the
registry keeps the alliance with the date and the ground; the lead unit and the member units
are told; the notice PDF carries a verification code checked at /verify/<code>."""

from __future__ import annotations

import json
import subprocess

import pytest

from lianmeng.alliances import services
from lianmeng.alliances.lifecycle import alliance_transition
from lianmeng.alliances.models import Alliance, RevocationEvidence, RevocationNotice
from lianmeng.core.errors import NotFound, ValidationFailed
from lianmeng.policy.lifecycle import AllianceLifecycle, alliance_lifecycle_problems
from lianmeng.policy.loader import get_profile
from lianmeng.reviews.models import Notification
from lianmeng.workflow.models import StateChange
from tests.api.conftest import API, assert_error, bearer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def baoding_alliance(baoding_staff, make_review_proposal, policies_in_force):
    proposal = make_review_proposal(
        profile="baoding", status="recommended", region="130602", name="保定市电力装备创新联盟"
    )
    decision = services.decision_stage(
        actor=baoding_staff, proposal_id=proposal.pk, kind="file", reason="通过", category=2
    )
    services.decisions_publish(actor=baoding_staff, ids=[decision.pk])
    return Alliance.objects.get(proposal=proposal)


@pytest.fixture
def lead(baoding_alliance, make_user):
    return make_user(["applicant"], unit=baoding_alliance.lead_unit)


def _revoke(staff, alliance, **kwargs):
    return alliance_transition(
        actor=staff,
        pk=alliance.pk,
        transition="revoke",
        reason=kwargs.pop("reason", "两年未开展联合攻关"),
        **kwargs,
    )


# -- the grounds are profile data ---------------------------------------------------------------


def test_baoding_revoke_lists_the_five_grounds_of_article_13_each_cited():
    step = get_profile("baoding").alliance_lifecycle.transition("revoke")
    assert [g.id for g in step.grounds] == [
        "legal_dispute",
        "not_acting",
        "breach_of_law",
        "dissolution",
        "other",
    ]
    assert [g.citation.article for g in step.grounds] == [
        f"第十三条（{n}）" for n in ("一", "二", "三", "四", "五")
    ]
    assert step.ground("not_acting").label == "不能按照创新联盟协议（章程）开展创新活动"


def test_the_loader_refuses_duplicate_ground_ids():
    table = get_profile("baoding").alliance_lifecycle.model_dump(by_alias=True)
    revoke = next(t for t in table["transitions"] if t["id"] == "revoke")
    revoke["grounds"].append(dict(revoke["grounds"][0]))
    problems = alliance_lifecycle_problems(
        AllianceLifecycle.model_validate_json(json.dumps(table)), deadlines=set()
    )
    assert any("事由 legal_dispute 重复" in message for _path, message in problems)


# -- the engine requires a ground ----------------------------------------------------------------


def test_a_baoding_cancellation_without_a_ground_is_refused(baoding_alliance, baoding_staff):
    with pytest.raises(ValidationFailed) as refused:
        _revoke(baoding_staff, baoding_alliance, data={"basis": "x"})
    assert "须选择一项事由" in refused.value.message
    assert "不能按照创新联盟协议（章程）开展创新活动（not_acting）" in refused.value.message
    assert refused.value.details["grounds"][0] == "legal_dispute"
    with pytest.raises(ValidationFailed) as unknown:
        _revoke(baoding_staff, baoding_alliance, data={"ground": "bored"})
    assert "没有名为“bored”的事由" in unknown.value.message
    baoding_alliance.refresh_from_db()
    assert baoding_alliance.status == "filed"
    assert not RevocationNotice.objects.exists()


def test_the_ground_is_stored_with_the_change_and_the_notice_issued(
    baoding_alliance, baoding_staff
):
    _revoke(baoding_staff, baoding_alliance, data={"ground": "not_acting"})
    baoding_alliance.refresh_from_db()
    assert baoding_alliance.status == "revoked"
    change = StateChange.objects.of(baoding_alliance).order_by("-id").first()
    assert change.data["ground"] == "not_acting"
    assert change.data["ground_label"] == "不能按照创新联盟协议（章程）开展创新活动"
    assert change.data["ground_citation"]["article"] == "第十三条（二）"
    notice = RevocationNotice.objects.get(alliance=baoding_alliance)
    assert notice.ground == "not_acting" and notice.state_change == change
    assert notice.title == "关于取消保定市电力装备创新联盟备案的通知"
    assert "第十三条（二）" in notice.citation
    # nothing is deleted: still in the registry
    assert Alliance.objects.filter(pk=baoding_alliance.pk).exists()


def test_evidence_is_checked_and_kept_with_the_revocation(baoding_alliance, baoding_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("证据.pdf", b"<html>not a pdf</html>")
    with pytest.raises(ValidationFailed):
        _revoke(baoding_staff, baoding_alliance, data={"ground": "other"}, evidence=[bad])
    assert Alliance.objects.get(pk=baoding_alliance.pk).status == "filed"
    good = SimpleUploadedFile("调查报告.pdf", PDF)
    _revoke(baoding_staff, baoding_alliance, data={"ground": "other"}, evidence=[good])
    [evidence] = RevocationEvidence.objects.filter(alliance=baoding_alliance)
    assert evidence.original_name == "调查报告.pdf" and evidence.content_type == "application/pdf"


def test_henan_revocation_and_dissolution_need_no_ground(
    henan_staff, make_review_proposal, make_user, monkeypatch
):
    from datetime import datetime

    from lianmeng.core import clock

    monkeypatch.setattr(clock, "now", lambda: datetime(2020, 11, 16, 10, 0, tzinfo=clock.BEIJING))
    proposal = make_review_proposal(name="河南省轴承产业技术创新战略联盟")
    from lianmeng.experts import services as review

    round_ = review.round_create(actor=henan_staff, profile="henan", call_year=2020)
    review.round_add_proposals(actor=henan_staff, round_id=round_.pk, proposal_ids=[proposal.pk])
    review.round_close(actor=henan_staff, round_id=round_.pk)
    decision = services.decision_stage(
        actor=henan_staff, proposal_id=proposal.pk, kind="approve_to_build", reason="通过"
    )
    services.decisions_publish(actor=henan_staff, ids=[decision.pk])
    alliance = Alliance.objects.get(proposal=proposal)
    lead = make_user(["applicant"], unit=alliance.lead_unit)
    alliance_transition(actor=lead, pk=alliance.pk, transition="dissolve", reason="产业转型")
    alliance.refresh_from_db()
    assert alliance.status == "dissolved"
    assert not RevocationNotice.objects.exists()  # a dissolution has no revocation notice


# -- notices ------------------------------------------------------------------------------------


def test_lead_unit_and_member_units_are_told_with_ground_and_date(
    baoding_alliance, baoding_staff, lead, make_user, make_unit, django_capture_on_commit_callbacks
):
    from lianmeng.running.models import Member
    from lianmeng.running.services import workspace_ensure

    workspace = workspace_ensure(alliance=baoding_alliance)
    member_unit = make_unit(name="保定市某电力设备公司")
    member = make_user(["applicant"], unit=member_unit)
    left_unit = make_unit(name="已退出的成员单位")
    left = make_user(["applicant"], unit=left_unit)
    Member.objects.create(workspace=workspace, unit=member_unit, name=member_unit.name)
    Member.objects.create(
        workspace=workspace, unit=left_unit, name=left_unit.name, left_on="2019-01-01"
    )
    with django_capture_on_commit_callbacks(execute=True):
        _revoke(baoding_staff, baoding_alliance, data={"ground": "not_acting"})
    notes = Notification.objects.filter(event="alliance.revoke")
    assert {n.recipient for n in notes} == {lead, member}
    note = notes.first()
    assert "取消备案" in note.subject and baoding_alliance.name in note.subject
    assert "不能按照创新联盟协议（章程）开展创新活动" in note.body
    assert "2019年11月5日" in note.body and "两年未开展联合攻关" in note.body
    assert not Notification.objects.filter(recipient=left).exists()


# -- pages --------------------------------------------------------------------------------------


def test_page_refuses_without_ground_then_registry_shows_ground_and_date(
    client, login, baoding_alliance, baoding_staff, lead
):
    login(baoding_staff)
    page = client.get(f"/registry/{baoding_alliance.pk}/").content.decode()
    assert 'name="ground"' in page and "成员间发生重大法律纠纷" in page
    assert 'enctype="multipart/form-data"' in page
    url = f"/registry/{baoding_alliance.pk}/transitions/revoke/"
    refused = client.post(url, {"reason": "未开展活动", "confirmed": "1"}, follow=True)
    assert "须选择一项事由" in refused.content.decode()
    assert Alliance.objects.get(pk=baoding_alliance.pk).status == "filed"
    # without the dialog's confirmation: the confirmation page names the ground
    asked = client.post(url, {"reason": "未开展活动", "ground": "not_acting"}).content.decode()
    assert "事由：不能按照创新联盟协议（章程）开展创新活动" in asked
    assert Alliance.objects.get(pk=baoding_alliance.pk).status == "filed"
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        url,
        {
            "reason": "未开展活动",
            "ground": "not_acting",
            "confirmed": "1",
            "evidence": SimpleUploadedFile("核查记录.pdf", PDF),
        },
    )
    assert Alliance.objects.get(pk=baoding_alliance.pk).status == "revoked"
    client.logout()
    # the public: state, date and ground; no evidence, no notice
    listing = client.get("/registry/").content.decode()
    assert "已取消备案" in listing and "不能按照创新联盟协议（章程）开展创新活动" in listing
    public = client.get(f"/registry/{baoding_alliance.pk}/").content.decode()
    assert 'data-testid="alliance-ended"' in public and "2019年11月5日" in public
    assert "不能按照创新联盟协议（章程）开展创新活动" in public
    assert "核查记录.pdf" not in public and "revocation-notice" not in public
    evidence = RevocationEvidence.objects.get()
    evidence_url = f"/registry/{baoding_alliance.pk}/evidence/{evidence.pk}/"
    assert client.get(evidence_url).status_code in (302, 404)
    assert client.get(f"/registry/{baoding_alliance.pk}/revocation-notice.pdf").status_code in (
        302,
        404,
    )
    # the lead unit sees the evidence and the notice
    login(lead)
    mine = client.get(f"/registry/{baoding_alliance.pk}/").content.decode()
    assert "核查记录.pdf" in mine and "revocation-notice.pdf" in mine
    assert client.get(evidence_url).status_code == 200


def test_other_jurisdictions_and_other_units_get_not_found(
    client, login, baoding_alliance, baoding_staff, henan_staff, make_user, make_unit
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _revoke(
        baoding_staff,
        baoding_alliance,
        data={"ground": "breach_of_law"},
        evidence=[SimpleUploadedFile("a.pdf", PDF)],
    )
    evidence = RevocationEvidence.objects.get()
    with pytest.raises(NotFound):
        alliance_transition(
            actor=henan_staff,
            pk=baoding_alliance.pk,
            transition="revoke",
            reason="x",
            data={"ground": "other"},
        )
    for outsider in (henan_staff, make_user(["applicant"], unit=make_unit(name="别的单位"))):
        login(outsider)
        page = client.get(f"/registry/{baoding_alliance.pk}/").content.decode()
        assert "a.pdf" not in page
        assert (
            client.get(f"/registry/{baoding_alliance.pk}/evidence/{evidence.pk}/").status_code
            == 404
        )
        pdf = client.get(f"/registry/{baoding_alliance.pk}/revocation-notice.pdf")
        assert pdf.status_code == 404
        client.logout()


def test_notice_pdf_names_the_ground_and_verifies(client, login, baoding_alliance, baoding_staff):
    _revoke(baoding_staff, baoding_alliance, data={"ground": "not_acting"})
    notice = RevocationNotice.objects.get()
    login(baoding_staff)
    response = client.get(f"/registry/{baoding_alliance.pk}/revocation-notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert "关于取消保定市电力装备创新联盟备案的通知" in flat
    assert "不能按照创新联盟协议（章程）开展创新活动" in flat
    client.logout()
    verified = client.get(f"/verify/{notice.verification_code}", follow=True).content.decode()
    assert "取消备案" in verified and "不能按照创新联盟协议（章程）开展创新活动" in verified


# -- API and CLI --------------------------------------------------------------------------------


def test_api_requires_the_ground_documents_it_and_returns_it(
    client, token_for, baoding_alliance, baoding_staff
):
    key = bearer(token_for(baoding_staff))
    open_ = client.get(f"{API}/registry/{baoding_alliance.pk}/transitions", headers=key).json()
    revoke = next(t for t in open_["allowed"] if t["name"] == "revoke")
    assert [g["id"] for g in revoke["grounds"]][:2] == ["legal_dispute", "not_acting"]
    assert "第十三条（一）" in revoke["grounds"][0]["citation"]
    url = f"{API}/registry/{baoding_alliance.pk}/transitions/revoke"
    refused = client.post(url, {"reason": "x"}, content_type="application/json", headers=key)
    assert_error(refused, 422)
    assert "须选择一项事由" in refused.json()["message"]
    done = client.post(
        url,
        {"reason": "严重违法", "ground": "breach_of_law"},
        content_type="application/json",
        headers=key,
    ).json()
    assert done["status"] == "revoked"
    assert done["last_change"]["data"]["ground"] == "breach_of_law"
    detail = client.get(f"{API}/registry/{baoding_alliance.pk}").json()
    assert detail["status_label"] == "已取消备案"
    assert detail["ground_label"] == "违反国家和地方法律法规"
    assert detail["end_reason"] == "严重违法" and detail["status_since"].startswith("2019-11-05")
    listed = client.get(f"{API}/registry", {"status": "revoked"}).json()
    assert listed["items"][0]["ground_label"] == "违反国家和地方法律法规"
    pdf = client.get(f"{API}/registry/{baoding_alliance.pk}/revocation-notice.pdf", headers=key)
    assert pdf.status_code == 200
    spec = client.get(f"{API}/openapi.json").json()
    assert "legal_dispute" in json.dumps(spec, ensure_ascii=False)


def test_cli_revokes_with_a_ground(baoding_alliance, baoding_staff, capsys):
    from lianmeng.alliances.cli import run

    argv = ["transition", str(baoding_alliance.pk), "revoke", "--as", baoding_staff.username]
    assert run([*argv, "--reason", "未开展活动"]) == 1
    assert "须选择一项事由" in capsys.readouterr().err
    data = json.dumps({"ground": "legal_dispute"})
    assert run([*argv, "--reason", "纠纷", "--data", data]) == 0
    assert "已取消备案" in capsys.readouterr().out
    assert run(["transition"]) == 2
    assert "ground" in capsys.readouterr().err
