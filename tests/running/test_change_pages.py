"""变更备案 pages and API: the lead unit files from the workspace and sees the warning, the
department's list is scoped, filterable and makes a constant number of queries, refusals are
404, a query needs confirmation; the CLI lists roster and filings."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ws(alliance):
    from lianmeng.running.services import workspace_ensure

    return workspace_ensure(alliance=alliance)


def _exit(henan, name="郑州配套企业1"):
    from lianmeng.running.changes import member_exit

    ws = _ws(henan.alliance)
    return member_exit(
        actor=henan.lead_user,
        alliance_id=henan.alliance.pk,
        revision=ws.revision,
        member_id=ws.members.get(name=name).pk,
        left_on=date(2024, 5, 1),
        reason="退出",
    )


def test_lead_unit_files_an_exit_from_the_page_and_is_warned(client, login, henan):
    ws = _ws(henan.alliance)
    login(henan.lead_user)
    page = client.get(f"/alliances/{henan.alliance.pk}/").content.decode()
    assert "成员退出" in page and "变更备案" in page
    member = ws.members.get(name="郑州配套企业2")
    response = client.post(
        f"/alliances/{henan.alliance.pk}/members/exit/",
        {"member": member.pk, "left_on": "2024-05-01", "reason": "转产", "revision": ws.revision},
        follow=True,
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "变更后联盟不再符合以下条件" in text and "二(一)2(3)" in text and "《" in text
    assert "10 → 9" in text
    # the same form posted again (a double click) changes nothing
    again = client.post(
        f"/alliances/{henan.alliance.pk}/members/exit/",
        {"member": member.pk, "left_on": "2024-05-01", "reason": "转产", "revision": ws.revision},
    )
    assert again.status_code == 409 and "已于 2024-05-01 退出联盟" in again.content.decode()


def test_bad_uscc_is_refused_with_a_chinese_message(client, login, henan):
    ws = _ws(henan.alliance)
    login(henan.lead_user)
    response = client.post(
        f"/alliances/{henan.alliance.pk}/members/add/",
        {
            "name": "新企业",
            "uscc": "91410100MA00000000",
            "kind": "enterprise",
            "joined_on": "2024-05-01",
            "revision": ws.revision,
        },
    )
    text = response.content.decode()
    assert response.status_code == 422 and "第 1 行" in text and "统一社会信用代码" in text


def test_others_get_404_on_pages(client, login, henan):
    filing = _exit(henan)
    for user in (henan.luoyang, henan.outsider, henan.university_user):
        client.logout()
        login(user)
        assert client.get(f"/alliances/changes/{filing.pk}/").status_code == 404
        response = client.post(
            f"/alliances/changes/{filing.pk}/act/", {"action": "accept", "confirmed": "1"}
        )
        assert response.status_code == 404
    filing.refresh_from_db()
    assert filing.status == "submitted"


def test_query_needs_confirmation_then_acknowledge(client, login, henan):
    filing = _exit(henan)
    login(henan.province)
    asked = client.post(
        f"/alliances/changes/{filing.pk}/act/",
        {"action": "return", "reason": "请说明", "revision": filing.revision},
    )
    assert asked.status_code == 200 and "确认质询" in asked.content.decode()
    filing.refresh_from_db()
    assert filing.status == "submitted"
    done = client.post(
        f"/alliances/changes/{filing.pk}/act/",
        {"action": "return", "reason": "请说明", "revision": filing.revision, "confirmed": "1"},
        follow=True,
    )
    assert "已质询" in done.content.decode()
    filing.refresh_from_db()
    assert filing.status == "returned"


def test_department_list_is_scoped_and_filterable(client, login, henan):
    _exit(henan)
    login(henan.province)
    page = client.get("/alliances/changes/?warned=yes").content.decode()
    assert henan.alliance.name in page and "资格预警" in page
    assert henan.alliance.name not in client.get("/alliances/changes/?warned=no").content.decode()
    assert (
        henan.alliance.name not in client.get("/alliances/changes/?kind=address").content.decode()
    )
    client.logout()
    login(henan.luoyang)
    assert henan.alliance.name not in client.get("/alliances/changes/").content.decode()


def test_department_list_makes_a_constant_number_of_queries(
    client, login, henan, django_assert_max_num_queries
):
    from lianmeng.running.changes import address_change

    _exit(henan)
    login(henan.province)
    with django_assert_max_num_queries(30) as one:
        assert client.get("/alliances/changes/").status_code == 200
    for i in range(3):
        ws = _ws(henan.alliance)
        address_change(
            actor=henan.lead_user,
            alliance_id=henan.alliance.pk,
            revision=ws.revision,
            address=f"新址 {i}",
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/alliances/changes/").status_code == 200


def test_api_files_lists_and_acknowledges(client, henan, token_for):
    ws = _ws(henan.alliance)
    lead = {"HTTP_AUTHORIZATION": f"Bearer {token_for(henan.lead_user)}"}
    dept = {"HTTP_AUTHORIZATION": f"Bearer {token_for(henan.province)}"}
    member = ws.members.get(name="郑州配套企业5")
    made = client.post(
        f"/api/v1/alliances/{henan.alliance.pk}/member-exits",
        {"revision": ws.revision, "member": member.pk, "left_on": "2024-05-01", "reason": "退出"},
        content_type="application/json",
        **lead,
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["warned"] and body["warnings"][0]["cited"].startswith("《")
    listed = client.get("/api/v1/changes?warned=true", **dept).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    stale = client.post(
        f"/api/v1/changes/{body['id']}/acknowledge",
        {"revision": 99},
        content_type="application/json",
        **dept,
    )
    assert stale.status_code == 409
    ok = client.post(
        f"/api/v1/changes/{body['id']}/acknowledge",
        {"revision": body["revision"]},
        content_type="application/json",
        **dept,
    )
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {token_for(henan.luoyang)}"}
    assert client.get(f"/api/v1/changes/{body['id']}", **outsider).status_code == 404


def test_api_renewal_and_member_signature(client, hlj, token_for):
    ws = _ws(hlj.alliance)
    lead = {"HTTP_AUTHORIZATION": f"Bearer {token_for(hlj.lead_user)}"}
    member = {"HTTP_AUTHORIZATION": f"Bearer {token_for(hlj.member_user)}"}
    made = client.post(
        f"/api/v1/alliances/{hlj.alliance.pk}/renewals",
        {
            "file": SimpleUploadedFile("agreement.pdf", PDF),
            "revision": ws.revision,
            "signed_on": "2024-03-01",
            "term_years": 4,
        },
        **lead,
    )
    assert made.status_code == 201, made.content
    fid = made.json()["id"]
    signed = client.post(f"/api/v1/changes/{fid}/signatures", **member)
    assert signed.status_code == 200 and signed.json()["signed"]
    again = client.post(f"/api/v1/changes/{fid}/signatures", **member)
    assert again.status_code == 200 and again.json()["signed_at"] == signed.json()["signed_at"]
    detail = client.get(f"/api/v1/changes/{fid}", **lead).json()
    assert sum(1 for s in detail["signatures"] if s["signed"]) == 2


def test_cli_members_and_changes(henan, capsys):
    from lianmeng.running.cli import run

    _exit(henan)
    assert run(["members", str(henan.alliance.pk)]) == 0
    out = capsys.readouterr().out
    assert "现有成员 9 家" in out and "郑州配套企业1" not in out
    assert run(["members", str(henan.alliance.pk), "--all"]) == 0
    assert "退出 2024-05-01" in capsys.readouterr().out
    assert run(["changes", str(henan.alliance.pk)]) == 0
    out = capsys.readouterr().out
    assert "成员退出  待知悉" in out and "资格预警" in out and "二(一)2(3)" in out
    assert run(["changes", "999999"]) == 2
