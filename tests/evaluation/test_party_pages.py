"""The evaluation's pages for the lead unit (self-evaluation), the evaluators (inbox and scoring)
and the public (notice of the results and objections)."""

from __future__ import annotations

import re
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import make_alliance

LY_INDICATORS = [
    "plan_completion",
    "main_results",
    "funds_use",
    "meetings",
    "activities",
    "major_events",
    "self_evaluation_on_time",
]


def _open(world, profile="luoyang", actor=None):
    from lianmeng.evaluation import services

    return services.campaign_open(
        actor=actor or (world.henan if profile == "henan" else world.luoyang),
        profile_id=profile,
        year=2025,
        self_due=date(2026, 3, 20),
        scoring_due=date(2026, 4, 10),
    )


def _page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(f"evaluation:{name}", args=args), query)


def _scoring(world):
    """A Luoyang campaign being scored by the two third-party evaluators (pinggu stands aside
    from the bearing alliance, of which his firm is a member)."""
    from lianmeng.evaluation import services

    campaign = _open(world)
    for user in (world.pinggu, world.other_firm):
        services.evaluator_add(actor=world.luoyang, campaign_id=campaign.pk, user_id=user.pk)
    services.advance(actor=world.luoyang, campaign_id=campaign.pk)
    return campaign


def _henan_notice(world):
    """A Henan campaign in its public notice (scores set by the department)."""
    from lianmeng.evaluation import services

    campaign = _open(world, "henan")
    services.advance(actor=world.henan, campaign_id=campaign.pk)
    services.advance(actor=world.henan, campaign_id=campaign.pk)
    bio = campaign.evaluations.get(alliance=world.bio)
    smart = campaign.evaluations.get(alliance=world.smart)
    services.adjust(actor=world.henan, evaluation_id=bio.pk, score="40", reason="未报送年度报告")
    services.adjust(actor=world.henan, evaluation_id=smart.pk, score="91.5", reason="核定")
    return services.advance(actor=world.henan, campaign_id=campaign.pk), bio, smart


# -- the lead unit ---------------------------------------------------------------------------


