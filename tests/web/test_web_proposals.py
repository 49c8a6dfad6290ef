"""Proposal pages: scoping by jurisdiction and unit, pagination, query count, export."""

from __future__ import annotations

import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_county_bureau_sees_only_its_county(client, make_user, make_unit, make_proposal, login):
    jianxi = make_proposal(make_unit("410305"), name="涧西区轴承产业技术创新战略联盟")
    luolong = make_proposal(make_unit("410311"), name="洛龙区生物医药产业技术创新战略联盟")
    login(make_user(["recommender"], jurisdiction="410305"))

    page = client.get("/proposals/").content.decode()
    assert jianxi.name in page
    assert luolong.name not in page

    assert client.get(f"/proposals/{jianxi.pk}/").status_code == 200
    response = client.get(f"/proposals/{luolong.pk}/")
    assert response.status_code == 404
    assert "未找到该申报，或您无权查看。" in response.content.decode()
    assert luolong.name not in response.content.decode()
    assert client.get(f"/proposals/{luolong.pk}/export.json").status_code == 404


def test_city_bureau_sees_both_counties(client, make_user, make_unit, make_proposal, login):
    jianxi = make_proposal(make_unit("410305"), name="涧西区轴承产业技术创新战略联盟")
    luolong = make_proposal(make_unit("410311"), name="洛龙区生物医药产业技术创新战略联盟")
    login(make_user(["competent"], jurisdiction="410300"))

    page = client.get("/proposals/").content.decode()
    assert jianxi.name in page and luolong.name in page
    assert client.get(f"/proposals/{luolong.pk}/").status_code == 200
    home = client.get("/home/").content.decode()
    assert "本辖区（洛阳市）的申报" in home
    assert luolong.name in home


def test_applicant_sees_only_his_units_proposals(
    client, make_user, make_unit, make_proposal, login
):
    own_unit, other_unit = make_unit("410305"), make_unit("410305")
    own = make_proposal(own_unit, name="本单位牵头的联盟", status="draft")
    other = make_proposal(other_unit, name="别的单位牵头的联盟")
    login(make_user(["applicant"], unit=own_unit))

    page = client.get("/proposals/").content.decode()
    assert own.name in page and other.name not in page
    assert client.get(f"/proposals/{other.pk}/").status_code == 404
    home = client.get("/home/").content.decode()
    assert own.name in home and other.name not in home


def test_department_does_not_see_drafts(client, make_user, make_unit, make_proposal, login):
    draft = make_proposal(make_unit("410305"), name="尚未提交的联盟", status="draft")
    login(make_user(["recommender"], jurisdiction="410305"))
    assert draft.name not in client.get("/proposals/").content.decode()
    assert client.get(f"/proposals/{draft.pk}/").status_code == 404


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/proposals/")
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(
    client, make_user, make_unit, make_proposal, login
):
    login(make_user(["competent"], jurisdiction="410300"))
    client.get("/home/")  # shows (and clears) the welcome message once
    make_proposal(make_unit("410305"), name="联盟0")
    one = _list_queries(client)
    for i in range(1, 5):
        make_proposal(make_unit("410311"), name=f"联盟{i}")
    five = _list_queries(client)
    assert one == five, (one, five)


def test_pagination_20_per_page_keeps_filters(client, make_user, make_unit, make_proposal, login):
    unit = make_unit("410305")
    for i in range(25):
        make_proposal(unit, name=f"第{i:02d}号轴承联盟")
    make_proposal(unit, name="一个草稿", status="draft")
    login(make_user(["applicant"], unit=unit))

    first = client.get("/proposals/?status=submitted").content.decode()
    assert first.count("号轴承联盟</a>") == 20
    assert "共 25 条" in first
    assert "?status=submitted&amp;page=2" in first

    second = client.get("/proposals/?status=submitted&page=2").content.decode()
    assert second.count("号轴承联盟</a>") == 5
    assert "一个草稿" not in second
    # a page past the end shows the last page instead of an error
    assert client.get("/proposals/?page=99").status_code == 200


