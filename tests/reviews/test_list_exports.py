"""The review inbox and the acceptance list as XLSX (same filters and visibility as the pages,
constant queries), filters limited to the viewer's jurisdiction, and the 推荐表's default
year."""

from __future__ import annotations

import io
import re

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.proposals.lifecycle import proposal_transition
from lianmeng.reviews.models import PaperReceipt

from .conftest import beijing
from .test_acceptance import _bulk


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_inbox_export_matches_the_filtered_page(client, login, make_unit, staff):
    unit = make_unit("410182")
    login(staff("410182"))
    _bulk(unit, 3, status="submitted")
    _bulk(unit, 2, start=3, status="county_recommended")
    page = client.get("/reviews/", {"box": "all", "status": "submitted"}).content.decode()
    assert "共 3 条" in page and "导出 XLSX" in page
    sheet = _sheet(client.get("/reviews/export.xlsx", {"box": "all", "status": "submitted"}))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("联盟名称", "牵头单位", "政策档案")
    names = sorted(r[0] for r in rows[1:])
    assert names == [f"河南省第{n}号产业技术创新战略联盟" for n in range(3)]
    assert {r[2] for r in rows[1:]} == {"河南省"} and {r[5] for r in rows[1:]} == {"已提交"}


def test_inbox_export_queries_do_not_grow(client, login, make_unit, staff):
    unit = make_unit("410182")
    login(staff("410182"))
    _bulk(unit, 5, status="submitted")
    few = _queries(client, "/reviews/export.xlsx")
    _bulk(unit, 45, start=5, status="submitted")
    many = _queries(client, "/reviews/export.xlsx")
    assert many == few
    assert _sheet(client.get("/reviews/export.xlsx")).max_row == 51


def test_acceptance_export_follows_filters_and_escapes(client, login, make_unit, staff):
    unit = make_unit("410182")
    province = staff("410000", "competent")
    login(province)
    _bulk(unit, 5)
    from lianmeng.proposals.models import Proposal

    first = Proposal.objects.order_by("id").first()
    first.name = "=cmd|' /C calc'!A0"
    first.save(update_fields=["name"])
    PaperReceipt.objects.create(
        proposal=first,
        copies=2,
        received_at=beijing(2020, 9, 21, 9),
        received_by="张超",
        recorded_by=province,
        recorded_at=beijing(2020, 9, 21, 9),
    )
    few = _queries(client, "/reviews/acceptance/export.xlsx")
    sheet = _sheet(client.get("/reviews/acceptance/export.xlsx", {"paper": "received"}))
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 1
    assert rows[0][0].value == first.name and rows[0][0].data_type == "s"
    assert rows[0][0].quotePrefix
    assert rows[0][6].value == 2
    assert (
        len(list(_sheet(client.get("/reviews/acceptance/export.xlsx")).iter_rows(min_row=2))) == 5
    )
    _bulk(unit, 45, start=5)
    assert _queries(client, "/reviews/acceptance/export.xlsx") == few
    page = client.get("/reviews/acceptance/").content.decode()
    assert "/reviews/acceptance/export.xlsx" in page


def test_acceptance_export_is_for_accepting_departments_only(client, login, staff):
    login(staff("410100"))
    assert client.get("/reviews/acceptance/export.xlsx").status_code == 403


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r">([^<]*)</option>", select)


def test_inbox_filters_offer_only_the_countys_profiles(client, login, staff):
    login(staff("410182"))  # 荥阳市 (郑州): Henan only
    page = client.get("/reviews/").content.decode()
    assert _options(page, "profile")[1:] == ["河南省"]
    states = _options(page, "status")
    assert "县级已推荐" in states and "已受理" in states
    assert "已备案" not in states and "县级初审通过" not in states and "已确定为试点" not in states
    assert "已提交" in states and "已提交（待县级初审）" not in states

    login(staff("410305"))  # 洛阳市涧西区: Henan and Luoyang
    page = client.get("/reviews/").content.decode()
    assert _options(page, "profile")[1:] == ["河南省", "洛阳市"]


def test_recommendation_table_opens_at_the_latest_year_recommended(
    client, login, file_proposal, staff, at
):
    at(2026, 3, 1, 10)
    county = staff("410182", username="xingyang")
    old = file_proposal("henan", call_year=2020)
    login(county)
    # nothing recommended yet: the latest year of its proposals, not the current year
    page = client.get("/reviews/recommendations/").content.decode()
    assert "2020年度" in page and "2026年度" not in page
    proposal_transition(actor=county, pk=old.pk, transition="recommend_county", reason="同意推荐")
    page = client.get("/reviews/recommendations/").content.decode()
    assert "2020年度河南省产业技术创新战略联盟推荐表" in page and old.name in page
    assert '<option value="2020" selected>' in page
