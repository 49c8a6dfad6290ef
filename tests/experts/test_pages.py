"""The organising department's pages: create a round, add proposals, assign, override, close."""

from __future__ import annotations

from lianmeng.experts.models import Assignment, ExpertProfile, ReviewRound


def test_round_from_creation_to_close_through_the_pages(
    client, login, henan_staff, make_expert, make_review_proposal
):
    proposals = [make_review_proposal(region="410305") for _ in range(2)]
    local = make_expert("410302")  # same city as the proposals: stands aside automatically
    far = [make_expert("410105"), make_expert("410105")]
    login(henan_staff)

    response = client.post("/staff/reviews/new/", {"profile": "henan", "call_year": 2020})
    round = ReviewRound.objects.get()
    assert response["Location"] == f"/staff/reviews/{round.pk}/"
    page = client.get(f"/staff/reviews/{round.pk}/").content.decode()
    assert proposals[0].name in page and "突出战略重点" in page

    client.post(f"/staff/reviews/{round.pk}/add/", {"proposals": [p.pk for p in proposals]})
    assert round.entries.count() == 2

    response = client.post(
        f"/staff/reviews/{round.pk}/auto/", {"per_proposal": 2, "experts_listed": "1"}, follow=True
    )
    assert "请至少选择一位" in response.content.decode()
    response = client.post(
        f"/staff/reviews/{round.pk}/auto/",
        {
            "per_proposal": 2,
            "experts_listed": "1",
            "experts": [str(e.pk) for e in [local, *far]],
        },
        follow=True,
    )
    assert "已自动分配 4 项评审任务" in response.content.decode()
    assert not Assignment.objects.filter(expert=local).exists()

    response = client.post(
        f"/staff/reviews/{round.pk}/manual/",
        {"proposal": proposals[0].pk, "expert": local.pk, "reason": ""},
    )
    assert response.status_code == 422
    assert "须填写理由" in response.content.decode()
    response = client.post(
        f"/staff/reviews/{round.pk}/manual/",
        {"proposal": proposals[0].pk, "expert": local.pk, "reason": "熟悉当地轴承产业"},
        follow=True,
    )
    assert "理由已记录" in response.content.decode()
    assert "熟悉当地轴承产业" in response.content.decode()

    client.post(f"/staff/reviews/{round.pk}/close/", {"confirmed": "1"})
    round.refresh_from_db()
    assert round.status == "closed"


def test_other_department_gets_404_for_the_round(
    client, login, henan_staff, make_user, make_review_proposal
):
    from lianmeng.experts import services

    round = services.round_create(actor=henan_staff, profile="henan", call_year=2020)
    login(make_user(["competent"], jurisdiction="410300"))
    assert client.get(f"/staff/reviews/{round.pk}/").status_code == 404
    assert client.get(f"/staff/reviews/{round.pk}/results/").status_code == 404
    assert client.get(f"/staff/reviews/{round.pk}/results.xlsx").status_code == 404


def test_expert_keeps_his_pool_entry_and_declared_units(client, login, make_expert, make_unit):
    expert = make_expert("410105")
    other = make_unit("410105")
    login(expert.user)
    response = client.post(
        "/experts/profile/",
        {
            "fields_text": "新材料、超硬材料",
            "phone": "0371-1234567",
            "available": "on",
            "conflicts_text": f"{other.uscc}\nNOT-A-CODE",
        },
    )
    assert response.status_code == 422
    assert "NOT-A-CODE" in response.content.decode()  # what was typed stays in the form
    client.post(
        "/experts/profile/",
        {"fields_text": "新材料、超硬材料", "available": "on", "conflicts_text": other.uscc},
    )
    expert = ExpertProfile.objects.get(pk=expert.pk)
    assert expert.fields == ["新材料", "超硬材料"]
    assert expert.declared_conflicts == [other.uscc]


def test_pool_page_lists_experts_for_staff_only(client, login, henan_staff, make_expert):
    expert = make_expert("410105", fields=("新材料",))
    login(expert.user)
    assert client.get("/staff/experts/").status_code == 403
    login(henan_staff)
    page = client.get("/staff/experts/").content.decode()
    assert str(expert.user) in page and "新材料" in page
