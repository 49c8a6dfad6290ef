"""Issue 12, finding 1: the expert pool is scoped by the organiser's jurisdiction.

A department organises (reads, changes, assigns) the experts based in its jurisdiction and
below; a free-trade-zone committee also those of the province whose review it does (Henan's
``zone_delegation``). Another jurisdiction's expert is 404, on the web and over the API; phone
and e-mail only for the department of the expert's own scope. See
docs/decisions/0013-expert-pool-scope.md.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from lianmeng.core.errors import NotFound
from lianmeng.core.models import Jurisdiction
from lianmeng.experts import selectors, services
from lianmeng.experts.models import Assignment, ExpertProfile
from tests.api.conftest import API, assert_error, bearer

#: the demo departments that changed a Luoyang expert on main (issue 12, finding 1)
DEPARTMENTS = {
    "baoding": (["recommender", "competent"], "130600"),
    "luoyang": (["recommender", "competent"], "410300"),
    "luoyangftz": (["recommender", "competent"], "410300-FTZ"),
    "xietiao": (["coordination"], "230000"),
}

#: for each, an expert of another jurisdiction: 保定→洛阳, 洛阳→新乡, 片区→保定, 黑龙江→洛阳
FOREIGN = {"baoding": "410311", "luoyang": "410702", "luoyangftz": "130602", "xietiao": "410311"}


def _expert(make_expert, region: str) -> ExpertProfile:
    profile = make_expert(region)
    profile.phone = "0379-12345678"
    profile.email = "expert@example.cn"
    profile.save()
    return profile


def _edit(profile: ExpertProfile) -> dict[str, str]:
    return {
        "fields_text": "轴承",
        "title": "教授",
        "phone": "000",
        "email": "changed@example.cn",
        "region_code": "130602",
        "available": "on",
        "conflicts_text": "",
    }


@pytest.mark.parametrize("name", sorted(DEPARTMENTS))
def test_other_jurisdictions_expert_is_404_on_read_and_write(
    client, login, make_user, make_expert, name
):
    roles, code = DEPARTMENTS[name]
    staff = make_user(roles, jurisdiction=code)
    foreign = _expert(make_expert, FOREIGN[name])
    foreign.available = False
    foreign.save()
    before = (foreign.available, foreign.region_id, list(foreign.declared_conflicts))
    login(staff)

    assert client.get(f"/staff/experts/{foreign.user_id}/").status_code == 404
    response = client.post(f"/staff/experts/{foreign.user_id}/", _edit(foreign))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert (foreign.available, foreign.region_id, foreign.declared_conflicts) == before
    page = client.get("/staff/experts/").content.decode()
    assert str(foreign.user) not in page and "0379-12345678" not in page
    with pytest.raises(NotFound):
        services.expert_profile_save(actor=staff, user_id=foreign.user_id, available=False)
    with pytest.raises(NotFound):
        selectors.pool_user_get(viewer=staff, user_id=foreign.user_id)


def test_own_jurisdictions_expert_is_organised_with_contact_details(
    client, login, make_user, make_expert
):
    luoyang = make_user(["recommender", "competent"], jurisdiction="410300")
    own = _expert(make_expert, "410311")  # 洛龙区, like zhuanjia-ly
    login(luoyang)
    page = client.get("/staff/experts/").content.decode()
    # the list masks the contacts (many people at once); the edit page shows them in full
    assert str(own.user) in page and "0379-****5678" in page and "0379-12345678" not in page
    form = client.get(f"/staff/experts/{own.user_id}/").content.decode()
    assert "0379-12345678" in form and "expert@example.cn" in form
    data = _edit(own) | {"region_code": "410305"}
    response = client.post(f"/staff/experts/{own.user_id}/", data)
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.region.code == "410305" and own.phone == "000"


def test_department_cannot_move_its_expert_out_of_its_pool(client, login, make_user, make_expert):
    luoyang = make_user(["recommender", "competent"], jurisdiction="410300")
    own = _expert(make_expert, "410311")
    login(luoyang)
    response = client.post(f"/staff/experts/{own.user_id}/", _edit(own))  # 130602: 保定
    assert response.status_code == 422
    assert "不在本部门辖区内" in response.content.decode()
    own.refresh_from_db()
    assert own.region.code == "410311"


def test_zone_committee_shares_the_provinces_pool_without_contact_details(
    client, login, make_user, make_expert
):
    """Henan's zone_delegation: the 洛阳片区 committee reviews for the province, with its
    experts; contact details stay with the departments of the experts' own scope."""
    ftz = make_user(["recommender", "competent"], jurisdiction="410300-FTZ")
    henan = _expert(make_expert, "410711")  # 新乡市红旗区, like zhuanjia-xx
    login(ftz)
    page = client.get("/staff/experts/").content.decode()
    assert str(henan.user) in page
    assert "0379-12345678" not in page and "expert@example.cn" not in page
    assert "非本辖区专家，不显示" in page
    form = client.get(f"/staff/experts/{henan.user_id}/").content.decode()
    assert "0379-12345678" not in form and 'name="phone"' not in form
    # a posted phone is ignored: the committee has no say on the contact details
    data = _edit(henan) | {"region_code": "410711"}
    assert client.post(f"/staff/experts/{henan.user_id}/", data).status_code == 302
    henan.refresh_from_db()
    assert henan.phone == "0379-12345678" and henan.email == "expert@example.cn"
    book = load_workbook(BytesIO(client.get("/staff/experts/export.xlsx").content))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row]
    assert "0379-12345678" not in cells and "expert@example.cn" not in cells


