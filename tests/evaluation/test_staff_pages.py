"""The department's pages of the annual evaluation (issue 14): campaigns, one campaign, its
evaluators and objections, one alliance's evaluation with 核定调整, 择优支持 and rectifications."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from .conftest import BASIS, make_alliance

LY_INDICATORS = [
    "plan_completion",
    "main_results",
    "funds_use",
    "meetings",
    "activities",
    "major_events",
    "self_evaluation_on_time",
]


def _open(world):
    from lianmeng.evaluation import services

    return services.campaign_open(
        actor=world.luoyang,
        profile_id="luoyang",
        year=2025,
        self_due=date(2026, 3, 20),
        scoring_due=date(2026, 4, 10),
    )


def _to_verifying(world, campaign):
    """Both evaluators on; the bearing alliance (pinggu is a member) fails, materials excels."""
    from lianmeng.evaluation import services

    for user in (world.pinggu, world.other_firm):
        services.evaluator_add(actor=world.luoyang, campaign_id=campaign.pk, user_id=user.pk)
    services.advance(actor=world.luoyang, campaign_id=campaign.pk)
    values = {world.bearing.pk: 50, world.materials.pk: 93}
    for row in campaign.evaluations.all():
        for task in row.assignments.all():
            services.score_save(
                actor=task.evaluator,
                evaluation_id=row.pk,
                scores={k: str(values.get(row.alliance_id, 80)) for k in LY_INDICATORS},
                final=True,
            )
    return services.advance(actor=world.luoyang, campaign_id=campaign.pk)


def _published(world):
    from lianmeng.evaluation import services
    from lianmeng.evaluation.models import Rectification

    campaign = _to_verifying(world, _open(world))
    campaign = services.advance(actor=world.luoyang, campaign_id=campaign.pk)
    return campaign, Rectification.objects.get(alliance=world.bearing)


def test_campaign_list_and_new_form_for_the_organiser(client, login, world, today):
    login(world.luoyang)
    page = client.get(reverse("evaluation:campaigns")).content.decode()
    assert "开展绩效评价" in page
    # a refused form keeps what was typed and says what to do
    answer = client.post(
        reverse("evaluation:campaign_new"),
        {
            "year": "2025",
            "self_due": "2026-04-20",
            "scoring_due": "2026-04-01",
            "title": "我的标题",
        },
    )
    text = answer.content.decode()
    assert answer.status_code == 422
    assert "评分截止日期不能早于自评截止日期" in text
    assert 'value="我的标题"' in text and 'value="2026-04-20"' in text
    answer = client.post(
        reverse("evaluation:campaign_new"),
        {"year": "2025", "self_due": "2026-03-20", "scoring_due": "2026-04-10"},
        follow=True,
    )
    text = answer.content.decode()
    assert "2 个联盟参评" in text and "进入评分阶段" in text
    assert world.bearing.name in text and world.materials.name in text
    # the county sees the list, no button, and may not open the form
    client.logout()
    login(world.county)
    page = client.get(reverse("evaluation:campaigns")).content.decode()
    assert "2025" in page and 'data-testid="campaign-new"' not in page
    assert client.get(reverse("evaluation:campaign_new")).status_code == 403


def test_campaign_page_stages_progress_filters_and_advance(client, login, world, today):
    campaign = _open(world)
    login(world.luoyang)
    url = reverse("evaluation:campaign", args=[campaign.pk])
    text = client.get(url).content.decode()
    for label in ("联盟自评", "评价人评分", "主管部门核定", "已公布", "截止 2026-03-20"):
        assert label in text
    assert "<progress" in text and "style=" not in text
    assert reverse("evaluation:campaign_evaluators", args=[campaign.pk]) in text
    assert reverse("evaluation:results_xlsx", args=[campaign.pk]) in text
    filtered = client.get(url, {"q": "轴承"}).content.decode()
    assert world.bearing.name in filtered and world.materials.name not in filtered
    assert world.bearing.name not in client.get(url, {"filed": "yes"}).content.decode()
    # advancing asks first, then moves on
    confirm = client.post(reverse("evaluation:campaign_advance", args=[campaign.pk]))
    assert confirm.status_code == 200 and "确认进入评分阶段" in confirm.content.decode()
    campaign.refresh_from_db()
    assert campaign.stage == "self"
    done = client.post(
        reverse("evaluation:campaign_advance", args=[campaign.pk]), {"confirmed": "1"}, follow=True
    )
    campaign.refresh_from_db()
    assert campaign.stage == "scoring" and "结束评分并核定" in done.content.decode()


def test_results_and_distribution_only_for_the_organiser_before_notice(client, login, world, today):
    campaign = _to_verifying(world, _open(world))
    url = reverse("evaluation:campaign", args=[campaign.pk])
    login(world.luoyang)
    text = client.get(url).content.decode()
    assert "成绩分布" in text and "<meter" in text and "名次" in text
    assert "不合格" in text and "优秀" in text
    client.logout()
    login(world.county)
    text = client.get(url).content.decode()
    assert world.bearing.name in text  # his area's alliance
    assert "成绩分布" not in text and "名次" not in text


def test_evaluators_page_assigns_and_names_the_skipped(client, login, world, today):
    campaign = _open(world)
    login(world.luoyang)
    url = reverse("evaluation:campaign_evaluators", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert str(world.pinggu) in page
    done = client.post(url, {"user": str(world.pinggu.pk)}, follow=True).content.decode()
    assert "分配 1 个联盟" in done
    assert world.bearing.name in done and "成员单位" in done
    bad = client.post(url, {"user": "999999"})
    assert bad.status_code == 422 and "未找到该评价人账号" in bad.content.decode()
    client.logout()
    login(world.county)
    assert client.get(url).status_code in (403, 404)


def test_adjust_form_keeps_typed_values_on_error(client, login, world, today):
    campaign = _to_verifying(world, _open(world))
    row = campaign.evaluations.get(alliance=world.bearing)
    login(world.luoyang)
    page = client.get(reverse("evaluation:evaluation", args=[row.pk])).content.decode()
    assert "各评价人的评分" in page and str(world.other_firm) in page
    assert "核定得分（0–100）" in page
    answer = client.post(
        reverse("evaluation:evaluation_adjust", args=[row.pk]), {"score": "61.5", "reason": ""}
    )
    text = answer.content.decode()
    assert answer.status_code == 422 and "请填写调整理由" in text
    assert 'value="61.5"' in text
    answer = client.post(
        reverse("evaluation:evaluation_adjust", args=[row.pk]),
        {"score": "abc", "reason": "复核会议纪要"},
    )
    assert answer.status_code == 422 and "复核会议纪要" in answer.content.decode()
    answer = client.post(
        reverse("evaluation:evaluation_adjust", args=[row.pk]),
        {"score": "61.5", "reason": "复核会议纪要后加分"},
        follow=True,
    )
    row.refresh_from_db()
    assert str(row.final_score) == "61.500" and row.grade == "pass"
    assert "复核会议纪要后加分" in answer.content.decode()


def test_evaluation_page_per_relation(client, login, world, today):
    campaign = _to_verifying(world, _open(world))
    materials = campaign.evaluations.get(alliance=world.materials)
    bearing = campaign.evaluations.get(alliance=world.bearing)
    # the evaluator: his scoring link, his own scores only
    login(world.pinggu)
    text = client.get(reverse("evaluation:evaluation", args=[materials.pk])).content.decode()
    assert reverse("evaluation:score", args=[materials.pk]) in text
    assert str(world.other_firm) not in text
    # pinggu is not assigned to the bearing alliance (member conflict): 404
    assert client.get(reverse("evaluation:evaluation", args=[bearing.pk])).status_code == 404
    client.logout()
    # the lead unit: the self-evaluation link, no scores, no result before the notice
    login(world.lead_user)
    page = client.get(reverse("evaluation:evaluation", args=[bearing.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert reverse("evaluation:self_edit", args=[bearing.pk]) in text
    assert "各评价人的评分" not in text and 'data-testid="result"' not in text
    # another lead unit's evaluation: 404
    assert client.get(reverse("evaluation:evaluation", args=[materials.pk])).status_code == 404
    # and no adjusting
    assert client.post(
        reverse("evaluation:evaluation_adjust", args=[bearing.pk]), {"score": "90", "reason": "x"}
    ).status_code in (403, 404)
    client.logout()
    # another province's department: 404
    login(world.baoding)
    assert client.get(reverse("evaluation:evaluation", args=[bearing.pk])).status_code == 404
    assert client.get(reverse("evaluation:campaign", args=[campaign.pk])).status_code == 404


def test_rectification_report_submit_and_failed_recheck(client, login, world, today):
    from lianmeng.alliances.models import Alliance

    campaign, rect = _published(world)
    url = reverse("evaluation:rectification", args=[rect.pk])
    login(world.lead_user)
    listing = client.get(reverse("evaluation:rectifications")).content.decode()
    assert world.bearing.name in listing and "整改中" in listing
    text = client.get(url).content.decode()
    assert "警告并限期整改" in text and "2026-09-02" in text
    assert reverse("evaluation:warning_pdf", args=[rect.pk]) in text
    # submitting an empty report is refused and says what to write
    answer = client.post(
        reverse("evaluation:rectification_submit", args=[rect.pk]),
        {"report": "", "revision": str(rect.revision), "confirmed": "1"},
    )
    assert answer.status_code == 422 and "请先填写整改报告" in answer.content.decode()
    rect.refresh_from_db()
    client.post(url, {"report": "已补开理事会两次", "revision": str(rect.revision)})
    rect.refresh_from_db()
    assert rect.report == "已补开理事会两次"
    ask = client.post(
        reverse("evaluation:rectification_submit", args=[rect.pk]),
        {"report": "已补开理事会两次并形成纪要", "revision": str(rect.revision)},
    )
    assert ask.status_code == 200 and "确认提交整改报告" in ask.content.decode()
    client.post(
        reverse("evaluation:rectification_submit", args=[rect.pk]),
        {"report": "已补开理事会两次并形成纪要", "revision": str(rect.revision), "confirmed": "1"},
    )
    rect.refresh_from_db()
    assert rect.status == "submitted" and rect.report.endswith("形成纪要")
    # the lead unit has no re-check form
    assert 'data-testid="recheck-form"' not in client.get(url).content.decode()
    client.logout()
    login(world.luoyang)
    text = client.get(url).content.decode()
    assert 'data-testid="recheck-form"' in text
    assert "取消其享受扶持与奖励政策的资格" in text  # the consequence before the click
    # a missing opinion keeps the choice
    answer = client.post(reverse("evaluation:recheck", args=[rect.pk]), {"result": "fail"})
    assert answer.status_code == 422 and "请填写复查意见" in answer.content.decode()
    confirm = client.post(
        reverse("evaluation:recheck", args=[rect.pk]),
        {"result": "fail", "reason": "会议仍未召开", "basis": BASIS},
    )
    assert (
        confirm.status_code == 200 and "取消其享受扶持与奖励政策的资格" in confirm.content.decode()
    )
    assert Alliance.objects.get(pk=world.bearing.pk).support_eligible is True
    done = client.post(
        reverse("evaluation:recheck", args=[rect.pk]),
        {"result": "fail", "reason": "会议仍未召开", "basis": BASIS, "confirmed": "1"},
        follow=True,
    )
    rect.refresh_from_db()
    assert rect.status == "failed"
    assert Alliance.objects.get(pk=world.bearing.pk).support_eligible is False
    history = done.content.decode()
    assert "会议仍未召开" in history and "整改不合格" in history
    # someone else's rectification: 404
    client.logout()
    login(world.lead2_user)
    assert client.get(url).status_code == 404
    client.logout()
    login(world.baoding)
    assert client.get(url).status_code == 404


def _henan_notice(world):
    """A Henan campaign in its notice: smart 90 (优秀), bio 40 (不合格)."""
    from lianmeng.evaluation import services

    campaign = services.campaign_open(
        actor=world.henan,
        profile_id="henan",
        year=2025,
        self_due=date(2026, 3, 20),
        scoring_due=date(2026, 4, 10),
    )
    services.advance(actor=world.henan, campaign_id=campaign.pk)
    services.advance(actor=world.henan, campaign_id=campaign.pk)
    for row in campaign.evaluations.select_related("alliance"):
        score = "90" if row.alliance_id == world.smart.pk else "40"
        services.adjust(actor=world.henan, evaluation_id=row.pk, score=score, reason="材料核定")
    return services.advance(actor=world.henan, campaign_id=campaign.pk)  # → notice


def test_preferential_list_by_year(client, login, world, today):
    from datetime import timedelta

    from lianmeng.evaluation import services

    campaign = _henan_notice(world)
    today[0] += timedelta(days=7)
    services.advance(actor=world.henan, campaign_id=campaign.pk)  # → published
    login(world.henan)
    text = client.get(reverse("evaluation:preferential")).content.decode()
    assert world.smart.name in text and world.bio.name not in text
    assert (
        world.smart.name
        not in client.get(reverse("evaluation:preferential"), {"year": "2024"}).content.decode()
    )
    client.logout()
    login(world.hn_lead_user)
    assert client.get(reverse("evaluation:preferential")).status_code == 403


def test_objections_page_handles_an_objection(client, login, world, today):
    """Henan has a notice period: an objection filed in it is handled on the organiser's page."""
    from lianmeng.evaluation import services

    campaign = _henan_notice(world)
    rows = list(campaign.evaluations.all())
    objection = services.objection_file(
        viewer=None, evaluation_id=rows[0].pk, name="张三", contact="13800000000", text="得分偏高"
    )
    login(world.henan)
    url = reverse("evaluation:objections", args=[campaign.pk])
    assert "得分偏高" in client.get(url).content.decode()
    answer = client.post(
        reverse("evaluation:objection_handle", args=[objection.pk]), {"response": "经复核"}
    )
    text = answer.content.decode()
    assert answer.status_code == 422 and "请选择处理结果" in text and "经复核" in text
    client.post(
        reverse("evaluation:objection_handle", args=[objection.pk]),
        {"decision": "dismissed", "response": "经复核，得分无误"},
    )
    objection.refresh_from_db()
    assert objection.status == "dismissed"
    client.logout()
    login(world.luoyang)
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("evaluation:objection_handle", args=[objection.pk]),
            {"decision": "upheld", "response": "x"},
        ).status_code
        == 404
    )


