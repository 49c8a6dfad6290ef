"""The inbox's bulk menu offers only the steps the viewer can take on the listed proposals,
named by where they send them; a mixed selection gets each proposal's own step (issue 11)."""

from __future__ import annotations

import re

from lianmeng.core.models import Jurisdiction
from lianmeng.proposals.lifecycle import proposal_transition
from lianmeng.reviews.bulk import bulk_actions
from lianmeng.workflow.models import StateChange


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*id="bulk-transition"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1)) if select else []


def _renamed(name: str):
    return lambda d: d.update(name=name)


def _county_recommended(file_proposal, staff, *names: str):
    county = staff("410182")
    done = []
    for name in names:
        proposal = file_proposal("henan", mutate=_renamed(name))
        proposal_transition(actor=county, pk=proposal.pk, transition="recommend_county")
        done.append(proposal)
    return done


def test_city_sees_one_entry_named_by_the_province(client, login, file_proposal, staff, at):
    at(2020, 9, 1, 10)
    first, second = _county_recommended(
        file_proposal, staff, "河南省甲产业技术创新战略联盟", "河南省乙产业技术创新战略联盟"
    )
    file_proposal("henan", mutate=_renamed("河南省丙产业技术创新战略联盟"))  # the county's turn
    city = staff("410100")
    login(city)
    page = _text(client.get("/reviews/"))
    assert _options(page) == ["推荐至河南省科学技术厅"]
    assert "河南省丙产业技术创新战略联盟" not in page  # not the city's to do
    assert page.count('name="ids"') == 2

    response = client.post(
        "/reviews/bulk/",
        {"ids": [first.pk, second.pk], "transition": "recommend", "reason": "同意推荐"},
        follow=True,
    )
    page = _text(response)
    assert "已批量办理 2 项" in page
    assert (
        "河南省甲产业技术创新战略联盟：已推荐至河南省科学技术厅，当前状态：已推荐（待受理）" in page
    )
    steps = set(StateChange.objects.filter(transition="recommend_city").values_list("subject_id"))
    assert steps == {(first.pk,), (second.pk,)}


def test_county_sees_the_city_as_destination(client, login, file_proposal, staff, at):
    at(2020, 9, 1, 10)
    file_proposal("henan")
    login(staff("410182"))
    assert _options(_text(client.get("/reviews/"))) == ["推荐至郑州市科学技术局"]


def test_no_menu_without_a_step_in_bulk(client, login, file_proposal, staff, at):
    at(2020, 9, 1, 10)
    file_proposal("henan")
    login(staff("410000", "competent"))  # the province accepts one by one, after paper copies
    page = _text(client.get("/reviews/"))
    assert "批量办理所选申报" not in page and _options(page) == []


def test_mixed_selection_takes_each_proposals_own_step(client, login, file_proposal, staff, at):
    """郑州市 acts as county for a lead unit registered in the city itself and as city for one
    a county recommended: one entry, and each proposal gets the step that fits it."""
    at(2020, 9, 1, 10)
    (upper,) = _county_recommended(file_proposal, staff, "河南省甲产业技术创新战略联盟")
    own = file_proposal(
        "henan",
        mutate=_renamed("河南省市本级产业技术创新战略联盟"),
        region=Jurisdiction.objects.get(code="410100"),
    )
    returned = file_proposal(
        "henan", mutate=_renamed("河南省已退回产业技术创新战略联盟"), status="returned"
    )
    city = staff("410100")
    menu = bulk_actions(viewer=city, proposals=[upper, own])
    assert [(a.key, a.name) for a in menu] == [
        ("recommend", "推荐至河南省科学技术厅、推荐（县级已推荐）")
    ]
    login(city)
    response = client.post(
        "/reviews/bulk/",
        {"ids": [upper.pk, own.pk, returned.pk], "transition": "recommend", "reason": "同意"},
        follow=True,
    )
    page = _text(response)
    assert "已批量办理 2 项" in page
    assert "河南省甲产业技术创新战略联盟：已推荐至河南省科学技术厅" in page
    assert "河南省市本级产业技术创新战略联盟：已办理“推荐”，当前状态：县级已推荐" in page
    assert "河南省已退回产业技术创新战略联盟：" in page  # says why not, per item
    upper.refresh_from_db(), own.refresh_from_db(), returned.refresh_from_db()
    assert (upper.status, own.status, returned.status) == (
        "recommended",
        "county_recommended",
        "returned",
    )


def test_an_action_the_viewer_cannot_take_is_refused(client, login, file_proposal, staff, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    login(staff("410182"))
    response = client.post(
        "/reviews/bulk/", {"ids": [proposal.pk], "transition": "accept"}, follow=True
    )
    assert "您不能批量办理所选的操作" in _text(response)
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


def test_the_demo_gives_zhengzhou_two_to_recommend_together(db):
    from lianmeng.core.models import User
    from lianmeng.demo import load_demo
    from lianmeng.reviews.selectors import review_inbox

    list(load_demo())
    city = User.objects.get(username="zhengzhou")
    listed = list(review_inbox(viewer=city, box="todo"))
    menu = bulk_actions(viewer=city, proposals=listed)
    assert [a.name for a in menu] == ["推荐至河南省科学技术厅"]
    assert len(menu[0].proposal_ids) == 2
    assert list(load_demo()) == ["演示数据已存在，未做改动。"]
