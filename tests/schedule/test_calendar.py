"""The calendar page: the deadlines of the subjects the viewer may see, by month, overdue ones
flagged, each named and linked; a constant number of queries; other jurisdictions' unseen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import beijing

CAL = "/calendar/"


@pytest.fixture
def two_areas(file_proposal, applicant, staff, deadline, at):
    """A Henan proposal (荥阳) and a Baoding one (竞秀区), each with a deadline; the Henan one
    overdue."""
    at(2021, 3, 10, 9)
    henan = file_proposal("henan")
    baoding = file_proposal("baoding")
    return {
        "henan": henan,
        "baoding": baoding,
        "henan_lead": applicant(henan),
        "baoding_lead": applicant(baoding, email="bd@example.cn"),
        "henan_staff": staff("410182"),
        "baoding_staff": staff("130602"),
        "henan_due": deadline(henan, beijing(2021, 3, 1, 10)),
        "baoding_due": deadline(baoding, beijing(2021, 5, 20, 10)),
    }


def test_each_department_and_lead_unit_sees_only_its_own_deadlines(two_areas, login):
    w = two_areas
    page = login(w["henan_staff"]).get(CAL + "?period=all").content.decode()
    assert w["henan"].name in page
    assert w["baoding"].name not in page
    assert reverse("web:proposal_detail", args=[w["henan"].pk]) in page
    assert "已逾期" in page and "2021-03-01" in page and "2021年3月" in page

    page = login(w["baoding_staff"]).get(CAL + "?period=all").content.decode()
    assert w["baoding"].name in page and w["henan"].name not in page
    assert "已逾期" not in page.split("deadline-row", 1)[-1]

    page = login(w["baoding_lead"]).get(CAL + "?period=all").content.decode()
    assert w["baoding"].name in page and w["henan"].name not in page


def test_filters_overdue_and_kind(two_areas, deadline, login):
    w = two_areas
    deadline(w["henan"], beijing(2021, 4, 2, 10), kind="annual_report")
    client = login(w["henan_lead"])
    page = client.get(CAL + "?overdue=1").content.decode()
    assert page.count("deadline-row") == 1 and "筹建期满" in page
    page = client.get(CAL + "?kind=annual_report&period=all").content.decode()
    assert page.count("deadline-row") == 1 and "年度报告" in page
    # this month on (the default): the March deadline shows, and April's
    page = client.get(CAL).content.decode()
    assert page.count("deadline-row") == 2


def test_navigation_links_the_calendar_for_roles_with_deadlines(two_areas, login, make_user):
    page = login(two_areas["henan_lead"]).get(reverse("web:home")).content.decode()
    assert f'href="{CAL}"' in page
    expert = make_user(["expert"], unit=two_areas["henan"].lead_unit)
    client = login(expert)
    assert f'href="{CAL}"' not in client.get(reverse("web:home")).content.decode()
    assert client.get(CAL).status_code == 403


def test_calendar_makes_the_same_number_of_queries_at_any_size(
    two_areas, file_proposal, deadline, login, django_assert_max_num_queries
):
    w = two_areas
    client = login(w["henan_staff"])
    with django_assert_max_num_queries(40) as few:
        assert client.get(CAL + "?period=all").status_code == 200
    for month in range(1, 13):
        deadline(file_proposal("henan"), beijing(2021, month, 15, 10), kind="annual_report")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(CAL + "?period=all").content.decode()
    assert page.count("deadline-row") == 13


def test_alliances_are_on_the_lead_unit_and_area_calendars_only(two_areas, deadline, login):
    """The registry is public, but a recognised alliance's deadline is on its lead unit's and its
    area's calendars only (the alliance kind registered by lianmeng.alliances)."""
    from datetime import date

    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import Jurisdiction

    w = two_areas
    alliance = Alliance.objects.create(
        proposal=w["henan"],
        profile="henan",
        level="provincial",
        name="河南省日历测试产业技术创新战略联盟",
        lead_unit=w["henan"].lead_unit,
        jurisdiction=Jurisdiction.objects.get(code="410000"),
        status=Alliance.Status.RECOGNISED,
        decided_on=date(2021, 1, 5),
    )
    deadline(alliance, beijing(2021, 12, 31, 23), kind="annual_report")
    assert alliance.name in login(w["henan_lead"]).get(CAL).content.decode()
    assert alliance.name in login(w["henan_staff"]).get(CAL).content.decode()
    assert reverse("alliances:registry_detail", args=[alliance.pk]) in (
        login(w["henan_staff"]).get(CAL).content.decode()
    )
    assert alliance.name not in login(w["baoding_staff"]).get(CAL).content.decode()
    assert alliance.name not in login(w["baoding_lead"]).get(CAL).content.decode()


def test_a_published_alliance_lists_its_construction_period_once(two_areas, deadline, login):
    """批准筹建 starts the period on the proposal; once the decision is published the alliance
    carries it: the lead unit's calendar shows one 筹建期满, the alliance's, not the proposal's."""
    from datetime import date

    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import Jurisdiction

    w = two_areas
    proposal_link = f'href="/proposals/{w["henan"].pk}/"'
    deadline(w["henan"], beijing(2021, 12, 31, 23))
    page = login(w["henan_lead"]).get(CAL + "?period=all").content.decode()
    assert proposal_link in page
    alliance = Alliance.objects.create(
        proposal=w["henan"],
        profile="henan",
        level="provincial",
        name="河南省筹建期测试产业技术创新战略联盟",
        lead_unit=w["henan"].lead_unit,
        jurisdiction=Jurisdiction.objects.get(code="410000"),
        status=Alliance.Status.BUILDING,
        decided_on=date(2021, 1, 5),
    )
    deadline(alliance, beijing(2021, 12, 31, 23))
    page = login(w["henan_lead"]).get(CAL + "?period=all").content.decode()
    assert proposal_link not in page
    assert page.count(f'href="/registry/{alliance.pk}/"') == 1
    assert page.count("deadline-row") == 1  # the proposal's periods went over to the alliance
