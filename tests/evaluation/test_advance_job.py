"""A large campaign's advance runs as a background job (issue 17): the organiser's advance into
核定 of a campaign above ``LIANMENG_JOBS_DIRECT_ROWS`` evaluations starts the job
``evaluation.advance``, which ranks every alliance with progress, and sends him to the job's
page and from there back to the campaign; a double click starts one job and advances once;
someone else is refused before any job starts; a small campaign still advances at once."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from lianmeng.core.models import AuditEntry
from lianmeng.jobs.models import Job

from .test_staff_pages import LY_INDICATORS

ADVANCED = "lianmeng.evaluation.campaign.advanced"


@pytest.fixture
def scored(world, today):
    """A Luoyang campaign in 评分 with every task scored (two alliances)."""
    from lianmeng.evaluation import services

    campaign = services.campaign_open(
        actor=world.luoyang,
        profile_id="luoyang",
        year=2025,
        self_due=date(2026, 3, 20),
        scoring_due=date(2026, 4, 10),
    )
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
    campaign.refresh_from_db()
    assert campaign.stage == "scoring" and campaign.evaluations.count() == 2
    return campaign


def _advance(client, campaign, revision=None):
    """The confirmed advance form, of the revision the page showed."""
    return client.post(
        reverse("evaluation:campaign_advance", args=[campaign.pk]),
        {"confirmed": "1", "revision": str(campaign.revision if revision is None else revision)},
    )


def _advanced(campaign):
    return AuditEntry.objects.filter(action=ADVANCED, object_id=str(campaign.pk)).count()


def test_large_campaign_advances_as_a_job_and_ranks_every_alliance(
    client, login, world, scored, settings
):
    settings.LIANMENG_JOBS_DIRECT_ROWS = 1  # two evaluations: "large"
    campaign_url = reverse("evaluation:campaign", args=[scored.pk])
    before, shown = _advanced(scored), scored.revision
    login(world.luoyang)
    answer = _advance(client, scored)
    job = Job.objects.get(kind="evaluation.advance")
    assert answer.status_code == 302 and answer["Location"] == f"/jobs/{job.pk}/"
    assert job.owner == world.luoyang and job.state == Job.State.DONE and job.progress == 100
    assert job.parameters["campaign"] == scored.pk and "结束评分" in job.title
    # the job ranked every alliance, by the organiser, audited once
    scored.refresh_from_db()
    assert scored.stage == "verifying"
    rows = {r.alliance_id: r for r in scored.evaluations.all()}
    assert all(r.final_score is not None and r.grade for r in rows.values())
    assert sorted(r.rank for r in rows.values()) == [1, 2]
    assert rows[world.materials.pk].rank == 1 and rows[world.bearing.pk].rank == 2
    entry = AuditEntry.objects.filter(action=ADVANCED, object_id=str(scored.pk)).last()
    assert _advanced(scored) == before + 1 and entry.actor_id == world.luoyang.pk
    # its page says done and leads back to the campaign
    page = client.get(answer["Location"]).content.decode()
    assert 'data-state="done"' in page and "已完成" in page
    assert re.search(rf'href="{campaign_url}"[^>]*data-testid="job-return"', page)
    assert 'data-testid="job-download" href=""' in page  # nothing to download
    # the same form sent again: no second job, no second advance
    again = _advance(client, scored, shown)
    assert again.status_code == 302 and again["Location"] == campaign_url
    assert Job.objects.count() == 1 and _advanced(scored) == before + 1
    scored.refresh_from_db()
    assert scored.stage == "verifying"
    assert "内容已被他人修改" in client.get(campaign_url).content.decode()


def test_double_click_starts_one_job_which_reports_its_progress(
    client, login, world, scored, settings, monkeypatch
):
    from lianmeng.evaluation import services
    from lianmeng.jobs import runner
    from lianmeng.jobs.services import job_run

    settings.LIANMENG_JOBS_DIRECT_ROWS = 1
    started: list[int] = []
    monkeypatch.setattr(runner, "dispatch", started.append)  # the job stays queued
    login(world.luoyang)
    first, second = _advance(client, scored), _advance(client, scored)
    job = Job.objects.get()
    assert first["Location"] == second["Location"] == f"/jobs/{job.pk}/"
    assert started == [job.pk] and job.state == Job.State.QUEUED
    scored.refresh_from_db()
    assert scored.stage == "scoring"  # nothing advanced in the request
    # the job calls the service as its owner, passing its progress down to the ranking
    reports: list[tuple[int, str]] = []
    advance = services.advance

    def watched(**kwargs):
        assert kwargs["actor"] == world.luoyang and kwargs["progress"] is not None

        def progress(percent, message=""):
            reports.append((int(percent), message))
            kwargs_progress(percent, message)

        kwargs_progress = kwargs["progress"]
        return advance(**{**kwargs, "progress": progress})

    monkeypatch.setattr(services, "advance", watched)
    job_run(job.pk)
    job.refresh_from_db()
    scored.refresh_from_db()
    assert job.state == Job.State.DONE and scored.stage == "verifying"
    assert all(r.rank for r in scored.evaluations.all())
    percents = [p for p, _m in reports]
    assert percents == sorted(percents) and percents[0] < 10 and percents[-1] == 95
    assert reports[-1][1] == "已保存 2 / 2 个联盟的结果"


def test_others_are_refused_and_small_campaigns_advance_at_once(
    client, login, world, scored, settings
):
    settings.LIANMENG_JOBS_DIRECT_ROWS = 1
    login(world.henan)  # a department, but not the organiser
    assert _advance(client, scored).status_code == 404
    client.logout()
    login(world.county)  # may not organise evaluations at all
    assert _advance(client, scored).status_code == 403
    assert not Job.objects.exists()
    scored.refresh_from_db()
    assert scored.stage == "scoring"
    # at the usual threshold the organiser's advance runs in the request, as before
    settings.LIANMENG_JOBS_DIRECT_ROWS = 2000
    client.logout()
    login(world.luoyang)
    answer = _advance(client, scored)
    assert answer["Location"] == reverse("evaluation:campaign", args=[scored.pk])
    assert not Job.objects.exists()
    scored.refresh_from_db()
    assert scored.stage == "verifying"
