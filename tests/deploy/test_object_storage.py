"""Uploaded files on an S3-compatible object store (LIANMENG_S3_*), spoken to over HTTP on a
loopback port (moto's server): an attachment uploaded through the service lands in the
bucket, private, and comes back only through the permission-checked download view."""

from __future__ import annotations

import json
import tarfile

import pytest
from django.core.files.storage import default_storage

from lianmeng.proposals import materials

from .conftest import BUCKET, pdf_bytes, s3_storages, settings_from_env, uploaded

pytestmark = pytest.mark.django_db

PUBLIC_GROUPS = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def test_without_a_bucket_files_stay_on_local_disk():
    storages = settings_from_env({}, "STORAGES")["STORAGES"]
    assert storages["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_the_variables_configure_a_private_s3_storage(s3_endpoint):
    options = s3_storages(s3_endpoint, "/lianmeng/")["default"]["OPTIONS"]
    assert options["bucket_name"] == BUCKET
    assert options["endpoint_url"] == s3_endpoint
    assert options["location"] == "lianmeng"  # no leading or trailing slash
    assert options["default_acl"] is None  # no ACL header: the bucket's private default
    assert options["file_overwrite"] is False  # a second PDF of the same name does not replace


def test_an_attachment_goes_to_the_bucket_and_back_through_the_download_view(
    s3_storage, henan_draft, lead_staff, client, settings, tmp_path
):
    s3, prefix = s3_storage
    settings.MEDIA_ROOT = tmp_path / "files"
    user = lead_staff(henan_draft)
    content = pdf_bytes("stored in the object store")
    material = materials.material_upload(
        actor=user, pk=henan_draft.pk, kind="proposal_form", file=uploaded(content, "建议书.pdf")
    )
    assert type(default_storage._wrapped).__name__ == "S3Storage"

    key = f"{prefix}/{material.file.name}"
    stored = s3.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == content
    grants = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert not [g for g in grants if g["Grantee"].get("URI") in PUBLIC_GROUPS]
    assert not (tmp_path / "files").exists()  # nothing written to the local disk

    client.force_login(user)
    response = client.get(f"/proposals/{henan_draft.pk}/materials/{material.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == content
    # the page never links to the store itself
    page = client.get(f"/proposals/{henan_draft.pk}/").content.decode()
    assert BUCKET not in page and "X-Amz-Signature" not in page

    # withdrawn while editable: no longer served, though the object stays for the audit trail
    materials.material_remove(actor=user, pk=henan_draft.pk, mid=material.pk)
    assert client.get(f"/proposals/{henan_draft.pk}/materials/{material.pk}/").status_code == 404


def test_the_same_name_twice_keeps_both_files(s3_storage):
    from django.core.files.base import ContentFile

    s3, prefix = s3_storage
    first = default_storage.save("versions/proposal-1-v1.pdf", ContentFile(b"first"))
    second = default_storage.save("versions/proposal-1-v1.pdf", ContentFile(b"second"))
    assert first != second
    assert s3.get_object(Bucket=BUCKET, Key=f"{prefix}/{first}")["Body"].read() == b"first"
    assert s3.get_object(Bucket=BUCKET, Key=f"{prefix}/{second}")["Body"].read() == b"second"


@pytest.mark.usefixtures("transactional_db")
def test_a_backup_says_the_files_are_in_the_object_store(s3_storage, tmp_path, capsys):
    from lianmeng.cli import main as cli_main

    s3, prefix = s3_storage
    default_storage.save("materials/kept-in-the-store.pdf", _content(b"%PDF-1.4 kept"))
    assert cli_main(["backup", str(tmp_path / "backups")]) == 0
    out = capsys.readouterr().out
    assert f"上传文件在对象存储 s3://{BUCKET}/{prefix}/，不在备份中" in out
    (archive,) = (tmp_path / "backups").glob("lianmeng-backup-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["files"] == 0 and manifest["files_elsewhere"] == f"s3://{BUCKET}/{prefix}/"
    assert not [n for n in names if n.startswith("files/")]


def _content(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)
