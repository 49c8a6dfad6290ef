"""Lists whose cost must not grow with what they show (issue 17): the inbox's bulk menu reads
the offices of its proposals in one query whatever the number of their counties; the 推荐表
counts each proposal's members by kind without reading them one by one."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.core.models import Jurisdiction
from lianmeng.proposals.lifecycle import proposal_transition
from lianmeng.proposals.models import Proposal

#: counties of 郑州市, each recommending its own proposal
COUNTIES = ["410181", "410182", "410183", "410184", "410185"]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*id="bulk-transition"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1)) if select else []


def _recommended_in(file_proposal, staff, codes: list[str]) -> None:
    for code in codes:
        proposal = file_proposal(
            "henan",
            mutate=lambda d, c=code: d.update(name=f"河南省{c}产业技术创新战略联盟"),
            region=Jurisdiction.objects.get(code=code),
        )
        county = staff(code, username=f"county-{code}")
        proposal_transition(actor=county, pk=proposal.pk, transition="recommend_county")


def _inbox(client):
    client.get("/reviews/")  # the first request of a session reads what later ones keep
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/reviews/")
    assert response.status_code == 200
    return _text(response), len(captured.captured_queries)


def test_the_inbox_menu_costs_the_same_queries_for_five_counties_as_for_two(
    client, login, file_proposal, staff, at
):
    at(2020, 9, 1, 10)
    city = staff("410100")
    _recommended_in(file_proposal, staff, COUNTIES[:2])
    login(city)
    page, two = _inbox(client)
    assert page.count('name="ids"') == 2

    _recommended_in(file_proposal, staff, COUNTIES[2:])
    page, five = _inbox(client)
    assert page.count('name="ids"') == 5
    for code in COUNTIES:
        assert f"河南省{code}产业技术创新战略联盟" in page
    # every county's proposal goes on to the province: one entry, named by it
    assert _options(page) == ["推荐至河南省科学技术厅"]
    assert five == two


def test_the_table_counts_members_by_kind_whatever_the_document_holds(
    client, login, file_proposal, staff, at
):
    at(2020, 9, 5, 10)
    proposal = file_proposal("henan")
    county = staff("410182", username="xingyang")
    proposal_transition(actor=county, pk=proposal.pk, transition="recommend_county")
    document = Proposal.objects.get(pk=proposal.pk).document
    document["members"] = [
        {"name": "甲公司", "kind": "enterprise"},
        {"name": "乙大学", "kind": "university"},
        {"name": "丙学院", "kind": "vocational_college"},
        {"name": "丁研究院", "kind": "research_institute"},
        {"name": "戊（未填类型）"},
        "not a member",
    ]
    Proposal.objects.filter(pk=proposal.pk).update(document=document)
    login(county)
    page = _text(client.get("/reviews/recommendations/?year=2020"))
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*" + re.escape(proposal.name) + r".*?</tr>", page)
    assert row is not None
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row[0])]
    # 成员总数 5 (the text is no member), 企业 1, 高校 2 (大学 and 高职), 研究机构 1
    assert cells[5:9] == ["5", "1", "2", "1"]
