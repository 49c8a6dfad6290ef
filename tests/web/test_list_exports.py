"""The proposal list as XLSX (same filters and visibility as the page, constant queries) and
filters that offer only what the viewer's jurisdiction has."""

from __future__ import annotations

import io
import re

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_export_follows_the_pages_filters_and_visibility(
    client, make_user, make_unit, make_proposal, login
):
    bearing = make_proposal(make_unit("410305"), name="涧西区轴承产业技术创新战略联盟")
    make_proposal(make_unit("410305"), name="涧西区耐火材料产业技术创新战略联盟")
    make_proposal(make_unit("410311"), name="洛龙区生物医药产业技术创新战略联盟")  # not his
    make_proposal(make_unit("410305"), name='=HYPERLINK("http://x")联盟')
    login(make_user(["recommender"], jurisdiction="410305"))

    page = client.get("/proposals/", {"q": "轴承"}).content.decode()
    assert "导出 XLSX" in page and "/proposals/export.xlsx?q=" in page

    sheet = _sheet(client.get("/proposals/export.xlsx", {"q": "轴承"}))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "联盟名称",
        "牵头单位",
        "政策档案",
        "年度",
        "所在地",
        "成员数",
        "状态",
        "更新时间",
    )
    assert [r[0] for r in rows[1:]] == [bearing.name]
    assert rows[1][2] == "洛阳市" and rows[1][6] == "已提交（待县级初审）"

    everything = _sheet(client.get("/proposals/export.xlsx"))
    names = [r[0].value for r in everything.iter_rows(min_row=2)]
    assert len(names) == 3 and "洛龙区生物医药产业技术创新战略联盟" not in names
    formula = next(r[0] for r in everything.iter_rows(min_row=2) if r[0].value.startswith("="))
    assert formula.data_type == "s" and formula.quotePrefix


def _export_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/proposals/export.xlsx")
    assert response.status_code == 200
    return len(queries)


def test_export_queries_do_not_grow_with_rows(client, make_user, make_unit, make_proposal, login):
    login(make_user(["competent"], jurisdiction="410300"))
    client.get("/home/")
    for i in range(5):
        make_proposal(make_unit("410305"), name=f"联盟{i}")
    five = _export_queries(client)
    for i in range(5, 50):
        make_proposal(make_unit("410311"), name=f"联盟{i}")
    fifty = _export_queries(client)
    assert fifty == five
    rows = list(_sheet(client.get("/proposals/export.xlsx")).iter_rows(min_row=2))
    assert len(rows) == 50


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r">([^<]*)</option>", select)


def test_county_filters_offer_only_its_profiles_and_their_states(client, make_user, login):
    login(make_user(["recommender"], jurisdiction="410305"))  # 洛阳市涧西区
    page = client.get("/proposals/").content.decode()
    profiles = _options(page, "profile")
    assert profiles[1:] == ["河南省", "洛阳市"]  # by name, never the id
    states = _options(page, "status")
    assert "已备案" not in states and "已确定为试点" not in states  # Baoding, Heilongjiang
    assert "县级已推荐" in states and "县级初审通过" in states
    assert "草稿" not in states


def test_baoding_county_sees_baoding_only(client, make_user, login):
    login(make_user(["recommender"], jurisdiction="130602"))
    page = client.get("/proposals/").content.decode()
    assert _options(page, "profile")[1:] == ["保定市"]
    states = _options(page, "status")
    assert "已推荐（待备案）" in states and "已备案" in states
    assert "批准筹建" not in states and "专家评审中" not in states
