"""Automatic assignment takes experts of the proposal's field first, then the nearest, and
says so when none of the field is free (a bearings expert is not put on a recycled-aluminium
proposal while a materials expert is free)."""

from __future__ import annotations

from lianmeng.experts import services
from lianmeng.experts.balance import balanced_assignment
from lianmeng.experts.fields import MATCH, NEAR, OTHER, affinity
from lianmeng.experts.models import Assignment


def test_affinity_grades():
    words = ["新材料", "再生铝", "再生铝合金锭"]
    assert affinity(["新材料", "超硬材料"], words) == MATCH
    assert affinity(["铝加工"], ["再生铝"]) == NEAR
    assert affinity(["有色金属"], words) == NEAR
    assert affinity(["轴承"], words) == OTHER
    assert affinity(["先进装备制造", "轴承"], ["高端装备制造", "精密轴承"]) == MATCH
    assert affinity([], words) == OTHER


def test_field_outweighs_balance():
    # expert 10 (bearings) carries nothing, 11 (aluminium) already three tasks: 11 is taken
    chosen = balanced_assignment(
        proposals=[1],
        experts=[10, 11],
        need={1: 1},
        eligible={1: [10, 11]},
        load={11: 3},
        affinity={1: {10: OTHER, 11: MATCH}},
    )
    assert chosen == {1: [11]}
    # among experts of the field the load is balanced
    chosen = balanced_assignment(
        proposals=[1, 2],
        experts=[10, 11, 12],
        need={1: 1, 2: 1},
        eligible={1: [10, 11, 12], 2: [10, 11, 12]},
        affinity={1: {10: OTHER, 11: MATCH, 12: MATCH}, 2: {10: OTHER, 11: MATCH, 12: MATCH}},
    )
    assert sorted(e for picked in chosen.values() for e in picked) == [11, 12]
    # near before other
    chosen = balanced_assignment(
        proposals=[1],
        experts=[10, 11],
        need={1: 1},
        eligible={1: [10, 11]},
        affinity={1: {10: OTHER, 11: NEAR}},
    )
    assert chosen == {1: [11]}


def _aluminium(make_review_proposal):
    proposal = make_review_proposal(name="河南省再生铝产业技术创新战略联盟")
    proposal.focus_area = "新材料"
    proposal.industry = "再生铝"
    proposal.product = "再生铝合金锭"
    proposal.save(update_fields=["focus_area", "industry", "product"])
    return proposal


def _round(actor, proposals):
    round = services.round_create(actor=actor, profile="henan", call_year=2020)
    services.round_add_proposals(
        actor=actor, round_id=round.pk, proposal_ids=[p.pk for p in proposals]
    )
    return round


def test_materials_expert_is_taken_before_the_bearings_expert(
    henan_staff, make_review_proposal, make_expert
):
    proposal = _aluminium(make_review_proposal)
    bearings = make_expert("410105", fields=("轴承", "先进装备制造"))
    materials = make_expert("410105", fields=("新材料",))
    # the materials expert already reviews elsewhere: still he is the one taken
    other = make_review_proposal(name="河南省超硬材料产业技术创新战略联盟")
    busy = _round(henan_staff, [other])
    services.assign_manually(
        actor=henan_staff,
        round_id=busy.pk,
        proposal_id=other.pk,
        expert_id=materials.pk,
        reason="超硬材料",
    )
    round = _round(henan_staff, [proposal])
    result = services.assign_automatically(actor=henan_staff, round_id=round.pk, per_proposal=1)
    assigned = set(Assignment.objects.filter(round=round).values_list("expert_id", flat=True))
    assert assigned == {materials.pk} and bearings.pk not in assigned
    assert not result.off_field


def test_says_when_no_expert_of_the_field_is_free(
    client, login, henan_staff, make_review_proposal, make_expert
):
    proposal = _aluminium(make_review_proposal)
    make_expert("410105", fields=("新材料",), available=False)  # not free
    metals = make_expert("410105", fields=("有色金属",))
    bearings = make_expert("410105", fields=("轴承",))
    round = _round(henan_staff, [proposal])
    login(henan_staff)
    page = client.post(
        f"/staff/reviews/{round.pk}/auto/", {"per_proposal": 1}, follow=True
    ).content.decode()
    assert set(Assignment.objects.filter(round=round).values_list("expert_id", flat=True)) == {
        metals.pk
    }
    assert "没有该领域的空闲专家，已分配相近领域专家" in page
    assert str(metals) in page and "有色金属" in page
    assert str(bearings) not in page.split("已分配相近领域专家")[1][:200]


def test_pool_and_round_list_exports(client, login, henan_staff, make_review_proposal, make_expert):
    import io

    import openpyxl
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_expert("410105", fields=("=新材料", "有色金属"))
    _round(henan_staff, [make_review_proposal()])
    login(henan_staff)
    assert "/staff/experts/export.xlsx" in client.get("/staff/experts/").content.decode()
    response = client.get("/staff/experts/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=1))
    assert rows[0][0].value == "姓名" and rows[0][3].value == "专业领域"
    assert rows[1][3].value == "=新材料、有色金属" and rows[1][3].quotePrefix
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/experts/export.xlsx")
    for _ in range(10):
        make_expert("410105", fields=("轴承",))
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/experts/export.xlsx")
    assert len(many) == len(few)
    rounds = client.get("/staff/reviews/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(rounds.content)).active
    assert sheet.max_row == 2 and sheet["C2"].value == 1
    login(make_expert("410105").user)
    assert client.get("/staff/experts/export.xlsx").status_code == 403
