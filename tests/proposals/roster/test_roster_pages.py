"""The roster pages as a lead unit's staff uses them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.proposals import roster
from lianmeng.proposals.models import Proposal

from .conftest import upload
from .xlsx_fixtures import (
    CHECK_DIGIT_ROW,
    DUPLICATE_ROW,
    good_rows,
    make_uscc,
    roster_xlsx_with_bad_rows,
    workbook_from_rows,
)

pytestmark = pytest.mark.django_db


def roster_url(proposal) -> str:
    return f"/proposals/{proposal.pk}/edit/members/"


def test_import_through_the_page_reports_bad_rows_and_keeps_good_ones(
    small_draft, lead_staff, signed_in
):
    proposal = small_draft()
    client = signed_in(lead_staff(proposal))
    response = client.post(
        roster_url(proposal) + "import/",
        {
            "file": upload(roster_xlsx_with_bad_rows(), "成员名单.xlsx"),
            "revision": proposal.revision,
        },
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "已导入 10 家" in page
    assert "2 行未导入" in page
    assert f"第 {CHECK_DIGIT_ROW} 行" in page and f"第 {DUPLICATE_ROW} 行" in page
    assert "统一社会信用代码与第 3 行重复" in page
    assert "共 11 家成员单位" in page
    # the report is shown once; a reload shows the roster only
    assert "导入结果" not in client.get(roster_url(proposal)).content.decode()


def test_region_is_named_from_the_code_including_historical_codes(
    small_draft, lead_staff, signed_in
):
    proposal = small_draft()
    user = lead_staff(proposal)
    roster.member_add(
        actor=user,
        pk=proposal.pk,
        revision=None,
        data={"name": "荥阳老厂", "kind": "企业", "uscc": make_uscc("410121", 83_001)},
    )
    roster.member_add(
        actor=user,
        pk=proposal.pk,
        revision=None,
        data={
            "name": "外省研究所",
            "kind": "科研院所",
            "org_code": "12345678-8",
            "region_code": "110108",
        },
    )
    page = signed_in(user).get(roster_url(proposal)).content.decode()
    assert "河南省 洛阳市 涧西区" in page  # the lead, from its USCC
    assert "河南省 郑州市 荥阳县（1994 年前的区划）" in page
    assert "北京市 海淀区" in page


def test_roster_page_queries_do_not_grow_with_members(small_draft, lead_staff, client):
    proposal = small_draft()
    user = lead_staff(proposal)
    client.force_login(user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(roster_url(proposal)).status_code == 200
        return len(queries)

    roster.member_add(
        actor=user,
        pk=proposal.pk,
        revision=None,
        data={"name": "甲", "kind": "企业", "uscc": make_uscc("410305", 83_101)},
    )
    few = count()
    roster.roster_import_xlsx(
        actor=user,
        pk=proposal.pk,
        file=upload(workbook_from_rows(good_rows(count=12, serial_base=83_200), bare=True)),
    )
    assert Proposal.objects.get(pk=proposal.pk).member_count == 14
    assert count() == few


def test_member_form_keeps_what_was_typed_and_names_the_bad_field(
    small_draft, lead_staff, signed_in
):
    proposal = small_draft()
    client = signed_in(lead_staff(proposal))
    code = make_uscc("410305", 83_301)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post(
        roster_url(proposal) + "add/",
        {
            "revision": proposal.revision,
            "name": "洛阳新成员有限公司",
            "kind": "enterprise",
            "uscc": wrong,
            "liaison_name": "赵联络",
            "standing": "区域龙头",
            "platform-0-name": "洛阳市某某中心",
            "platform-0-level": "municipal",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "校验位错误" in page
    for typed in ("洛阳新成员有限公司", wrong, "赵联络", "区域龙头", "洛阳市某某中心"):
        assert typed in page
    response = client.post(
        roster_url(proposal) + "add/",
        {
            "revision": proposal.revision,
            "name": "洛阳新成员有限公司",
            "kind": "enterprise",
            "uscc": code,
            "platform-0-name": "洛阳市某某中心",
            "platform-0-level": "municipal",
            "platform-1-name": "",
            "platform-1-level": "",
        },
    )
    assert response.status_code == 302
    member = Proposal.objects.get(pk=proposal.pk).document["members"][1]
    assert member["platforms"] == [{"name": "洛阳市某某中心", "level": "municipal"}]


def test_removing_the_lead_through_the_page_is_refused(henan_draft, lead_staff, signed_in):
    client = signed_in(lead_staff(henan_draft))
    response = client.post(
        roster_url(henan_draft) + "0/remove/", {"revision": henan_draft.revision}, follow=True
    )
    assert "牵头单位不能从成员名单中删除" in response.content.decode()
    assert Proposal.objects.get(pk=henan_draft.pk).member_count == 11


def test_main_members_page_keeps_an_invalid_value_after_reload(henan_draft, lead_staff, signed_in):
    client = signed_in(lead_staff(henan_draft))
    url = f"/proposals/{henan_draft.pk}/edit/main-members/"
    members = henan_draft.document["members"]
    response = client.post(
        url,
        {
            "revision": henan_draft.revision,
            "m0-code": members[0]["uscc"],
            "m0-email": "坏邮箱",
            "m0-liaison": "李联络",
            "m1-code": members[1]["uscc"],
            "m1-standing": "国内领先",
        },
    )
    assert "未通过校验" in response.content.decode()
    page = client.get(url).content.decode()
    assert "坏邮箱" in page
    assert "上次填写但未通过校验的内容" in page
    assert "李联络" in page and "国内领先" in page
    saved = Proposal.objects.get(pk=henan_draft.pk)
    assert saved.document["members"][0]["liaison"]["name"] == "李联络"


def test_main_members_move_saves_typed_values_first(henan_draft, lead_staff, signed_in):
    client = signed_in(lead_staff(henan_draft))
    url = f"/proposals/{henan_draft.pk}/edit/main-members/"
    members = henan_draft.document["members"]
    sixth = members[5]["name"]
    client.post(
        url,
        {
            "revision": henan_draft.revision,
            "m1-code": members[1]["uscc"],
            "m1-fax": "0379-60000000",
            "move": "5:up",
        },
    )
    saved = Proposal.objects.get(pk=henan_draft.pk)
    assert saved.document["members"][1]["liaison"]["fax"] == "0379-60000000"
    assert saved.document["members"][4]["name"] == sixth
    assert sixth in client.get(url).content.decode()


def test_downloads_are_xlsx(henan_draft, lead_staff, signed_in):
    client = signed_in(lead_staff(henan_draft))
    for suffix in ("export/", "template/"):
        response = client.get(roster_url(henan_draft) + suffix)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response["Content-Disposition"].startswith("attachment")
        assert response.content[:2] == b"PK"


def test_other_units_and_departments_cannot_open_the_roster(
    henan_draft, make_user, make_unit, signed_in, client
):
    signed_in(make_user(["applicant"], unit=make_unit("410305")))
    assert client.get(roster_url(henan_draft)).status_code == 404
    client.logout()
    signed_in(make_user(["recommender"], jurisdiction="410000"))
    assert client.get(roster_url(henan_draft)).status_code == 403