def test_pool_export_lists_only_the_own_pool(client, login, make_user, make_expert):
    luoyang = make_user(["recommender", "competent"], jurisdiction="410300")
    own, other = _expert(make_expert, "410311"), _expert(make_expert, "410702")
    login(luoyang)
    book = load_workbook(BytesIO(client.get("/staff/experts/export.xlsx").content))
    names = [row[0].value for row in book.active.iter_rows(min_row=2)]
    assert str(own.user) in names and str(other.user) not in names


def test_province_sees_its_cities_experts_and_not_another_provinces(make_user, make_expert):
    henan = make_user(["competent"], jurisdiction="410000")
    baoding = make_user(["competent"], jurisdiction="130600")
    ly, bd = make_expert("410311"), make_expert("130602")
    assert set(selectors.pool_users(viewer=henan)) >= {ly.user} and bd.user not in set(
        selectors.pool_users(viewer=henan)
    )
    assert list(selectors.pool_users(viewer=baoding)) == [bd.user]
    assert list(selectors.expert_pool(viewer=baoding)) == [bd]


def test_may_organise_is_scoped_to_the_own_jurisdiction(make_user):
    luoyang = make_user(["competent"], jurisdiction="410300")
    recommender = make_user(["recommender"], jurisdiction="410300")
    own = Jurisdiction.objects.get(code="410300")
    assert selectors.may_organise(luoyang)
    assert selectors.may_organise(luoyang, jurisdiction=own)
    for code in ("410000", "130600", "410311", "410300-FTZ"):
        other = Jurisdiction.objects.get(code=code)
        assert not selectors.may_organise(luoyang, jurisdiction=other)
    assert not selectors.may_organise(recommender, jurisdiction=own)


def test_luoyang_round_assigns_only_its_own_experts(
    luoyang_staff, make_expert, make_unit, policies_in_force
):
    """洛阳's round (like the demo's, with zhuanjia-ly) gets Luoyang experts, never Xinxiang's."""
    from lianmeng.proposals.models import Proposal

    own = make_expert("410311")
    other = make_expert("410702")
    lead = make_unit("410305")
    proposal = Proposal.objects.create(
        profile="luoyang",
        call_year=2019,
        name="洛阳市轴承产业技术创新战略联盟",
        domain="industry",
        industry="轴承",
        lead_unit=lead,
        region=lead.region,
        status="accepted",
        document={"members": [{"name": lead.name, "uscc": lead.uscc, "role": "lead"}]},
        member_count=1,
    )
    round = services.round_create(actor=luoyang_staff, profile="luoyang", call_year=2019)
    services.round_add_proposals(actor=luoyang_staff, round_id=round.pk, proposal_ids=[proposal.pk])
    services.assign_automatically(actor=luoyang_staff, round_id=round.pk, per_proposal=2)
    assert set(Assignment.objects.filter(round=round).values_list("expert", flat=True)) == {own.pk}
    with pytest.raises(NotFound):
        services.assign_manually(
            actor=luoyang_staff,
            round_id=round.pk,
            proposal_id=proposal.pk,
            expert_id=other.pk,
            reason="熟悉轴承",
        )


def test_api_manual_assignment_of_another_jurisdictions_expert_is_404(
    client, token_for, luoyang_staff, make_expert, make_unit, policies_in_force
):
    from lianmeng.proposals.models import Proposal

    other = make_expert("410702")
    lead = make_unit("410305")
    proposal = Proposal.objects.create(
        profile="luoyang",
        call_year=2019,
        name="洛阳市测试产业技术创新战略联盟",
        domain="industry",
        industry="轴承",
        lead_unit=lead,
        region=lead.region,
        status="accepted",
        document={"members": [{"name": lead.name, "uscc": lead.uscc, "role": "lead"}]},
        member_count=1,
    )
    round = services.round_create(actor=luoyang_staff, profile="luoyang", call_year=2019)
    services.round_add_proposals(actor=luoyang_staff, round_id=round.pk, proposal_ids=[proposal.pk])
    staff = bearer(token_for(luoyang_staff))
    response = client.post(
        f"{API}/review-rounds/{round.pk}/assignments",
        {"proposal": proposal.pk, "expert": other.pk, "reason": "熟悉轴承"},
        content_type="application/json",
        headers=staff,
    )
    assert_error(response, 404)
    assert not Assignment.objects.filter(round=round).exists()


def test_zone_committee_organises_its_zones_round_with_the_provinces_experts(
    make_user, make_expert
):
    """洛阳片区 acts for the province (Henan zone_delegation): its round draws on Henan's pool."""
    ftz = make_user(["recommender", "competent"], jurisdiction="410300-FTZ")
    henan, hebei = make_expert("410311"), make_expert("130602")
    round = services.round_create(actor=ftz, profile="henan", call_year=2020)
    assert round.jurisdiction.code == "410300-FTZ"
    candidates = services._candidates(round, None)
    assert henan in candidates and hebei not in candidates
    assert selectors.may_organise(ftz, jurisdiction=round.jurisdiction)
