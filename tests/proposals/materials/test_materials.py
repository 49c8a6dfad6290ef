"""申报材料附件：按内容识别类型、大小上限、存放与受权限保护的下载。"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from lianmeng.core.errors import PermissionDenied, ValidationFailed
from lianmeng.core.models import AuditEntry
from lianmeng.proposals import materials
from lianmeng.proposals.checks import proposal_eligibility
from lianmeng.proposals.models import Material, Proposal

from .conftest import docx_bytes, ofd_bytes, pdf_bytes, png_bytes, uploaded, zip_bytes

pytestmark = pytest.mark.django_db


def _finding(proposal, rule: str) -> dict:
    result = proposal_eligibility(Proposal.objects.get(pk=proposal.pk))
    return next(f for f in result["findings"] if f["rule"] == rule)


def test_a_real_pdf_is_stored_with_a_random_name_and_listed_in_the_document(
    henan_draft, lead_staff, media_root
):
    content = pdf_bytes()
    material = materials.material_upload(
        actor=lead_staff(henan_draft),
        pk=henan_draft.pk,
        kind="proposal_form",
        file=uploaded(content, "建议书（盖章）.pdf"),
    )
    assert material.title == "河南省产业技术创新战略联盟构建建议书"
    assert material.content_type == "application/pdf"
    assert material.sha256 == hashlib.sha256(content).hexdigest()
    stored = Path(media_root) / material.file.name
    assert stored.read_bytes() == content
    assert "建议书" not in material.file.name and material.file.name.endswith(".pdf")
    saved = Proposal.objects.get(pk=henan_draft.pk)
    assert saved.document["materials"] == [
        {
            "kind": "proposal_form",
            "title": "河南省产业技术创新战略联盟构建建议书",
            "file": "建议书（盖章）.pdf",
            "sha256": material.sha256,
        }
    ]
    assert AuditEntry.objects.filter(action="lianmeng.proposal.material.uploaded").count() == 1


def test_every_required_kind_uploaded_makes_materials_complete_pass(henan_draft, lead_staff):
    user = lead_staff(henan_draft)
    assert _finding(henan_draft, "materials.complete")["status"] == "fail"
    files = {
        "proposal_form": (pdf_bytes("a"), "建议书.pdf"),
        "feasibility_report": (docx_bytes(), "可行性研究报告.docx"),
        "recommendation_form": (png_bytes(), "推荐表.png"),
        "agreement": (ofd_bytes(), "协议书.ofd"),
    }
    for kind, (content, name) in files.items():
        materials.material_upload(
            actor=user, pk=henan_draft.pk, kind=kind, file=uploaded(content, name)
        )
    assert _finding(henan_draft, "materials.complete")["status"] == "pass"
    # and removing one fails it again, the document following the rows
    agreement = Material.objects.get(proposal=henan_draft, kind="agreement")
    materials.material_remove(actor=user, pk=henan_draft.pk, mid=agreement.pk)
    assert _finding(henan_draft, "materials.complete")["status"] == "fail"
    agreement.refresh_from_db()
    assert agreement.removed_at is not None


@pytest.mark.parametrize(
    ("content", "name", "actually"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "x.pdf", "网页（HTML）"),
        (zip_bytes(), "x.pdf", "ZIP 压缩包"),
        (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
            "x.pdf",
            "可执行程序（EXE）",
        ),
        (png_bytes(), "x.pdf", "PNG 图片"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(
    henan_draft, lead_staff, content, name, actually
):
    with pytest.raises(ValidationFailed) as refused:
        materials.material_upload(
            actor=lead_staff(henan_draft),
            pk=henan_draft.pk,
            kind="proposal_form",
            file=uploaded(content, name),
        )
    assert refused.value.message.startswith("文件内容不是 PDF，请上传真实的 PDF 文件")
    assert actually in refused.value.message
    assert not Material.objects.exists()


def test_a_zip_named_docx_and_unknown_types_are_refused(henan_draft, lead_staff):
    user = lead_staff(henan_draft)
    with pytest.raises(ValidationFailed, match="文件内容不是 Word 文档"):
        materials.material_upload(
            actor=user, pk=henan_draft.pk, kind="other", file=uploaded(zip_bytes(), "a.docx")
        )
    with pytest.raises(ValidationFailed, match=r"不接受 \.exe 文件"):
        materials.material_upload(
            actor=user, pk=henan_draft.pk, kind="other", file=uploaded(b"MZ" + b"\0" * 80, "a.exe")
        )
    with pytest.raises(ValidationFailed, match="空的"):
        materials.material_upload(
            actor=user, pk=henan_draft.pk, kind="other", file=uploaded(b"", "a.pdf")
        )


def test_an_oversized_file_is_refused_with_the_limit(henan_draft, lead_staff, settings):
    settings.LIANMENG_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationFailed) as refused:
        materials.material_upload(
            actor=lead_staff(henan_draft),
            pk=henan_draft.pk,
            kind="proposal_form",
            file=uploaded(pdf_bytes("x" * 2000), "big.pdf"),
        )
    assert "大小为 2.1 KB，超过上限（1000 字节）" in refused.value.message


def test_the_same_file_twice_is_refused_and_locked_proposals_take_nothing(henan_draft, lead_staff):
    user = lead_staff(henan_draft)
    materials.material_upload(
        actor=user, pk=henan_draft.pk, kind="other", file=uploaded(pdf_bytes(), "a.pdf")
    )
    with pytest.raises(ValidationFailed, match="同一文件已上传"):
        materials.material_upload(
            actor=user, pk=henan_draft.pk, kind="other", file=uploaded(pdf_bytes(), "b.pdf")
        )
    Proposal.objects.filter(pk=henan_draft.pk).update(status=Proposal.Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        materials.material_upload(
            actor=user, pk=henan_draft.pk, kind="other", file=uploaded(pdf_bytes("c"), "c.pdf")
        )


def _upload(henan_draft, user) -> Material:
    return materials.material_upload(
        actor=user,
        pk=henan_draft.pk,
        kind="proposal_form",
        file=uploaded(pdf_bytes(), "建议书.pdf"),
    )


def test_download_is_an_attachment_with_the_checked_type(henan_draft, lead_staff, client):
    user = lead_staff(henan_draft)
    material = _upload(henan_draft, user)
    client.force_login(user)
    response = client.get(f"/proposals/{henan_draft.pk}/materials/{material.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_a_file_of_another_areas_proposal_is_not_found(
    henan_draft, lead_staff, make_user, make_unit, client
):
    material = _upload(henan_draft, lead_staff(henan_draft))
    url = f"/proposals/{henan_draft.pk}/materials/{material.pk}/"
    Proposal.objects.filter(pk=henan_draft.pk).update(status=Proposal.Status.SUBMITTED)
    for user in (
        make_user(["applicant"], unit=make_unit("410305")),  # another unit
        make_user(["recommender"], jurisdiction="230000"),  # another province's staff
        make_user(["recommender"], jurisdiction="410300"),  # Luoyang: the lead is in Zhengzhou
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(make_user(["competent"], jurisdiction="410000"))
    assert client.get(url).status_code == 200
    # a draft is not shown to department staff at all
    Proposal.objects.filter(pk=henan_draft.pk).update(status=Proposal.Status.DRAFT)
    assert client.get(url).status_code == 404


def test_a_removed_file_is_no_longer_served(henan_draft, lead_staff, client):
    user = lead_staff(henan_draft)
    material = _upload(henan_draft, user)
    client.force_login(user)
    client.post(f"/proposals/{henan_draft.pk}/edit/materials/{material.pk}/remove/")
    assert client.get(f"/proposals/{henan_draft.pk}/materials/{material.pk}/").status_code == 404
    assert Proposal.objects.get(pk=henan_draft.pk).document["materials"] == []


def test_no_url_serves_the_media_directory(henan_draft, lead_staff, client, settings):
    material = _upload(henan_draft, lead_staff(henan_draft))
    stored = material.file.name
    for path in (f"/{stored}", f"/files/{stored}", f"/media/{stored}", f"/static/{stored}"):
        assert client.get(path).status_code == 404
        if not path.startswith("/static/"):
            with pytest.raises(Resolver404):
                resolve(path)
    assert not settings.MEDIA_URL or settings.MEDIA_URL == "/"  # never routed
    assert str(settings.MEDIA_ROOT) not in [str(p) for _, p in settings.STATICFILES_DIRS]


def test_materials_page_uploads_and_explains_refusals(henan_draft, lead_staff, client):
    client.force_login(lead_staff(henan_draft))
    url = f"/proposals/{henan_draft.pk}/edit/materials/"
    page = client.get(url).content.decode()
    assert "河南省产业技术创新战略联盟构建可行性研究报告" in page and "未上传" in page
    response = client.post(
        url, {"kind": "proposal_form", "file": uploaded(b"<html>hi</html>", "x.pdf")}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "文件内容不是 PDF，请上传真实的 PDF 文件" in page
    assert 'id="f-proposal_form" name="file"' in page and "autofocus" in page
    response = client.post(
        url, {"kind": "proposal_form", "file": uploaded(pdf_bytes(), "建议书.pdf")}, follow=True
    )
    page = response.content.decode()
    assert "已上传“建议书.pdf”" in page
    assert f"/proposals/{henan_draft.pk}/materials/" in page


def test_api_upload_list_download_delete(henan_draft, lead_staff, token_for, client):
    from tests.api.conftest import assert_error, bearer

    headers = bearer(token_for(lead_staff(henan_draft)))
    base = f"/api/v1/proposals/{henan_draft.pk}/materials"
    refused = client.post(
        base, {"kind": "agreement", "file": uploaded(zip_bytes(), "协议书.pdf")}, headers=headers
    )
    assert "文件内容不是 PDF" in assert_error(refused, 422)["message"]
    created = client.post(
        base, {"kind": "agreement", "file": uploaded(pdf_bytes(), "协议书.pdf")}, headers=headers
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["content_type"] == "application/pdf"
    assert [m["id"] for m in client.get(base, headers=headers).json()] == [item["id"]]
    download = client.get(item["download"], headers=headers)
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert client.delete(f"{base}/{item['id']}", headers=headers).status_code == 204
    assert client.get(base, headers=headers).json() == []
