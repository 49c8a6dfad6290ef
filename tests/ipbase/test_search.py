"""The search finds by partial Chinese title, by number and by holder name, on the database the
tests run on (SQLite by default; PostgreSQL with DATABASE_URL, where it reads the GIN index)."""

from __future__ import annotations

import pytest
from django.db import connection

from lianmeng.ipbase import search, selectors
from lianmeng.ipbase.models import Patent, Standard

from .conftest import P2


def _numbers(qs) -> set[str]:
    return {row.number for row in qs}


def test_tokens_are_characters_bigrams_and_latin_runs():
    assert search.tokens(["耐火材料", "GB/T 12345-2020"]) == [
        "耐",
        "耐火",
        "火",
        "火材",
        "材",
        "材料",
        "料",
        "gb",
        "t",
        "12345",
        "2020",
    ]
    assert search.query_terms("耐火") == [("耐火", False)]
    assert search.query_terms("耐") == [("耐", False)]
    assert search.query_terms("耐火材料 zl2020") == [
        ("耐火", False),
        ("火材", False),
        ("材料", False),
        ("zl2020", True),
    ]
    assert search.tsquery([("耐火", False), ("12345", True)]) == "'耐火' & '12345':*"


@pytest.fixture
def base(ip, report_patent, report_standard):
    report_patent(ip.applicant, ip.alliance, holders=[ip.lead.uscc, ip.university.uscc])
    report_patent(
        ip.other_applicant,
        ip.other_alliance,
        number=P2,
        title="一种工业机器人关节减速器",
        holders=[ip.robotics.uscc],
    )
    report_standard(ip.applicant, ip.alliance)
    report_standard(
        ip.farm_applicant,
        ip.farm_alliance,
        number="T/CAS 123-2021",
        title="小麦种子 质量分级",
        status="drafting",
    )
    return ip


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("耐火", {"ZL202010123456.2"}),  # two characters: the acceptance's partial title
        ("耐火材料", {"ZL202010123456.2"}),
        ("制备方法", {"ZL202010123456.2"}),
        ("耐", {"ZL202010123456.2"}),  # one character
        ("机器人", {P2}),
        ("关节减速", {P2}),
        ("河南科技大学", {"ZL202010123456.2"}),  # a holder's name
        ("智能装备研究院", {P2}),
        ("202010123456", {"ZL202010123456.2"}),  # the number without ZL
        ("ZL2021203", {P2}),  # the start of a number
        ("钢铁", set()),
        ("!!!", set()),
        ("", {"ZL202010123456.2", P2}),
    ],
)
def test_patent_search(base, q, found):
    assert _numbers(selectors.patent_list(selectors.Filters(q=q))) == found


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("耐压强度", {"GB/T 12345-2020"}),
        ("小麦", {"T/CAS 123-2021"}),
        ("12345", {"GB/T 12345-2020"}),
        ("CAS", {"T/CAS 123-2021"}),
        ("洛阳耐火材料集团", {"GB/T 12345-2020"}),  # a drafter's name
    ],
)
def test_standard_search(base, q, found):
    assert _numbers(selectors.standard_list(selectors.Filters(q=q))) == found


def test_filters(base):
    ip = base
    everything = selectors.Filters()
    assert selectors.patent_list(everything).count() == 2
    assert _numbers(selectors.standard_list(selectors.Filters(field="agriculture"))) == {
        "T/CAS 123-2021"
    }
    assert _numbers(selectors.standard_list(selectors.Filters(kind="group"))) == {"T/CAS 123-2021"}
    assert _numbers(selectors.standard_list(selectors.Filters(status="published"))) == {
        "GB/T 12345-2020"
    }
    assert _numbers(selectors.patent_list(selectors.Filters(alliance=ip.other_alliance.pk))) == {P2}
    assert selectors.patent_list(selectors.Filters(year=2023)).count() == 2
    assert selectors.patent_list(selectors.Filters(year=2022)).count() == 0
    assert _numbers(selectors.patent_list(selectors.Filters(q="耐火", year=2023))) == {
        "ZL202010123456.2"
    }


def test_rows_inserted_in_bulk_with_search_text_for_are_found(ip):
    """The dashboard's benchmark and any loader bulk-insert rows: search_text_for() is what
    makes them searchable."""
    from lianmeng.core import clock

    now = clock.now()
    Patent.objects.bulk_create(
        [
            Patent(
                number=f"ZL2020101{i:05d}.0",
                title=f"第{i}种耐火浇注料",
                kind="invention",
                status="granted",
                holders=[{"name": "某单位", "uscc": ""}],
                alliance=ip.alliance,
                region=ip.lead.region,
                year=2020,
                search_text=search.search_text_for(
                    f"第{i}种耐火浇注料", f"ZL2020101{i:05d}.0", ["某单位"]
                ),
                created_at=now,
                updated_at=now,
            )
            for i in range(30)
        ]
    )
    assert selectors.patent_list(selectors.Filters(q="浇注")).count() == 30
    assert Standard.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgres_search_reads_the_gin_index(base):
    from django.db import connection as conn

    qs = selectors.patent_list(selectors.Filters(q="耐火材料"))
    with conn.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ipbase_patent_search" in plan
