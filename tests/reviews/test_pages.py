"""The recommending department's pages: inbox, one proposal with its history and buttons,
bulk recommendation; reach by level; paper copies; the notification pages."""

from __future__ import annotations

import re

from django.urls import reverse

from lianmeng.core.access import LOGIN, declared_access
from lianmeng.reviews.models import Notification
from lianmeng.workflow.kinds import subject_key
from lianmeng.workflow.models import StateChange


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_pages_declare_access():
    from django.urls import get_resolver

    resolver = get_resolver()
    expected = {
        "reviews:inbox": "reviews.review_proposals",
        "reviews:acceptance": "reviews.accept_proposals",
        "reviews:recommendations": "reviews.recommendation_tables",
        "reviews:notification_list": LOGIN,
        "reviews:notification_texts": "reviews.edit_notification_texts",
    }
    for name, access in expected.items():
        match = resolver.resolve(reverse(name))
        assert declared_access(match.func) == access, name


def test_county_recommends_from_its_pages_and_history_shows_who_when_what_why(
    client, login, file_proposal, staff, at
):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    county = staff("410182", username="xingyang")
    login(county)
    inbox = _text(client.get("/reviews/"))
    assert proposal.name in inbox and "已提交" in inbox

    page = _text(client.get(f"/reviews/proposals/{proposal.pk}/"))
    assert "以“荥阳市科学技术局”的名义办理" in page
    assert 'value="recommend_county"' in page and 'value="return_county"' in page
    assert "退回原因" in page and "推荐意见" in page

    at(2020, 9, 12, 15, 30)
    response = client.post(
        f"/reviews/proposals/{proposal.pk}/transition/",
        {"transition": "recommend_county", "reason": "经审核，同意推荐"},
        follow=True,
    )
    page = _text(response)
    assert "已办理“推荐”，当前状态：县级已推荐" in page
    # the history: what, from → to, who (office and account), when, why
    assert "推荐 </span>" in page or "推荐</span>" in page
    assert "已提交 → 县级已推荐" in page
    assert "荥阳市科学技术局 · xingyang" in page
    assert "2020-09-12 15:30" in page
    assert "经审核，同意推荐" in page

    # the same history on the proposal page
    detail = _text(client.get(f"/proposals/{proposal.pk}/"))
    assert "办理记录" in detail and "经审核，同意推荐" in detail and "县级已推荐" in detail

    # now the city's turn: the county has nothing to do and is told who acts next
    page = _text(client.get(f"/reviews/proposals/{proposal.pk}/"))
    assert "您当前没有可办理的操作" in page and "郑州市科学技术局" in page
    assert proposal.name not in _text(client.get("/reviews/"))
    assert proposal.name in _text(client.get("/reviews/?box=done"))


def test_refused_action_keeps_the_typed_opinion_and_says_what_is_allowed(
    client, login, file_proposal, staff, at
):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    login(staff("410182"))
    response = client.post(
        f"/reviews/proposals/{proposal.pk}/transition/",
        {"transition": "accept", "reason": "我写了很长的意见"},
        follow=True,
    )
    page = _text(response)
    assert "当前状态为“已提交”，不能执行“受理”。您可以：推荐、退回修改。" in page
    assert "我写了很长的意见" in page


