"""A large workbook of patents is imported by a background job (issue 17): the page goes to
the job's progress, the job imports the rows as the uploader, deletes the upload, and its
result is a row-by-row import report only its owner downloads."""

from __future__ import annotations

import io
import os

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lianmeng.core.models import AuditEntry
from lianmeng.ipbase.imports import JOB_KIND, UPLOAD_DIR
from lianmeng.ipbase.models import Patent, PatentReport
from lianmeng.jobs.models import Job
from tests.ipbase.conftest import P1, P2
from tests.ipbase.test_pages import HEADER, _upload, _workbook

GOOD = [
    ["zl 2020 1012 3456", "一种耐火材料的制备方法", "", "已授权", "洛阳理工学院", 2, None],
    [P2, "一种耐火砖成型模具", "实用新型专利", "已申请", "河南科技大学", None, None],
]


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.LIANMENG_JOBS_DIRECT_ROWS = 1
    return tmp_path / "files"


def _uploads(root) -> list[str]:
    folder = root / UPLOAD_DIR
    return [f for _d, _s, files in os.walk(folder) for f in files] if folder.exists() else []


def _result(client, job: Job) -> list[tuple]:
    response = client.get(f"/jobs/{job.pk}/download")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def test_a_large_import_runs_as_a_job_and_reports_each_row(
    client, login, ip, report_patent, storage, make_user
):
    report_patent(ip.other_applicant, ip.other_alliance, holders=[ip.shared.uscc])  # P1 exists
    login(ip.applicant)
    response = client.post(
        reverse("ipbase:import", args=[ip.alliance.pk]),
        {"kind": "patents", "year": "2023", "file": _upload(_workbook(HEADER, GOOD))},
    )
    job = Job.objects.get(owner=ip.applicant, kind=JOB_KIND)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    assert job.title == "导入专利（XLSX）" and job.progress == 100
    # imported as the uploader, audited row by row as an import in the request is
    assert Patent.objects.count() == 2
    assert PatentReport.objects.filter(alliance=ip.alliance, source="xlsx").count() == 2
    assert AuditEntry.objects.filter(
        actor=ip.applicant, action="lianmeng.ipbase.patent_reported"
    ).exists()
    assert AuditEntry.objects.filter(
        actor=ip.applicant, action="lianmeng.ipbase.patent_merged"
    ).exists()
    assert P2 in client.get(reverse("ipbase:patents")).content.decode()
    rows = _result(client, job)
    assert rows[0] == ("行号", "专利号", "结果", "需要修改")
    assert rows[1][:3] == (2, P1, "已导入（编号已在库中，已合并）")
    assert rows[2][:3] == (3, P2, "已导入（新增）")
    assert _uploads(storage) == []  # the upload is deleted once imported
    # the job and its result are the owner's alone
    other = make_user(["applicant"], unit=ip.lead)
    client.force_login(other)
    assert client.get(f"/jobs/{job.pk}/download").status_code == 404
    assert client.get(f"/jobs/{job.pk}/").status_code == 404


def test_a_large_import_with_a_bad_row_imports_nothing_and_says_why(
    client, login, ip, storage, monkeypatch
):
    from lianmeng.ipbase import services

    seen: list[tuple[int, str]] = []
    real = services.import_workbook

    def spy(**kwargs):
        forward = kwargs["progress"]
        kwargs["progress"] = lambda p, m="": (seen.append((int(p), m)), forward(p, m))
        return real(**kwargs)

    monkeypatch.setattr(services, "import_workbook", spy)
    monkeypatch.setattr(services, "PROGRESS_EVERY", 1)
    login(ip.applicant)
    content = _workbook(
        HEADER, [*GOOD, ["ZL202010123456.7", "校验位错的一行", "", "已授权", "河南科技大学"]]
    )
    response = client.post(
        reverse("ipbase:import", args=[ip.alliance.pk]),
        {"kind": "patents", "year": "2023", "file": _upload(content)},
    )
    job = Job.objects.get(owner=ip.applicant, kind=JOB_KIND)
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert Patent.objects.count() == 0 and PatentReport.objects.count() == 0
    rows = _result(client, job)
    assert [r[0] for r in rows[1:]] == [2, 3, 4]
    assert rows[1][2] == rows[2][2] == "未导入（其他行有误，整个文件未导入）"
    assert rows[3][:3] == (4, "ZL202010123456.7", "有误，未导入") and "校验位应为 2" in rows[3][3]
    # the job's progress bar moved with the rows checked
    assert [p for p, _m in seen] == sorted(p for p, _m in seen) and seen[0] == (
        5,
        "正在读取工作簿…",
    )
    assert (50, "已检查 3 / 3 行") in seen
    assert _uploads(storage) == []


def test_a_double_post_starts_one_job_and_the_job_checks_the_uploader_again(
    client, login, ip, storage, monkeypatch
):
    from lianmeng.alliances.models import Alliance
    from lianmeng.jobs import runner
    from lianmeng.jobs.services import job_run

    sent: list[int] = []
    monkeypatch.setattr(runner, "send", sent.append)  # the job waits in the queue
    login(ip.applicant)
    url = reverse("ipbase:import", args=[ip.alliance.pk])
    content = _workbook(HEADER, GOOD)
    for _ in range(2):
        response = client.post(url, {"kind": "patents", "year": "2023", "file": _upload(content)})
        assert response.status_code == 302
    job = Job.objects.get(owner=ip.applicant, kind=JOB_KIND)
    assert sent == [job.pk] and len(_uploads(storage)) == 1
    # the alliance is dissolved before the job runs: the job checks again, imports nothing
    Alliance.objects.filter(pk=ip.alliance.pk).update(status="dissolved")
    job_run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "撤销或解散" in job.error
    assert Patent.objects.count() == 0 and _uploads(storage) == []
