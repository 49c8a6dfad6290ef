"""The proposal list export as a background job once it is large (issue 17): the job sees
exactly what its owner's page lists."""

from __future__ import annotations

import io

import openpyxl

from lianmeng.jobs.models import Job


def test_a_large_proposal_export_is_a_job_with_the_owners_rows(
    client, make_user, make_unit, make_proposal, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.LIANMENG_JOBS_DIRECT_ROWS = 0
    make_proposal(make_unit("410305"), name="涧西区轴承产业技术创新战略联盟")
    make_proposal(make_unit("410305"), name="涧西区耐火材料产业技术创新战略联盟")
    make_proposal(make_unit("410311"), name="洛龙区轴承产业技术创新战略联盟")  # not his
    county = make_user(["recommender"], jurisdiction="410305")
    login(county)
    response = client.get("/proposals/export.xlsx", {"q": "轴承"})
    job = Job.objects.get(owner=county, kind="web.proposal_list_xlsx")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    download = client.get(f"/jobs/{job.pk}/download")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "涧西区轴承产业技术创新战略联盟"
    ]
    # another user of the same area cannot open it
    client.force_login(make_user(["recommender"], jurisdiction="410305"))
    assert client.get(f"/jobs/{job.pk}/download").status_code == 404
