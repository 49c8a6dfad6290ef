"""The roster through the REST API."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.api.conftest import assert_error, bearer

from .xlsx_fixtures import make_uscc, roster_xlsx_with_bad_rows

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def token(token_for, lead_staff):
    return lambda proposal: bearer(token_for(lead_staff(proposal)))


def test_list_add_update_delete(henan_draft, token, client):
    headers = token(henan_draft)
    base = f"{API}/proposals/{henan_draft.pk}/members"
    listed = client.get(base, headers=headers).json()
    assert len(listed) == 11
    assert listed[0]["index"] == 0 and listed[0]["member"]["role"] == "lead"
    assert listed[0]["region_name"] == "河南省 郑州市 荥阳市"

    code = make_uscc("410305", 84_001)
    created = client.post(
        base,
        {"name": "洛阳接口公司", "kind": "企业", "uscc": code, "chain_position": "下游"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["index"] == 11 and body["member"]["chain_position"] == "downstream"
    assert body["region_name"] == "河南省 洛阳市 涧西区"

    revision = int(client.get(base, headers=headers)["X-Revision"])
    updated = client.put(
        f"{base}/11?revision={revision}",
        {"name": "洛阳接口有限公司", "kind": "enterprise", "uscc": code},
        content_type="application/json",
        headers=headers,
    )
    assert updated.status_code == 200 and updated.json()["member"]["name"] == "洛阳接口有限公司"

    duplicate = client.post(
        base, {"name": "重复", "kind": "enterprise", "uscc": code},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    body = assert_error(duplicate, 422, "validation_failed")
    assert "重复" in body["details"]["fields"]["uscc"]

    revision = int(client.get(base, headers=headers)["X-Revision"])
    assert client.delete(f"{base}/11?revision={revision}", headers=headers).status_code == 204
    assert_error(
        client.delete(f"{base}/0?revision={revision + 1}", headers=headers),
        403,
        "permission_denied",
    )
    assert len(client.get(base, headers=headers).json()) == 11


def test_import_export_and_template(small_draft, token, client):
    proposal = small_draft()
    headers = token(proposal)
    base = f"{API}/proposals/{proposal.pk}/members"
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = client.post(
        f"{base}/import",
        {"file": SimpleUploadedFile("名单.xlsx", roster_xlsx_with_bad_rows())},
        headers=headers,
    )
    assert report.status_code == 200, report.content
    body = report.json()
    assert body["added"] == 10
    assert [e["row"] for e in body["errors"]] == [6, 9]

    exported = client.get(f"{base}/export", headers=headers)
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content))["成员单位名单"]
    assert sheet.cell(row=12, column=2).value  # lead + 10 rows below the header

    template = client.get(f"{API}/profiles/henan/roster-template")  # public
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert_error(client.get(f"{API}/profiles/nowhere/roster-template"), 404)


def test_other_callers_get_not_found(henan_draft, token_for, make_user, make_unit, client):
    stranger = bearer(token_for(make_user(["applicant"], unit=make_unit("410305"))))
    assert_error(client.get(f"{API}/proposals/{henan_draft.pk}/members", headers=stranger), 404)
    assert_error(
        client.post(
            f"{API}/proposals/{henan_draft.pk}/members",
            {"name": "x", "kind": "enterprise", "uscc": make_uscc("410305", 84_010)},
            content_type="application/json",
            headers=stranger,
        ),
        404,
    )