def test_self_evaluation_is_prefilled_saved_and_filed(client, world, today):
    from lianmeng.evaluation.models import Evaluation

    campaign = _open(world)
    row = campaign.evaluations.get(alliance=world.bearing)
    mine = _page(client, world.lead_user, "mine").content.decode()
    assert world.bearing.name in mine and "填写自评" in mine
    assert world.materials.name not in mine  # another unit's alliance

    page = _page(client, world.lead_user, "self_edit", row.pk)
    assert page.status_code == 200
    html = page.content.decode()
    row.refresh_from_db()
    assert row.facts  # worked out on first opening
    # every indicator: its heading, weight, guidance, what the platform found
    for indicator_id, fact in row.facts.items():
        assert f'name="score_{indicator_id}"' in html
        assert fact["text"] in html
    suggested = {k: f["suggested"] for k, f in row.facts.items() if f.get("suggested")}
    assert suggested, row.facts
    for indicator_id, value in suggested.items():
        assert f'name="score_{indicator_id}" value="{value}"' in html
    assert "保存" in html and "提交自评" in html

    # save a draft: a typed value wins over the suggestion
    url = reverse("evaluation:self_edit", args=[row.pk])
    data = {"revision": row.revision, "action": "save", "score_plan_completion": "66.5"}
    data["statement_plan_completion"] = "计划基本完成"
    response = client.post(url, data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.self_content["plan_completion"] == {"score": "66.5", "statement": "计划基本完成"}
    assert row.self_filed_at is None
    html = client.get(url).content.decode()
    assert 'name="score_plan_completion" value="66.5"' in html

    # filing with an indicator unscored is refused and keeps what was typed (no suggestion)
    data = {"revision": row.revision, "action": "file"}
    for indicator_id in LY_INDICATORS:
        data[f"score_{indicator_id}"] = "80"
        data[f"statement_{indicator_id}"] = f"说明{indicator_id}"
    data["score_funds_use"] = ""
    data["statement_funds_use"] = "经费说明待补"
    data["score_meetings"] = "101"
    response = client.post(url, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "0 至 100" in html
    assert 'name="score_meetings" value="101"' in html
    assert 'name="score_funds_use" value=""' in html
    assert "经费说明待补" in html
    assert Evaluation.objects.get(pk=row.pk).self_filed_at is None

    data["score_meetings"] = "90"
    response = client.post(url, data)
    assert response.status_code == 422
    assert "尚未打分" in response.content.decode()
    data["score_funds_use"] = "75"
    response = client.post(url, data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.self_filed_at is not None
    assert row.self_content["funds_use"]["score"] == "75"
    # read-only after filing
    html = client.get(url).content.decode()
    assert "自评已于" in html
    assert 'name="score_funds_use"' not in html and "提交自评" not in html
    assert client.post(url, data).status_code == 409


def test_self_evaluation_of_another_unit_is_not_found(client, world, today):
    campaign = _open(world)
    row = campaign.evaluations.get(alliance=world.materials)
    assert _page(client, world.lead_user, "self_edit", row.pk).status_code == 404
    assert _page(client, world.pinggu, "self_edit", row.pk).status_code == 403  # no role


# -- the evaluators ----------------------------------------------------------------------------


def test_score_page_refuses_an_alliance_not_assigned(client, world, today):
    campaign = _scoring(world)
    bearing = campaign.evaluations.get(alliance=world.bearing)
    materials = campaign.evaluations.get(alliance=world.materials)
    assert _page(client, world.pinggu, "score", bearing.pk).status_code == 404
    assert _page(client, world.pinggu, "score", materials.pk).status_code == 200
    tasks = _page(client, world.pinggu, "tasks").content.decode()
    assert world.materials.name in tasks and world.bearing.name not in tasks
    assert "2026-04-10" in tasks and campaign.title in tasks and "待评分" in tasks


def test_evaluator_sees_only_his_own_scores(client, world, today):
    from lianmeng.evaluation import services
    from lianmeng.evaluation.models import Assignment

    campaign = _scoring(world)
    materials = campaign.evaluations.get(alliance=world.materials)
    services.score_save(
        actor=world.other_firm,
        evaluation_id=materials.pk,
        scores={k: "77.7" for k in LY_INDICATORS},
        comments={"plan_completion": "另一评价人的评语"},
        final=True,
    )
    html = _page(client, world.pinggu, "score", materials.pk).content.decode()
    assert "77.7" not in html and "另一评价人的评语" not in html
    assert "保存草稿" in html and "提交评分" in html

    # his own draft, then his submission
    url = reverse("evaluation:score", args=[materials.pk])
    data = {"action": "save", "score_plan_completion": "88", "comment_plan_completion": "较好"}
    assert client.post(url, data).status_code == 302
    html = client.get(url).content.decode()
    assert 'name="score_plan_completion" value="88"' in html and "较好" in html
    assert "77.7" not in html
    data = {"action": "submit", **{f"score_{k}": "85" for k in LY_INDICATORS}}
    data["score_main_results"] = "abc"
    response = client.post(url, data)
    assert response.status_code == 422
    assert 'name="score_main_results" value="abc"' in response.content.decode()
    data["score_main_results"] = "85"
    assert client.post(url, data)["Location"] == reverse("evaluation:tasks")
    task = Assignment.objects.get(evaluation=materials, evaluator=world.pinggu)
    assert task.submitted_at is not None and task.total is not None
    html = client.get(url).content.decode()
    assert "评分已于" in html and "提交评分" not in html


def test_task_list_queries_do_not_grow_with_rows(client, world, today, make_unit):
    from lianmeng.evaluation import services

    for n in range(4):
        lead = make_unit("410305", name=f"洛阳测试牵头单位{n}有限公司")
        make_alliance("luoyang", lead, "410300", f"洛阳市测试{n}产业技术创新战略联盟")
    campaign = _open(world)
    ids = list(campaign.evaluations.values_list("pk", flat=True))
    services.evaluator_add(
        actor=world.luoyang,
        campaign_id=campaign.pk,
        user_id=world.pinggu.pk,
        evaluation_ids=ids[-1:],
    )
    services.evaluator_add(
        actor=world.luoyang, campaign_id=campaign.pk, user_id=world.other_firm.pk
    )

    def count(user):
        client.force_login(user)
        client.get(reverse("evaluation:tasks"))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("evaluation:tasks"))
        assert response.status_code == 200
        return len(queries), len(re.findall(r"/evaluator/tasks/\d+/", response.content.decode()))

    few, few_rows = count(world.pinggu)
    many, many_rows = count(world.other_firm)
    assert few_rows == 1 and many_rows >= 5
    assert many == few


def test_evaluator_nav_links_the_tasks(client, world, today):
    _scoring(world)
    html = _page(client, world.pinggu, "tasks").content.decode()
    assert f'href="{reverse("evaluation:tasks")}"' in html and "评价任务" in html


# -- the public ------------------------------------------------------------------------------


def test_notice_is_public_only_from_the_notice_on(client, world, today):
    from lianmeng.evaluation import services

    campaign = _open(world, "henan")
    services.advance(actor=world.henan, campaign_id=campaign.pk)
    url = reverse("evaluation:notice", args=[campaign.pk])
    assert client.get(url).status_code == 404
    campaign, bio, smart = _henan_notice_from(world, campaign)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-03-02 至 2026-03-08" in html
    assert world.bio.name in html and world.smart.name in html
    assert "91.50" in html and "不合格" in html and "优秀" in html
    assert reverse("evaluation:objection_new", args=[campaign.pk, bio.pk]) in html
    # filtered by grade
    html = client.get(url, {"grade": "fail"}).content.decode()
    assert world.bio.name in html and world.smart.name not in html


def _henan_notice_from(world, campaign):
    from lianmeng.evaluation import services

    services.advance(actor=world.henan, campaign_id=campaign.pk)  # verifying
    bio = campaign.evaluations.get(alliance=world.bio)
    smart = campaign.evaluations.get(alliance=world.smart)
    services.adjust(actor=world.henan, evaluation_id=bio.pk, score="40", reason="未报送年度报告")
    services.adjust(actor=world.henan, evaluation_id=smart.pk, score="91.5", reason="核定")
    return services.advance(actor=world.henan, campaign_id=campaign.pk), bio, smart


def test_notice_list_queries_do_not_grow_with_rows(client, world, today):
    campaign, _bio, _smart = _henan_notice(world)
    url = reverse("evaluation:notice", args=[campaign.pk])
    client.get(url)

    def count(**query):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, query)
        assert response.status_code == 200
        return len(queries), response.content.decode().count("/objection/")

    one, one_row = count(grade="fail")
    both, two_rows = count()
    assert (one_row, two_rows) == (1, 2)
    assert one == both


def test_objection_is_filed_and_confirmed(client, world, today):
    from lianmeng.evaluation.models import Objection

    cache.clear()
    campaign, bio, _smart = _henan_notice(world)
    url = reverse("evaluation:objection_new", args=[campaign.pk, bio.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "张三", "contact": "", "text": "得分偏低，请复核"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "请填写联系方式" in html and 'value="张三"' in html and "得分偏低，请复核" in html
    assert not Objection.objects.exists()
    response = client.post(url, {"name": "张三", "contact": "13800000000", "text": "得分偏低"})
    assert response.status_code == 200
    assert "异议已记录" in response.content.decode()
    objection = Objection.objects.get()
    assert (objection.evaluation_id, objection.filed_by, objection.name) == (bio.pk, None, "张三")
    # a signed-in objector is recorded as the one who filed it
    client.force_login(world.lead_user)
    client.post(url, {"name": "李四", "contact": "li@example.com", "text": "异议"})
    assert Objection.objects.get(name="李四").filed_by == world.lead_user


def test_objections_are_rate_limited(client, world, today):
    from lianmeng.evaluation.models import Objection

    cache.clear()
    campaign, bio, _smart = _henan_notice(world)
    url = reverse("evaluation:objection_new", args=[campaign.pk, bio.pk])
    body = {"name": "张三", "contact": "13800000000", "text": "得分偏低"}
    statuses = [client.post(url, body).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert Objection.objects.count() == 5
    cache.clear()


def test_objection_only_while_the_notice_runs(client, world, today):
    from datetime import timedelta

    from lianmeng.evaluation.models import Objection

    cache.clear()
    campaign, bio, _smart = _henan_notice(world)
    today[0] += timedelta(days=8)
    url = reverse("evaluation:objection_new", args=[campaign.pk, bio.pk])
    html = client.get(url).content.decode()
    assert "不能再提出异议" in html
    notice = client.get(reverse("evaluation:notice", args=[campaign.pk])).content.decode()
    assert "/objection/" not in notice
    response = client.post(url, {"name": "张三", "contact": "138", "text": "晚了"})
    assert response.status_code == 409
    assert not Objection.objects.exists()


def test_public_list_of_notices_shows_noticed_and_published_campaigns_only(client, world, today):
    """The landing page links 绩效评价结果公示: campaigns whose results are on notice (or
    published) are listed for anyone, those still being scored are not."""
    scoring = _scoring(world)
    noticed, _bio, _smart = _henan_notice(world)
    landing = client.get("/").content.decode()
    assert 'href="/notices/evaluations/"' in landing
    html = client.get(reverse("evaluation:notices")).content.decode()
    assert noticed.title in html and "公示中" in html and "2026-03-02 — 2026-03-08" in html
    assert reverse("evaluation:notice", args=[noticed.pk]) in html
    assert scoring.title not in html
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("evaluation:notices")).status_code == 200
    assert len(queries) <= 6
