"""`lianmeng backup` / `lianmeng restore`: a round trip of the demo database, its files and
the secret key keeps every value exact (the audit chain stays intact), on the engine the
suite runs with (SQLite, and PostgreSQL under `make test`)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from lianmeng.cli import main as cli_main
from lianmeng.core.audit import audit_verify
from lianmeng.core.backup import table_counts
from lianmeng.core.models import AuditEntry, Unit

pytestmark = pytest.mark.usefixtures("transactional_db")  # pg_dump sees committed rows only


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "files"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _only_archive(folder: Path) -> Path:
    (archive,) = folder.glob("lianmeng-backup-*.tar.gz")
    return archive


def test_round_trip_of_the_demo_database(media, tmp_path, capsys):
    from lianmeng.demo import load_demo
    from lianmeng.proposals.models import Proposal, ProposalVersion

    list(load_demo())
    counts = table_counts()
    files = _files(media)
    assert files and counts["core_auditentry"] > 0
    proposal = Proposal.objects.order_by("id").first()
    name, document = proposal.name, proposal.document
    chain = list(AuditEntry.objects.order_by("id").values_list("id", "at", "hash"))

    assert cli_main(["backup", str(tmp_path / "backups")]) == 0
    out = capsys.readouterr().out
    assert "已备份到" in out and "请加密保存" in out
    archive = _only_archive(tmp_path / "backups")
    assert archive.stat().st_mode & 0o077 == 0  # holds the secret key: owner only
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["counts"] == counts and manifest["files"] == len(files)
    assert {"secret_key", manifest["database"]} <= set(manifest["parts"])

    # the day after: rows changed and added, a file lost
    Proposal.objects.filter(pk=proposal.pk).update(name="改坏的名称", document={})
    ProposalVersion.objects.filter(pk=ProposalVersion.objects.first().pk).update(document={})
    from lianmeng.core.services import unit_create
    from tests.conftest import make_uscc

    unit_create(actor=None, name="备份之后的单位", kind="enterprise", uscc=make_uscc("410305"))
    lost = sorted(files)[0]
    (media / lost).unlink()

    # a target with data is refused unless forced
    assert cli_main(["restore", str(archive)]) == 2
    assert "--force" in capsys.readouterr().err
    assert Unit.objects.filter(name="备份之后的单位").exists()

    assert cli_main(["restore", str(archive), "--force"]) == 0
    assert "审计链完整" in capsys.readouterr().out
    proposal.refresh_from_db()
    assert (proposal.name, proposal.document) == (name, document)
    assert not Unit.objects.filter(name="备份之后的单位").exists()
    assert _files(media) == files
    assert table_counts() == counts
    assert list(AuditEntry.objects.order_by("id").values_list("id", "at", "hash")) == chain
    assert audit_verify().intact
    assert cli_main(["audit", "verify"]) == 0  # the chain and every sealed version
    assert "业务数据与审计记录相符" in capsys.readouterr().out


def _small_backup(media, tmp_path, make_unit) -> Path:
    make_unit("410305")
    (media / "materials").mkdir()
    (media / "materials" / "a.pdf").write_bytes(b"%PDF-1.7 attachment")
    assert cli_main(["backup", str(tmp_path / "one.tar.gz")]) == 0
    return tmp_path / "one.tar.gz"


def _rewrite(archive: Path, target: Path, change) -> Path:  # noqa: ANN001
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


@pytest.mark.parametrize("part", ["database", "files/materials/a.pdf", "secret_key"])
def test_a_damaged_archive_is_refused_and_nothing_is_touched(
    media, tmp_path, make_unit, capsys, part
):
    archive = _small_backup(media, tmp_path, make_unit)

    def flip(name: str, data: bytes) -> bytes:
        if name.startswith(part):
            middle = len(data) // 2
            return data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]
        return data

    damaged = _rewrite(archive, tmp_path / "damaged.tar.gz", flip)
    make_unit("130602")
    before = Unit.objects.count()
    assert cli_main(["restore", str(damaged), "--force"]) == 2
    err = capsys.readouterr().err
    assert "备份文件已损坏" in err and "SHA-256 与清单不符" in err
    assert Unit.objects.count() == before
    assert (media / "materials" / "a.pdf").read_bytes() == b"%PDF-1.7 attachment"


def test_a_truncated_or_foreign_file_is_refused(media, tmp_path, make_unit, capsys):
    archive = _small_backup(media, tmp_path, make_unit)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[:-200])
    assert cli_main(["restore", str(cut), "--force"]) == 2
    assert "备份文件已损坏" in capsys.readouterr().err
    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("notes.txt"), io.BytesIO(b""))
    assert cli_main(["restore", str(foreign), "--force"]) == 2
    assert "manifest" in capsys.readouterr().err
    assert cli_main(["restore", str(tmp_path / "missing.tar.gz")]) == 2
    assert "找不到备份文件" in capsys.readouterr().err


def test_backup_never_overwrites_and_names_a_missing_folder(media, tmp_path, make_unit, capsys):
    archive = _small_backup(media, tmp_path, make_unit)
    assert cli_main(["backup", str(archive)]) == 2
    assert "已存在" in capsys.readouterr().err
    assert cli_main(["backup", str(tmp_path / "nowhere" / "b.tar.gz")]) == 2
    assert "不存在" in capsys.readouterr().err


def test_without_pg_dump_the_portable_dump_keeps_every_value(media, tmp_path, monkeypatch, capsys):
    """A machine without the PostgreSQL client tools (and SQLite, forced here) still gets an
    exact copy: typed rows, datetimes with their microseconds, the audit chain intact."""
    from lianmeng.core import backup as backup_module
    from lianmeng.demo import load_demo

    list(load_demo())
    counts = table_counts()
    chain = list(AuditEntry.objects.order_by("id").values_list("id", "at", "hash", "summary"))
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    monkeypatch.setitem(backup_module.DB_PART, "sqlite", backup_module.PORTABLE)
    assert cli_main(["backup", str(tmp_path / "out")]) == 0
    archive = _only_archive(tmp_path / "out")
    with tarfile.open(archive) as tar:
        assert json.load(tar.extractfile("manifest.json"))["database"] == "database.jsonl.gz"
    Unit.objects.filter(pk=Unit.objects.order_by("id").first().pk).update(name="改坏的单位")
    assert cli_main(["restore", str(archive), "--force"]) == 0
    capsys.readouterr()
    assert table_counts() == counts
    assert (
        list(AuditEntry.objects.order_by("id").values_list("id", "at", "hash", "summary")) == chain
    )
    assert not Unit.objects.filter(name="改坏的单位").exists()
    assert cli_main(["audit", "verify"]) == 0
    from lianmeng.core.services import unit_create
    from tests.conftest import make_uscc

    # sequences continue after the restored rows; the audit table is append-only again
    unit_create(actor=None, name="恢复之后的单位", kind="enterprise", uscc=make_uscc("410305"))
    assert audit_verify().intact
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=chain[0][0]).update(action="x")
