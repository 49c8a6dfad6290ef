"""Large list exports become background jobs (issue 17): the registry export as the province
goes to the job's progress page and its owner downloads a workbook that opens; a small export
(up to LIANMENG_JOBS_DIRECT_ROWS rows) and a visitor's still download at once."""

from __future__ import annotations

import io

import openpyxl
import pytest

from lianmeng.core.roles import Role
from lianmeng.jobs.models import Job
from tests.alliances.test_registry import _alliance


def _xlsx(response):
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(body)).active


@pytest.fixture
def registry(db, make_unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    _alliance(make_unit, name="洛阳轴承产业技术创新战略联盟")
    _alliance(make_unit, name="洛阳耐火材料产业技术创新战略联盟")


def test_a_large_registry_export_is_a_job_the_province_downloads(
    client, make_user, registry, settings
):
    settings.LIANMENG_JOBS_DIRECT_ROWS = 1  # two rows: "large"
    province = make_user([Role.COMPETENT], jurisdiction="410000")
    client.force_login(province)
    response = client.get("/registry/export.xlsx", {"q": "洛阳", "page": "2"})
    job = Job.objects.get(owner=province)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == "alliances.registry_xlsx" and job.parameters == {
        "query": "q=%E6%B4%9B%E9%98%B3"
    }
    page = client.get(response["Location"]).content.decode()
    assert "导出联盟名录（XLSX）" in page and "联盟名录.xlsx" in page
    sheet = _xlsx(client.get(f"/jobs/{job.pk}/download"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "联盟名称"
    assert sorted(r[0] for r in rows[1:]) == [
        "洛阳耐火材料产业技术创新战略联盟",
        "洛阳轴承产业技术创新战略联盟",
    ]
    # the same export again while the first is still queued would be the same job; once it
    # is done, a new click makes a new one
    client.get("/registry/export.xlsx", {"q": "洛阳"})
    assert Job.objects.filter(owner=province).count() == 2


def test_a_small_registry_export_and_a_visitors_download_at_once(client, make_user, registry):
    sheet = _xlsx(client.get("/registry/export.xlsx"))  # a visitor
    assert sheet.max_row == 3
    client.force_login(make_user([Role.COMPETENT], jurisdiction="410000"))
    sheet = _xlsx(client.get("/registry/export.xlsx"))  # 2 rows ≤ 2,000
    assert sheet.max_row == 3
    assert not Job.objects.exists()