def test_county_of_another_county_gets_404(client, login, file_proposal, staff, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    login(staff("410305"))
    assert client.get(f"/reviews/proposals/{proposal.pk}/").status_code == 404
    assert client.get(f"/proposals/{proposal.pk}/").status_code == 404
    response = client.post(
        f"/reviews/proposals/{proposal.pk}/transition/",
        {"transition": "recommend_county", "reason": ""},
    )
    assert response.status_code == 404
    assert proposal.name not in _text(client.get("/reviews/?box=all"))
    assert not StateChange.objects.of(proposal).filter(transition="recommend_county").exists()


def test_bulk_recommend_with_one_opinion(client, login, file_proposal, staff, at):
    at(2020, 9, 1, 10)
    first = file_proposal("henan")
    second = file_proposal(
        "henan", mutate=lambda d: d.update(name="河南省第二产业技术创新战略联盟")
    )
    third = file_proposal(
        "henan", mutate=lambda d: d.update(name="河南省第三产业技术创新战略联盟"), status="returned"
    )
    login(staff("410182"))
    page = _text(client.get("/reviews/"))
    assert "批量办理所选申报" in page
    response = client.post(
        "/reviews/bulk/",
        {
            "ids": [first.pk, second.pk, third.pk],
            "transition": "recommend_county",
            "reason": "同意推荐",
        },
        follow=True,
    )
    page = _text(response)
    assert "已批量办理 2 项" in page
    assert "河南省第三产业技术创新战略联盟：当前状态为“已退回修改”" in page
    reasons = set(
        StateChange.objects.filter(transition="recommend_county").values_list(
            "subject_id", "reason"
        )
    )
    assert reasons == {(first.pk, "同意推荐"), (second.pk, "同意推荐")}


def test_paper_copies_outside_the_paper_hours_need_a_reason(
    client, login, file_proposal, staff, at
):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan", status="recommended")
    StateChange.objects.create(
        **subject_key(proposal),
        from_state="county_recommended",
        to_state="recommended",
        transition="recommend_city",
        kind="recommend",
        label="推荐",
        at=proposal.updated_at.replace(year=2020, month=9, day=15),
    )
    login(staff("410000", "competent"))
    at(2020, 9, 21, 13, 0)
    page = _text(client.get(f"/reviews/proposals/{proposal.pk}/"))
    assert "纸质材料接收" in page and "需一式 2 份，已登记 0 份" in page
    assert "2020年9月21日、9月22日 08:00—12:00、15:00—18:00" in page
    assert "尚未收齐纸质申报材料" in page  # the accept button says why it cannot go yet

    data = {"copies": 2, "received_at": "2020-09-21T12:30", "received_by": "张超"}
    page = _text(client.post(f"/reviews/proposals/{proposal.pk}/paper/", data, follow=True))
    assert "不在报送时间内。如确需接收，请填写原因后再登记" in page
    page = _text(
        client.post(
            f"/reviews/proposals/{proposal.pk}/paper/",
            {**data, "reason": "市局专人午间送达"},
            follow=True,
        )
    )
    assert "已登记纸质材料 2 份" in page and "市局专人午间送达" in page
    page = _text(
        client.post(
            f"/reviews/proposals/{proposal.pk}/transition/", {"transition": "accept"}, follow=True
        )
    )
    assert "当前状态：已受理" in page


def test_notification_inbox_is_paginated_and_private(
    client, login, make_user, make_unit, file_proposal, at
):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    mine = make_user(["applicant"], unit=proposal.lead_unit)
    other = make_user(["applicant"], unit=make_unit("410182"))
    for n in range(25):
        Notification.objects.create(
            recipient=mine,
            event="proposal.recommended",
            proposal=proposal,
            subject=f"消息{n:02d}",
            body="正文",
            created_at=proposal.updated_at,
        )
    Notification.objects.create(
        recipient=other, event="x.y", subject="别人的消息", body="", created_at=proposal.updated_at
    )
    login(mine)
    page = _text(client.get("/notifications/"))
    assert "25 条未读" in page and "别人的消息" not in page
    assert "共 25 条" in page and "下一页" in page
    client.post("/notifications/", {})
    assert Notification.objects.filter(recipient=mine, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_competent_staff_edit_a_notification_text(client, login, staff):
    login(staff("410000", "competent"))
    page = _text(client.get("/notifications/texts/"))
    assert "河南省" in page and "proposal.returned" in page
    url = "/notifications/texts/henan/proposal.returned/"
    page = _text(
        client.post(url, {"subject": "{联盟名称}被退回", "body": "原因：{原因}", "preview": "1"})
    )
    assert "河南省×××产业技术创新战略联盟被退回" in page
    response = client.post(
        url, {"subject": "{联盟名称}被退回", "body": "原因：{原因}"}, follow=True
    )
    assert "通知文本已保存" in _text(response)
    assert client.get("/notifications/texts/luoyang/proposal.returned/").status_code == 404


def test_zone_files_its_list_and_the_province_only_reads_it(
    client, login, file_proposal, staff, at
):
    from .test_engine_tables import _in_luoyang_zone

    at(2020, 9, 1, 10)
    proposal = file_proposal("henan", mutate=_in_luoyang_zone, status="approved_to_build")
    zone = staff("410300-FTZ", "recommender", "competent")
    province = staff("410000", "competent")
    login(zone)
    page = _text(client.get("/reviews/zone-filings/"))
    assert "本片区批准组建、尚未报备的联盟" in page and proposal.name in page
    page = _text(
        client.post("/reviews/zone-filings/", {"year": 2020, "note": "请备案"}, follow=True)
    )
    assert "已向河南省报备 1 家联盟" in page
    login(province)
    page = _text(client.get("/reviews/zone-filings/"))
    assert "中国（河南）自由贸易试验区洛阳片区 · 2020年度" in page and proposal.name in page
    assert 'name="year"' not in page  # no filing form for the province
    assert client.post("/reviews/zone-filings/", {"year": 2020}).status_code == 403
    review = _text(client.get(f"/reviews/proposals/{proposal.pk}/"))
    assert "您当前没有可办理的操作" in review
