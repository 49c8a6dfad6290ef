"""The patent and standard exports as background jobs once they are large (issue 17)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lianmeng.jobs.models import Job
from tests.ipbase.conftest import P1


@pytest.fixture
def base(ip, report_patent, report_standard):
    report_patent(ip.applicant, ip.alliance, holders=[ip.lead.uscc, ip.university.uscc])
    report_standard(ip.applicant, ip.alliance)
    return ip


def test_a_large_patent_export_is_a_job(client, base, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.LIANMENG_JOBS_DIRECT_ROWS = 0
    client.force_login(base.department)
    response = client.get(reverse("ipbase:patents_xlsx"), {"q": "耐火"})
    job = Job.objects.get(owner=base.department, kind="ipbase.patents_xlsx")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    download = client.get(f"/jobs/{job.pk}/download")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [P1]
    response = client.get(reverse("ipbase:standards_xlsx"))
    job = Job.objects.get(owner=base.department, kind="ipbase.standards_xlsx")
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get(f"/jobs/{job.pk}/download").streaming_content))
    ).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["GB/T 12345-2020"]