def test_search_and_profile_filter(client, make_user, make_unit, make_proposal, login):
    unit = make_unit("410305")
    make_proposal(unit, name="轴承产业技术创新战略联盟", profile="luoyang")
    make_proposal(unit, name="新材料产业技术创新战略联盟", profile="henan")
    login(make_user(["applicant"], unit=unit))

    page = client.get("/proposals/?q=轴承").content.decode()
    assert "轴承产业" in page and "新材料产业" not in page
    page = client.get("/proposals/?profile=henan").content.decode()
    assert "新材料产业" in page and "轴承产业" not in page
    # an unknown status is ignored with a notice, not an error
    response = client.get("/proposals/?status=bogus")
    assert response.status_code == 200
    assert "部分筛选条件无效" in response.content.decode()


def test_detail_shows_roster_and_export_is_the_stored_document(
    client, make_user, make_unit, make_proposal, login
):
    unit = make_unit("410305", name="洛阳轴承研究所有限公司")
    members = [
        {
            "name": unit.name,
            "uscc": unit.uscc,
            "role": "lead",
            "kind": "enterprise",
            "chain_position": "midstream",
            "signed_agreement": True,
        },
        {
            "name": "河南科技大学",
            "org_code": "41710001X",
            "kind": "university",
            "signed_agreement": False,
        },
    ]
    proposal = make_proposal(unit, members=members)
    login(make_user(["applicant"], unit=unit))

    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "河南科技大学" in page and "高等院校" in page
    assert "牵头单位" in page and "中游" in page and "已签署" in page and "未签署" in page
    assert f'href="/proposals/{proposal.pk}/export.json"' in page

    response = client.get(f"/proposals/{proposal.pk}/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="proposal-{proposal.pk}.json"'
    assert json.loads(response.content) == {"members": members}
    assert "河南科技大学" in response.content.decode()  # 汉字 as they are, not \u escapes


def test_province_counts_submitted_proposals_of_every_profile_under_its_own_name(
    client, make_user, make_unit, make_proposal, login
):
    """Henan calls the state 已提交, Luoyang 已提交（待县级初审）: the province's home counts each
    profile's proposals under that profile's own name (issue 11: never by a shared state id)."""
    make_proposal(make_unit("410182"), name="荥阳铝基新材料产业技术创新战略联盟", profile="henan")
    make_proposal(make_unit("410305"), name="涧西区轴承产业技术创新战略联盟", profile="luoyang")
    login(make_user(["competent"], jurisdiction="410000"))
    home = client.get("/home/").content.decode()
    cards = dict(
        re.findall(
            r'href="/proposals/\?status=submitted&amp;profile=(\w+)">\s*'
            r"(?:<div[^>]*>[^<]+</div>\s*)?<div[^>]*>([^<]+)</div>\s*<div[^>]*>1</div>",
            home,
        )
    )
    assert cards == {"henan": "已提交", "luoyang": "已提交（待县级初审）"}, home


def test_applicant_home_offers_the_open_calls_of_its_area(
    client, make_user, make_unit, login, policies_in_force
):
    from datetime import date

    from lianmeng.calls.services import call_create, call_publish
    from lianmeng.core import clock

    today = clock.now().astimezone(clock.BEIJING).date()

    def publish(jurisdiction, profile, title, closes, opens=date(today.year, 1, 1)):
        call = call_create(
            actor=None,
            jurisdiction=jurisdiction,
            profile=profile,
            year=today.year,
            title=title,
            online_opens=opens,
            online_closes=closes,
            required_materials=["proposal_form"],
        )
        return call_publish(actor=None, pk=call.pk)

    next_year = date(today.year + 1, 12, 31)
    henan = publish("410000", "henan", "河南省本年度联盟申报通知", next_year)
    publish("130600", "baoding", "保定市本年度联盟备案通知", next_year)
    publish(
        "410000",
        "henan",
        "河南省已截止的通知",
        date(today.year - 1, 12, 31),
        date(today.year - 1, 1, 1),
    )
    login(make_user(["applicant"], unit=make_unit("410182"), jurisdiction=None))
    home = client.get("/home/").content.decode()
    assert "正在受理的申报通知" in home
    assert henan.title in home and f'href="/calls/{henan.pk}/"' in home
    assert "保定市本年度联盟备案通知" not in home  # not the unit's area
    assert "河南省已截止的通知" not in home
