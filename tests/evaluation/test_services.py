"""The evaluation's services end to end on one Luoyang campaign (third-party evaluator) and the
consequences in both profiles."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from .conftest import BASIS

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
        actor=actor or world.luoyang,
        profile_id=profile,
        year=2025,
        self_due=date(2026, 3, 20),
        scoring_due=date(2026, 4, 10),
    )


def _scores(value):
    return {k: str(value) for k in LY_INDICATORS}


def test_campaign_scope_leaves_out_provincial_and_building(world, today):
    campaign = _open(world)
    names = set(campaign.evaluations.values_list("alliance__name", flat=True))
    assert names == {world.bearing.name, world.materials.name}
    assert campaign.notice_days == 0  # Luoyang asks for no notice


def test_only_the_profiles_own_department_opens(world, today):
    with pytest.raises(PermissionDenied):
        _open(world, actor=world.henan)
    with pytest.raises(PermissionDenied):
        _open(world, actor=world.county)
    _open(world)
    with pytest.raises(Conflict):
        _open(world)


def test_third_party_skips_alliance_of_which_it_is_a_member(world, today):
    from lianmeng.evaluation import selectors, services

    campaign = _open(world)
    seat, added, skipped = services.evaluator_add(
        actor=world.luoyang, campaign_id=campaign.pk, user_id=world.pinggu.pk
    )
    assert added == 1
    assert [s.alliance for s in skipped] == [world.bearing.name]
    assert "成员单位" in skipped[0].reason
    seen = selectors.evaluations(world.pinggu, campaign, selectors.EVALUATOR)
    assert [e.alliance_id for e in seen] == [world.materials.pk]
    bearing_eval = campaign.evaluations.get(alliance=world.bearing)
    with pytest.raises(NotFound):
        selectors.own_task(viewer=world.pinggu, evaluation_id=bearing_eval.pk)
    # an evaluator of no campaign sees nothing of it
    with pytest.raises(NotFound):
        selectors.campaign_get(viewer=world.other_firm, pk=campaign.pk)


def _run_to_verifying(world, campaign, values):
    from lianmeng.evaluation import services

    for user in (world.pinggu, world.other_firm):
        services.evaluator_add(actor=world.luoyang, campaign_id=campaign.pk, user_id=user.pk)
    services.advance(actor=world.luoyang, campaign_id=campaign.pk)  # → scoring
    for row in campaign.evaluations.all():
        for task in row.assignments.all():
            evaluator = task.evaluator
            services.score_save(
                actor=evaluator,
                evaluation_id=row.pk,
                scores=_scores(values[row.alliance_id][evaluator.pk]),
                final=True,
            )
    return services.advance(actor=world.luoyang, campaign_id=campaign.pk)  # → verifying


def test_scores_stay_private_until_publication(world, today):
    from lianmeng.evaluation import selectors, services

    campaign = _open(world)
    services.evaluator_add(
        actor=world.luoyang, campaign_id=campaign.pk, user_id=world.other_firm.pk
    )
    services.evaluator_add(actor=world.luoyang, campaign_id=campaign.pk, user_id=world.pinggu.pk)
    services.advance(actor=world.luoyang, campaign_id=campaign.pk)
    row = campaign.evaluations.get(alliance=world.materials)
    services.score_save(
        actor=world.other_firm, evaluation_id=row.pk, scores=_scores(80), final=True
    )
    # the other evaluator sees only his own task, not the submitted one
    _, relation = selectors.evaluation_get(viewer=world.pinggu, pk=row.pk)
    visible = selectors.assignments_visible(row, world.pinggu, relation)
    assert [a.evaluator_id for a in visible] == [world.pinggu.pk]
    # the lead unit and a department below see no score and no result
    _, relation = selectors.evaluation_get(viewer=world.lead2_user, pk=row.pk)
    assert selectors.assignments_visible(row, world.lead2_user, relation) == []
    assert not selectors.results_visible(campaign, relation)
    _, relation = selectors.evaluation_get(viewer=world.county, pk=row.pk)
    assert selectors.assignments_visible(row, world.county, relation) == []
    # the public does not even find it
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        selectors.evaluation_get(viewer=AnonymousUser(), pk=row.pk)
    # the organiser sees both, by name
    _, relation = selectors.evaluation_get(viewer=world.luoyang, pk=row.pk)
    assert len(selectors.assignments_visible(row, world.luoyang, relation)) == 2


def test_luoyang_failing_alliance_loses_support_after_failed_recheck(world, today):
    from lianmeng.alliances.models import Alliance
    from lianmeng.evaluation import services
    from lianmeng.evaluation.models import Rectification

    campaign = _open(world)
    values = {
        world.bearing.pk: {world.pinggu.pk: 50, world.other_firm.pk: 54},
        world.materials.pk: {world.pinggu.pk: 95, world.other_firm.pk: 91},
    }
    campaign = _run_to_verifying(world, campaign, values)
    bearing = campaign.evaluations.get(alliance=world.bearing)
    # pinggu is a member of the bearing alliance: only the other evaluator scored it
    assert bearing.score == Decimal("54.000")
    assert bearing.grade == "fail"
    materials = campaign.evaluations.get(alliance=world.materials)
    assert (materials.final_score, materials.grade, materials.rank) == (
        Decimal("93.000"),
        "excellent",
        1,
    )
    with pytest.raises(ValidationFailed):
        services.adjust(actor=world.luoyang, evaluation_id=bearing.pk, score="58", reason="")
    services.adjust(
        actor=world.luoyang, evaluation_id=bearing.pk, score="58", reason="复核会议纪要后加分"
    )
    bearing.refresh_from_db()
    assert (bearing.final_score, bearing.grade) == (Decimal("58.000"), "fail")
    campaign = services.advance(
        actor=world.luoyang, campaign_id=campaign.pk
    )  # no notice: published
    assert campaign.stage == "published" and campaign.verification_code
    rect = Rectification.objects.get(alliance=world.bearing)
    assert rect.status == "draft" and rect.deadline == date(2026, 9, 2)
    assert "取消其享受扶持与奖励政策的资格" in rect.warning
    with pytest.raises(ValidationFailed):
        services.rectification_submit(actor=world.lead_user, rectification_id=rect.pk)
    services.rectification_save(
        actor=world.lead_user, rectification_id=rect.pk, report="已补开理事会两次"
    )
    services.rectification_submit(actor=world.lead_user, rectification_id=rect.pk)
    with pytest.raises(PermissionDenied):
        services.recheck(actor=world.county, rectification_id=rect.pk, passed=False, reason="x")
    services.recheck(
        actor=world.luoyang,
        rectification_id=rect.pk,
        passed=False,
        reason="会议仍未召开",
        basis=BASIS,
    )
    rect.refresh_from_db()
    alliance = Alliance.objects.get(pk=world.bearing.pk)
    assert rect.status == "failed"
    assert alliance.support_eligible is False and alliance.status == "recognised"
    assert "第九条" in alliance.support_lost_reason


def test_henan_failed_recheck_revokes_title_after_notice(world, today):
    from lianmeng.alliances.models import Alliance
    from lianmeng.evaluation import services
    from lianmeng.evaluation.models import Objection, Rectification

    campaign = _open(world, "henan", world.henan)
    assert campaign.notice_days == 7
    expert_free = world.other_firm  # a third party is not in Henan's evaluators
    with pytest.raises(ValidationFailed):
        services.evaluator_add(actor=world.henan, campaign_id=campaign.pk, user_id=expert_free.pk)
    services.advance(actor=world.henan, campaign_id=campaign.pk)
    services.advance(actor=world.henan, campaign_id=campaign.pk)  # verifying, nobody scored
    bio = campaign.evaluations.get(alliance=world.bio)
    smart = campaign.evaluations.get(alliance=world.smart)
    with pytest.raises(Conflict):
        services.advance(actor=world.henan, campaign_id=campaign.pk)  # unscored alliances
    services.adjust(actor=world.henan, evaluation_id=bio.pk, score="40", reason="未报送年度报告")
    services.adjust(actor=world.henan, evaluation_id=smart.pk, score="90", reason="核定")
    campaign = services.advance(actor=world.henan, campaign_id=campaign.pk)
    assert campaign.stage == "notice"
    assert campaign.notice_ends_on == date(2026, 3, 8)
    objection = services.objection_file(
        viewer=None, evaluation_id=bio.pk, name="张三", contact="13800000000", text="得分偏低"
    )
    with pytest.raises(Conflict):
        services.advance(actor=world.henan, campaign_id=campaign.pk)  # notice not over
    today[0] += timedelta(days=7)
    with pytest.raises(Conflict):
        services.advance(actor=world.henan, campaign_id=campaign.pk)  # open objection
    today[0] -= timedelta(days=7)
    services.objection_handle(
        actor=world.henan, objection_id=objection.pk, upheld=False, response="经核实，得分无误"
    )
    assert Objection.objects.get(pk=objection.pk).status == "dismissed"
    today[0] += timedelta(days=7)
    campaign = services.advance(actor=world.henan, campaign_id=campaign.pk)
    assert campaign.stage == "published"
    rect = Rectification.objects.get(alliance=world.bio)
    services.recheck(
        actor=world.henan, rectification_id=rect.pk, passed=False, reason="到期未提交整改报告"
    )
    alliance = Alliance.objects.get(pk=world.bio.pk)
    assert alliance.status == "revoked"
    from lianmeng.alliances.models import RevocationNotice

    assert (
        "取消其河南省产业技术创新战略联盟资格"
        in RevocationNotice.objects.get(alliance=alliance).reason
    )
