"""Issue 12, finding 7: a department issues calls only under its own jurisdiction's profile
(a city not under the province's, a zone committee acting for the province not at all),
by service, web form and API alike; the refusal names the profiles the user may use."""

from __future__ import annotations

import pytest

from lianmeng.calls.models import Call
from lianmeng.calls.services import call_create, call_profiles_for
from lianmeng.core.errors import PermissionDenied
from lianmeng.core.models import AuditEntry
from lianmeng.core.roles import Role
from tests.api.conftest import API, assert_error, bearer
from tests.conftest import PASSWORD

FIELDS = {
    "year": 2020,
    "title": "关于组织申报的通知",
    "online_opens": "2020-08-10",
    "online_closes": "2020-09-20",
}


@pytest.fixture
def staff(make_user):
    def make(code: str):
        return make_user([Role.COMPETENT, Role.RECOMMENDER], jurisdiction=code)

    return make


@pytest.fixture
def token_for(db):
    from lianmeng.core.tokens import token_create

    return lambda user: token_create(actor=user, name="测试令牌")[1]


@pytest.fixture
def pinned(monkeypatch):
    from datetime import datetime

    from lianmeng.core import clock

    monkeypatch.setattr(clock, "now", lambda: datetime(2020, 8, 1, tzinfo=clock.BEIJING))


def test_profiles_of_each_department(staff):
    from lianmeng.core.models import Jurisdiction

    assert [p.id for p in call_profiles_for(Jurisdiction.objects.get(code="410000"))] == ["henan"]
    assert [p.id for p in call_profiles_for(Jurisdiction.objects.get(code="410300"))] == ["luoyang"]
    assert call_profiles_for(Jurisdiction.objects.get(code="410300-FTZ")) == []


def test_city_cannot_issue_under_the_provincial_profile(staff, pinned):
    with pytest.raises(PermissionDenied) as refused:
        call_create(actor=staff("410300"), profile="henan", **FIELDS)
    assert "只能按本辖区的政策档案发布申报通知：洛阳市（luoyang）" in refused.value.message
    assert refused.value.details["allowed"] == ["luoyang"]
    assert not Call.objects.exists()
    assert not AuditEntry.objects.filter(action="lianmeng.call.created").exists()


def test_zone_committee_cannot_issue_under_the_provincial_profile(staff, pinned):
    with pytest.raises(PermissionDenied) as refused:
        call_create(actor=staff("410300-FTZ"), profile="henan", **FIELDS)
    assert "没有本辖区的政策档案" in refused.value.message
    assert not Call.objects.exists()


def test_province_cannot_issue_a_citys_call(staff, pinned):
    with pytest.raises(PermissionDenied) as refused:
        call_create(actor=staff("410000"), profile="luoyang", jurisdiction="410300", **FIELDS)
    assert "河南省（henan）" in refused.value.message


def test_own_profile_still_works(staff, pinned):
    call = call_create(actor=staff("410000"), profile="henan", **FIELDS)
    assert call.jurisdiction.code == "410000"
    call = call_create(actor=staff("410300"), profile="luoyang", **FIELDS)
    assert call.jurisdiction.code == "410300"


@pytest.mark.parametrize("code", ["410300", "410300-FTZ"])
def test_api_refuses_provincial_profile_for_city_and_zone(client, staff, token_for, pinned, code):
    key = token_for(staff(code))
    response = client.post(
        f"{API}/calls",
        {"profile": "henan", **FIELDS},
        content_type="application/json",
        headers=bearer(key),
    )
    body = assert_error(response, 403, "permission_denied")
    assert "政策档案" in body["message"]
    assert not Call.objects.exists()


def test_api_province_creates_its_own(client, staff, token_for, pinned):
    response = client.post(
        f"{API}/calls",
        {"profile": "henan", **FIELDS},
        content_type="application/json",
        headers=bearer(token_for(staff("410000"))),
    )
    assert response.status_code == 201, response.content


def test_web_form_offers_and_accepts_only_the_own_profile(client, staff, pinned):
    user = staff("410300")
    client.login(username=user.username, password=PASSWORD)
    form = client.get("/staff/calls/new/").content.decode()
    assert 'value="luoyang"' in form and 'value="henan"' not in form
    response = client.post("/staff/calls/new/", {"profile": "henan", **FIELDS, "paper_copies": 2})
    assert response.status_code == 200
    page = response.content.decode()
    assert "只能按本辖区的政策档案发布申报通知，请从列表中选择：洛阳市" in page
    assert "关于组织申报的通知" in page  # what was typed is kept
    assert not Call.objects.exists()


def test_web_form_tells_the_zone_committee_it_issues_no_calls(client, staff):
    user = staff("410300-FTZ")
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/staff/calls/new/")
    assert response.status_code == 403
    assert "没有本辖区的政策档案，不能发布申报通知" in response.content.decode()
