"""The registry's search and year filter at national scale (issue 17): the search finds exactly
the alliances whose name or lead unit's name contains the query, through the GIN index of
lianmeng.core.textsearch on PostgreSQL; the year filter's choices come from one probe per
year of the ``decided_on`` index."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from lianmeng.alliances.models import Alliance
from lianmeng.alliances.selectors import RegistryFilters, alliance_list, decision_years
from lianmeng.core.models import Jurisdiction
from lianmeng.core.textsearch import query_terms

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only"
)


def _alliance(make_unit, name: str, *, lead: str | None = None, decided_on=date(2021, 5, 1)):
    return Alliance.objects.create(
        source=Alliance.Source.LEGACY,
        profile="henan",
        level="provincial",
        name=name,
        domain="industry",
        lead_unit=make_unit("410105", name=lead),
        jurisdiction=Jurisdiction.objects.get(code="410000"),
        member_count=12,
        status="recognised",
        decided_on=decided_on,
        authority="河南省科学技术厅",
    )


def _found(q: str) -> set[str]:
    return set(alliance_list(filters=RegistryFilters(q=q)).values_list("name", flat=True))


@pytest.mark.django_db
def test_search_finds_exactly_the_names_that_contain_the_query(make_unit):
    _alliance(make_unit, "河南省新材料产业技术创新战略联盟")
    _alliance(make_unit, "河南省新型材料产业联盟")  # 材料 but not 新材料
    _alliance(make_unit, "河南省新材与材料联盟")  # both pairs of 新材料, apart
    _alliance(make_unit, "河南省5G通信产业技术创新战略联盟", lead="郑州ABC新材料研究院")
    _alliance(make_unit, "河南省食品产业技术创新战略联盟")

    assert _found("新材料") == {
        "河南省新材料产业技术创新战略联盟",
        "河南省5G通信产业技术创新战略联盟",
    }
    assert _found("5g") == {"河南省5G通信产业技术创新战略联盟"}  # by its own name
    assert _found("abc") == {"河南省5G通信产业技术创新战略联盟"}  # by its lead unit's
    assert _found("食") == {"河南省食品产业技术创新战略联盟"}  # one character
    assert _found("新材与") == {"河南省新材与材料联盟"}
    assert _found("材料 联盟") == set()  # the query as written, with its space
    assert _found("纺织") == set()
    assert len(_found("联盟")) == 5


@pytest.mark.django_db
def test_search_in_the_public_registry_page(client, make_unit):
    _alliance(make_unit, "河南省新材料产业技术创新战略联盟")
    _alliance(make_unit, "河南省食品产业技术创新战略联盟", lead="河南新材料检测中心")
    _alliance(make_unit, "河南省纺织产业技术创新战略联盟")
    page = client.get("/registry/?q=新材料").content.decode()
    assert "新材料产业技术" in page and "食品产业" in page and "纺织产业" not in page


def test_query_terms_are_the_pairs_of_each_run():
    assert query_terms("新材料") == ["新材", "材料"]
    assert query_terms("食") == ["食"]
    assert query_terms("ABC 新-材") == ["ab", "bc", "新", "材"]
    assert query_terms("--  ") == []


@postgres_only
@pytest.mark.django_db
def test_search_reads_the_name_indexes(make_unit):
    """The query repeats the indexed expression, so PostgreSQL can read the GIN index on the
    alliances' names and lead units' names (with sequential scans off: on a tiny table the
    planner would rather read it all)."""
    _alliance(make_unit, "河南省新材料产业技术创新战略联盟")
    sql, params = alliance_list(filters=RegistryFilters(q="新材料")).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "alliances_alliance_search_names_cjk" in plan, plan


@pytest.mark.django_db
def test_a_renamed_lead_unit_is_found_by_its_new_name(make_unit):
    """On PostgreSQL the alliance's searchable names are kept by triggers: a lead unit renamed
    is found under its new name and no longer under its old one."""
    alliance = _alliance(make_unit, "河南省食品产业技术创新战略联盟", lead="郑州旧名研究院")
    assert _found("旧名") == {alliance.name}
    unit = alliance.lead_unit
    unit.name = "郑州新材料研究院"
    unit.save()
    assert _found("旧名") == set()
    assert _found("新材料") == {alliance.name}
    alliance.name = "河南省粮油产业技术创新战略联盟"
    alliance.save()
    assert _found("粮油") == {"河南省粮油产业技术创新战略联盟"}
    assert _found("新材料") == {"河南省粮油产业技术创新战略联盟"}


@pytest.mark.django_db
def test_decision_years_are_each_year_once_newest_first(make_unit):
    assert decision_years() == []
    for day in (
        date(2019, 12, 31),
        date(2020, 1, 1),
        date(2020, 6, 30),
        date(2020, 12, 31),
        date(2023, 1, 1),
    ):
        _alliance(make_unit, f"河南省{day:%Y%m%d}产业技术创新战略联盟", decided_on=day)
    assert decision_years() == [2023, 2020, 2019]


@pytest.mark.django_db
def test_the_year_filter_offers_the_years_with_decisions(client, make_unit):
    _alliance(make_unit, "河南省甲产业技术创新战略联盟", decided_on=date(2018, 3, 1))
    _alliance(make_unit, "河南省乙产业技术创新战略联盟", decided_on=date(2022, 3, 1))
    page = client.get("/registry/").content.decode()
    assert '<option value="2022">' in page and '<option value="2018">' in page
    assert '<option value="2020">' not in page