def _many(world, n):
    from lianmeng.core.models import Unit

    lead = Unit.objects.get(pk=world.bearing.lead_unit_id)
    for i in range(n):
        make_alliance("luoyang", lead, "410300", f"洛阳批量联盟{i}")


@pytest.mark.parametrize("n", [3, 40])
def test_campaign_rows_in_constant_queries(
    client, login, world, today, n, django_assert_max_num_queries
):
    _many(world, n)
    campaign = _to_verifying(world, _open(world))
    login(world.luoyang)
    with django_assert_max_num_queries(22):
        page = client.get(reverse("evaluation:campaign", args=[campaign.pk]))
    assert page.status_code == 200 and "洛阳批量联盟1" in page.content.decode()
    with django_assert_max_num_queries(12):
        client.get(reverse("evaluation:campaigns"))
    with django_assert_max_num_queries(12):
        client.get(reverse("evaluation:rectifications"))


def test_navigation_home_and_registry_lead_to_the_pages(client, login, world, today):
    _campaign, rect = _published(world)
    login(world.county)
    home = client.get(reverse("web:home")).content.decode()
    for url in ("evaluation:campaigns", "evaluation:rectifications"):
        assert f'href="{reverse(url)}"' in home
    # 择优支持 is one click further, from the campaigns page (the menu stays on one line)
    campaigns = client.get(reverse("evaluation:campaigns")).content.decode()
    assert f'href="{reverse("evaluation:preferential")}"' in campaigns
    client.logout()
    # the lead unit: its open rectification on the home page and on its alliance's page
    login(world.lead_user)
    home = client.get(reverse("web:home")).content.decode()
    assert 'data-testid="home-rectifications"' in home
    assert reverse("evaluation:rectification", args=[rect.pk]) in home
    assert f'href="{reverse("evaluation:campaigns")}"' not in home
    page = client.get(reverse("alliances:registry_detail", args=[world.bearing.pk]))
    assert reverse("evaluation:rectification", args=[rect.pk]) in page.content.decode()
    client.logout()
    # another lead unit sees no link to it
    login(world.lead2_user)
    page = client.get(reverse("alliances:registry_detail", args=[world.bearing.pk]))
    assert reverse("evaluation:rectification", args=[rect.pk]) not in page.content.decode()
