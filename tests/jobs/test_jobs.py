"""Background jobs (issue 17): a job runs, shows its progress, is its owner's alone, starts
once on a double click, shows its error when it fails, and its result expires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage

from lianmeng.core import clock
from lianmeng.core.models import AuditEntry
from lianmeng.core.roles import Role
from lianmeng.jobs import registry
from lianmeng.jobs.models import Job
from lianmeng.jobs.services import job_start, jobs_cleanup

SEEN: list[tuple[str, int, str]] = []


def _steps(job, report_progress):
    """Reports 30 % then 60 % and records what the owner's status page says meanwhile."""
    from django.test import Client

    viewer = Client()
    viewer.force_login(job.owner)
    for percent in (30, 60):
        report_progress(percent, f"第 {percent} 步")
        status = viewer.get(f"/jobs/{job.pk}/status.json").json()
        SEEN.append((status["state"], status["progress"], status["message"]))
    return "结果.txt", f"参数 {job.parameters['n']}".encode(), "text/plain; charset=utf-8"


def _broken(job, report_progress):
    raise RuntimeError("secret internals")


@pytest.fixture(autouse=True)
def _kinds(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    registry.register("test.steps", _steps, title="测试任务")
    registry.register("test.broken", _broken, title="会失败的任务", personal_data=True)
    SEEN.clear()


@pytest.fixture
def owner(make_user):
    return make_user([Role.COMPETENT], jurisdiction="410000")


def test_a_job_runs_reports_progress_and_its_owner_downloads_the_result(client, owner):
    client.force_login(owner)
    job = job_start(owner=owner, kind="test.steps", parameters={"n": 7})
    job.refresh_from_db()
    assert SEEN == [("running", 30, "第 30 步"), ("running", 60, "第 60 步")]
    assert job.state == Job.State.DONE and job.progress == 100
    assert job.expires_at == job.finished_at + timedelta(days=7)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "已完成" in page and f"/jobs/{job.pk}/download" in page and "<progress" in page
    listing = client.get("/jobs/").content.decode()
    assert "测试任务" in listing and "结果.txt" in listing
    response = client.get(f"/jobs/{job.pk}/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "参数 7"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="lianmeng.jobs.started", object_id=str(job.pk)).exists()


def test_someone_else_gets_not_found(client, owner, make_user):
    job = job_start(owner=owner, kind="test.steps", parameters={"n": 1})
    other = make_user([Role.COMPETENT], jurisdiction="410000")
    client.force_login(other)
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status.json", f"/jobs/{job.pk}/download"):
        assert client.get(url).status_code == 404, url
    assert "测试任务" not in client.get("/jobs/").content.decode()
    client.logout()
    assert client.get(f"/jobs/{job.pk}/").status_code == 302  # sign in first


def test_a_double_start_gives_one_job(owner, settings, monkeypatch):
    sent: list[int] = []
    from lianmeng.jobs import runner

    monkeypatch.setattr(runner, "send", sent.append)  # the job waits in the queue
    first = job_start(owner=owner, kind="test.steps", parameters={"n": 2})
    second = job_start(owner=owner, kind="test.steps", parameters={"n": 2})
    assert second.pk == first.pk and sent == [first.pk]
    other = job_start(owner=owner, kind="test.steps", parameters={"n": 3})
    assert other.pk != first.pk
    assert Job.objects.filter(owner=owner).count() == 2


def test_a_job_lost_with_its_process_does_not_block_a_new_start(owner, monkeypatch):
    from lianmeng.jobs import runner

    monkeypatch.setattr(runner, "send", lambda job_id: None)
    lost = job_start(owner=owner, kind="test.steps", parameters={"n": 4})
    Job.objects.filter(pk=lost.pk).update(heartbeat_at=clock.now() - timedelta(hours=2))
    again = job_start(owner=owner, kind="test.steps", parameters={"n": 4})
    assert again.pk != lost.pk
    lost.refresh_from_db()
    assert lost.state == Job.State.FAILED and "重新开始" in lost.error


def test_a_failing_job_shows_a_clear_error_and_no_download(client, owner):
    job = job_start(owner=owner, kind="test.broken", parameters={})
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    client.force_login(owner)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "任务失败" in page and f"任务编号 {job.pk}" in page
    assert "secret internals" not in page
    status = client.get(f"/jobs/{job.pk}/status.json").json()
    assert status["state"] == "failed" and status["finished"] and not status["download_url"]
    assert client.get(f"/jobs/{job.pk}/download").status_code == 302  # back to its page
    # a kind that carries personal data is audited as such when started
    assert AuditEntry.objects.filter(
        action="lianmeng.jobs.personal_data_export.started", object_id=str(job.pk)
    ).exists()


def test_expired_results_are_deleted(owner):
    job = job_start(owner=owner, kind="test.steps", parameters={"n": 5})
    job.refresh_from_db()
    assert default_storage.exists(job.result_name)
    assert jobs_cleanup(job.expires_at - timedelta(minutes=1)) == 0
    assert jobs_cleanup(job.expires_at + timedelta(minutes=1)) == 1
    assert not default_storage.exists(job.result_name)
    assert not Job.objects.filter(pk=job.pk).exists()


def test_the_page_in_english(client, owner):
    job = job_start(owner=owner, kind="test.steps", parameters={"n": 6})
    client.force_login(owner)
    client.cookies["django_language"] = "en"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Download" in page and "Completed" in page, page[:300]


def test_the_progress_script_is_a_static_file_without_inline_code(client, owner):
    job = job_start(owner=owner, kind="test.steps", parameters={"n": 8})
    client.force_login(owner)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "jobs/progress" in page and "style=" not in page
    assert "<script>" not in page
