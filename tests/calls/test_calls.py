"""Calls (M-10): who may issue them, the window in Beijing time, the pages, the engine's terms."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.calls.models import Call
from lianmeng.calls.selectors import call_list_public, call_list_staff
from lianmeng.calls.services import call_create, call_publish, call_update
from lianmeng.core.errors import PermissionDenied, ValidationFailed
from lianmeng.core.models import AuditEntry
from lianmeng.core.roles import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")
MATERIALS = ["proposal_form", "feasibility_report", "recommendation_form", "agreement"]


def _fields(**changes):
    fields = {
        "profile": "henan",
        "year": 2020,
        "title": "关于组织申报2020年河南省产业技术创新战略联盟的通知",
        "online_opens": date(2020, 8, 10),
        "online_closes": date(2020, 9, 20),
        "focus_areas": ["新材料", "新能源"],
        "required_materials": MATERIALS,
        "paper_days": [{"date": "2020-09-21", "hours": [["08:00", "12:00"], ["15:00", "18:00"]]}],
        "paper_place": "省科技厅科技成果转化处2325房间",
        "contacts": [{"name": "张超", "phone": "0371-65990399", "office": "成果转化处"}],
    }
    fields.update(changes)
    return fields


@pytest.fixture
def province(make_user):
    return make_user([Role.COMPETENT], jurisdiction="410000")


@pytest.fixture
def pin_clock(monkeypatch):
    from lianmeng.core import clock

    def pin(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)

    return pin


def test_a_closing_date_closes_at_the_last_microsecond_of_the_day_in_beijing(province):
    call = call_create(actor=province, **_fields())
    assert call.status == Call.Status.DRAFT
    assert call.jurisdiction.code == "410000"
    closes = call.online_closes_at.astimezone(BEIJING)
    assert (closes.date(), closes.hour, closes.minute, closes.second) == (
        date(2020, 9, 20),
        23,
        59,
        59,
    )
    assert closes.microsecond == 999999
    assert call.online_opens_at.astimezone(BEIJING) == datetime(2020, 8, 10, tzinfo=BEIJING)
    assert AuditEntry.objects.filter(action="lianmeng.call.created", object_id=str(call.pk))


def test_an_hour_given_is_kept(province):
    call = call_create(actor=province, **_fields(online_closes="2020-09-20 17:00"))
    assert call.online_closes_at.astimezone(BEIJING) == datetime(2020, 9, 20, 17, 0, tzinfo=BEIJING)


def test_the_window_must_be_ordered(province):
    with pytest.raises(ValidationFailed) as refused:
        call_create(actor=province, **_fields(online_closes=date(2020, 8, 1)))
    assert refused.value.details["field"] == "online_closes"
    assert not Call.objects.exists()


def test_only_competent_staff_of_the_profiles_area_may_issue(make_user):
    recommender = make_user([Role.RECOMMENDER], jurisdiction="410000")
    with pytest.raises(PermissionDenied):
        call_create(actor=recommender, **_fields())
    hebei = make_user([Role.COMPETENT], jurisdiction="130000")
    with pytest.raises(PermissionDenied):
        call_create(actor=hebei, **_fields())
    luoyang = make_user([Role.COMPETENT], jurisdiction="410300")
    call = call_create(actor=luoyang, **_fields(profile="luoyang", title="洛阳市通知"))
    assert call.jurisdiction.code == "410300"


def test_update_and_publish_are_audited_and_scoped(province, make_user):
    call = call_create(actor=province, **_fields())
    call = call_update(actor=province, pk=call.pk, online_closes=date(2020, 9, 25))
    assert call.online_closes_at.astimezone(BEIJING).date() == date(2020, 9, 25)
    luoyang = make_user([Role.COMPETENT], jurisdiction="410300")
    with pytest.raises(Exception) as hidden:
        call_publish(actor=luoyang, pk=call.pk)
    assert "未找到" in str(hidden.value)
    call = call_publish(actor=province, pk=call.pk)
    assert call.status == Call.Status.PUBLISHED and call.published_at
    actions = set(
        AuditEntry.objects.filter(object_id=str(call.pk), object_type="calls.call").values_list(
            "action", flat=True
        )
    )
    assert actions == {"lianmeng.call.created", "lianmeng.call.updated", "lianmeng.call.published"}


def test_public_list_has_published_calls_only_and_staff_list_is_scoped(province, make_user):
    henan = call_publish(actor=province, pk=call_create(actor=province, **_fields()).pk)
    draft = call_create(actor=province, **_fields(year=2021, title="2021年通知"))
    luoyang_staff = make_user([Role.COMPETENT], jurisdiction="410300")
    luoyang = call_create(actor=luoyang_staff, **_fields(profile="luoyang", title="洛阳"))
    assert list(call_list_public()) == [henan]
    assert set(call_list_staff(viewer=province)) == {henan, draft, luoyang}
    assert set(call_list_staff(viewer=luoyang_staff)) == {luoyang}


def test_call_terms_drive_the_engine(province):
    from lianmeng.calls.terms import call_terms
    from lianmeng.policy.interchange import parse_proposal
    from lianmeng.policy.loader import get_profile
    from lianmeng.policy.rules import check
    from tests.proposals.submission.conftest import example

    call = call_create(
        actor=province,
        **_fields(
            year=2026,
            title="2026年通知",
            online_opens=date(2026, 3, 1),
            online_closes=date(2026, 4, 30),
            focus_areas=["铝基新材料"],
            required_materials=["proposal_form"],
        ),
    )
    terms = call_terms(call)
    assert terms.year.value == 2026
    assert [m.value.title for m in terms.materials] == ["河南省产业技术创新战略联盟构建建议书"]
    document = example()
    document.pop("submitted_at")
    doc = parse_proposal(document)  # call_year 2020 in the file; the stored call decides
    at = datetime(2026, 4, 30, 23, 59, 59, tzinfo=BEIJING)
    findings = {f.rule: f for f in check(doc, get_profile("henan"), at=at, call=terms).findings}
    assert findings["call.within_window"].status == "pass"
    assert findings["call.focus_area"].evidence["supported"] == ["铝基新材料"]
    assert findings["materials.complete"].evidence["required"] == ["proposal_form"]
    late = datetime(2026, 5, 1, tzinfo=BEIJING)
    findings = {f.rule: f for f in check(doc, get_profile("henan"), at=late, call=terms).findings}
    assert findings["call.within_window"].status == "fail"


# -- pages ------------------------------------------------------------------------------------


def test_calls_page_lists_published_calls_with_constant_queries(province, client):
    call_publish(actor=province, pk=call_create(actor=province, **_fields()).pk)
    with CaptureQueriesContext(connection) as one:
        page = client.get("/calls/").content.decode()
    assert "关于组织申报2020年河南省产业技术创新战略联盟的通知" in page
    assert "2020年9月20日 23:59:59" in page
    for n in (2021, 2022):
        call_publish(
            actor=province, pk=call_create(actor=province, **_fields(year=n, title=f"{n}")).pk
        )
    with CaptureQueriesContext(connection) as three:
        assert client.get("/calls/").status_code == 200
    assert len(three) == len(one)


def test_call_detail_shows_window_paper_hours_place_contacts_materials(province, client):
    call = call_publish(actor=province, pk=call_create(actor=province, **_fields()).pk)
    page = client.get(f"/calls/{call.pk}/").content.decode()
    for text in (
        "2020年8月10日 00:00:00",
        "2020年9月20日 23:59:59",
        "北京时间",
        "2020年9月21日（星期一）",
        "08:00—12:00",
        "15:00—18:00",
        "省科技厅科技成果转化处2325房间",
        "张超 0371-65990399",
        "《河南省产业技术创新战略联盟构建可行性研究报告》",
        "《2020年度河南省产业技术创新战略联盟推荐表》",
        "新材料",
        "已截止",
    ):
        assert text in page, text


def test_draft_call_is_not_public(province, client):
    call = call_create(actor=province, **_fields())
    response = client.get(f"/calls/{call.pk}/")
    assert response.status_code == 404


def test_apply_opens_a_draft_inside_the_window_and_refuses_outside(
    province, make_unit, make_user, client, pin_clock
):
    call = call_publish(actor=province, pk=call_create(actor=province, **_fields()).pk)
    applicant = make_user([Role.APPLICANT], unit=make_unit("410182"))
    client.login(username=applicant.username, password=PASSWORD)

    pin_clock(datetime(2020, 9, 20, 23, 59, 59, tzinfo=BEIJING))
    response = client.post(f"/calls/{call.pk}/apply/")
    proposal = call.proposals.get()
    assert response["Location"] == f"/proposals/{proposal.pk}/edit/section/facts/"
    assert proposal.lead_unit == applicant.unit and proposal.status == "draft"

    pin_clock(datetime(2020, 9, 21, 0, 0, 0, tzinfo=BEIJING))
    response = client.post(f"/calls/{call.pk}/apply/", follow=True)
    assert "网上填报已于 2020年9月20日 23:59:59 截止，逾期不予受理。" in response.content.decode()
    assert call.proposals.count() == 1


def test_apply_button_only_for_applicants_in_the_window(
    province, make_unit, make_user, client, pin_clock
):
    call = call_publish(actor=province, pk=call_create(actor=province, **_fields()).pk)
    pin_clock(datetime(2020, 9, 1, 9, 0, tzinfo=BEIJING))
    assert "登录后申报" in client.get(f"/calls/{call.pk}/").content.decode()
    applicant = make_user([Role.APPLICANT], unit=make_unit("410182"))
    client.login(username=applicant.username, password=PASSWORD)
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert "在线申报</button>" in page and "正在受理" in page


def test_staff_pages_create_keep_typed_values_on_error_and_publish(province, client):
    client.login(username=province.username, password=PASSWORD)
    assert client.get("/staff/calls/").status_code == 200
    form = {
        "profile": "henan",
        "year": "2020",
        "title": "关于组织申报2020年河南省产业技术创新战略联盟的通知",
        "scope": "围绕主导产业创新发展……",
        "focus_areas": "新材料\n新能源",
        "online_opens": "2020-08-10",
        "online_closes": "2020-08-01",
        "paper_first_day": "2020-09-21",
        "paper_last_day": "2020-09-22",
        "paper_hours": "08:00-12:00, 15:00-18:00",
        "paper_place": "省科技厅2325房间",
        "contacts": "张超 0371-65990399 成果转化处",
        "required_materials": MATERIALS,
        "paper_copies": "2",
    }
    response = client.post("/staff/calls/new/", form)
    page = response.content.decode()
    assert "网上填报截止时间须晚于开始时间" in page
    assert "围绕主导产业创新发展……" in page and "张超 0371-65990399 成果转化处" in page
    assert not Call.objects.exists()

    form["online_closes"] = "2020-09-20"
    response = client.post("/staff/calls/new/", form)
    call = Call.objects.get()
    assert response["Location"] == f"/staff/calls/{call.pk}/edit/"
    assert call.paper_days == [
        {"date": "2020-09-21", "hours": [["08:00", "12:00"], ["15:00", "18:00"]]},
        {"date": "2020-09-22", "hours": [["08:00", "12:00"], ["15:00", "18:00"]]},
    ]
    assert call.contacts == [{"name": "张超", "phone": "0371-65990399", "office": "成果转化处"}]
    edit = client.get(f"/staff/calls/{call.pk}/edit/").content.decode()
    assert 'value="2020-09-20"' in edit
    client.post(f"/staff/calls/{call.pk}/publish/")
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED


def test_staff_pages_are_closed_to_applicants(make_unit, make_user, client):
    applicant = make_user([Role.APPLICANT], unit=make_unit("410182"))
    client.login(username=applicant.username, password=PASSWORD)
    assert client.get("/staff/calls/").status_code == 403


def test_landing_page_links_to_the_calls(db, client):
    assert 'href="/calls/"' in client.get("/").content.decode()


def test_demo_has_the_2020_call_and_calls_open_today_and_stays_idempotent(db):
    from lianmeng.core import clock
    from lianmeng.demo import load_demo

    list(load_demo())
    calls = list(Call.objects.order_by("id"))
    assert [c.year for c in calls][:1] == [2020]
    assert all(c.status == Call.Status.PUBLISHED for c in calls)
    now = clock.now()
    open_now = [c for c in calls if c.online_opens_at <= now <= c.online_closes_at]
    # a call is opened only under a policy in force for its whole window: Luoyang's 办法
    # expired on 2020-12-31 (issue 11), so today only the Henan call is open
    from lianmeng.policy.loader import get_profile
    from lianmeng.policy.validity import in_force

    luoyang_open = {"luoyang"} if in_force(get_profile("luoyang"), now) else set()
    assert {c.profile for c in open_now} == {"henan"} | luoyang_open
    henan_open = next(c for c in open_now if c.profile == "henan")
    assert henan_open.jurisdiction.code == "410000"
    assert henan_open.focus_areas == calls[0].focus_areas
    again = list(load_demo())
    assert again == ["演示数据已存在，未做改动。"]
    assert Call.objects.count() == len(calls)
