"""`lianmeng backup` / `lianmeng restore`: the database, the uploaded files and the secret
key in one tar.gz archive with a manifest (version, engine, row counts, SHA-256 of every
part).

The database is copied by the engine's own means, so every value comes back exactly (a
``dumpdata``/``loaddata`` round trip loses the microseconds of timestamps and with them
the audit chain): SQLite through the sqlite3 online backup API, PostgreSQL through
``pg_dump --format=custom`` / ``pg_restore`` (or, with no ``pg_dump`` on the machine, every
model's rows as typed JSON lines with exact datetimes). Restore checks every hash before it touches
anything, refuses a non-empty target unless forced, and afterwards compares the row
counts with the manifest.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump / pg_restore, arguments never from a shell
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import date as date_type
from datetime import time as time_type
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, transaction
from django.db import models as dj_models

FORMAT = 1
MANIFEST = "manifest.json"
SECRET = "secret_key"  # noqa: S105 - the archive member's name, not a key
FILES = "files"
DB_PART = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: PostgreSQL without pg_dump on the machine: every model's rows as typed JSON lines
PORTABLE = "database.jsonl.gz"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Chinese)."""


@dataclass
class BackupResult:
    path: Path
    size: int
    seconds: float
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    seconds: float
    counts_differ: dict[str, tuple[int, int]] = field(default_factory=dict)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("lianmeng")
    except Exception:  # noqa: BLE001 - running from a source tree without metadata
        return "0"


def table_counts() -> dict[str, int]:
    """Rows in every table the models know (audit, business, sessions, auth …)."""
    counts: dict[str, int] = {}
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in existing and table not in counts and model._meta.managed:
                # the table name comes from model metadata and is quoted
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608
                counts[table] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def _migrations() -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def files_elsewhere() -> str | None:
    """Where the uploaded files are when they are not under MEDIA_ROOT (an S3-compatible object
    store, LIANMENG_S3_BUCKET): such files are not put in the archive nor replaced by a restore;
    the store's own versioning and replication keep them (docs/operations.md)."""
    from django.core.files.storage import FileSystemStorage, storages

    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return None
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        location = str(getattr(storage, "location", "") or "").strip("/")
        return f"s3://{bucket}/{location + '/' if location else ''}"
    return type(storage).__name__


def _secret_path() -> Path:
    return Path(settings.DATA_DIR) / SECRET if hasattr(settings, "DATA_DIR") else Path(SECRET)


# ----------------------------------------------------------------- database, per engine


def _pg_env_args(alias: str = "default") -> tuple[list[str], dict[str, str]]:
    conf = connections[alias].settings_dict
    args = []
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = {**os.environ}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    args += ["--no-password", "--dbname", str(conf["NAME"])]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 PostgreSQL 客户端程序 {name}：请安装与数据库服务器同版本的 postgresql-client"
            f"（Debian：apt-get install postgresql-client）后重试。"
        )
    return path


def _run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{Path(argv[0]).name} 失败：{detail[-1] if detail else done.returncode}")


# -------------------------------------------- portable dump (PostgreSQL without pg_dump)


def _encode(value: Any) -> Any:
    """A column value as JSON, exactly: datetimes keep their microseconds and offset."""
    if isinstance(value, datetime | date_type | time_type):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(model_field: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(model_field, dj_models.JSONField):
        return value
    if isinstance(model_field, dj_models.BinaryField):
        return base64.b64decode(value)
    return model_field.to_python(value)


def _models() -> list[Any]:
    seen: set[str] = set()
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table not in seen:
            seen.add(meta.db_table)
            found.append(model)
    return found


def _portable_dump(target: Path) -> None:
    with transaction.atomic(), gzip.open(target, "wt", encoding="utf-8") as out:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # one snapshot for every table
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for model in _models():
            names = [f.attname for f in model._meta.concrete_fields]
            out.write(json.dumps({"table": model._meta.db_table, "columns": names}) + "\n")
            rows = model._base_manager.order_by("pk").values_list(*names)
            for row in rows.iterator(chunk_size=2000):
                out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False) + "\n")


def _portable_load(source: Path) -> None:
    from django.core.management.color import no_style

    from . import triggers

    by_table = {m._meta.db_table: m for m in _models()}
    with transaction.atomic():
        triggers.remove(connection)
        tables = [connection.ops.quote_name(t) for t in by_table]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
            else:
                for table in tables:  # names from model metadata, quoted above
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608  # nosec B608
        model, fields, batch = None, [], []

        def flush() -> None:
            if model is not None and batch:
                model._base_manager._insert(batch, fields=fields, raw=True)
            batch.clear()

        with gzip.open(source, "rt", encoding="utf-8") as lines:
            for line in lines:
                item = json.loads(line)
                if isinstance(item, dict):
                    flush()
                    model = by_table.get(item["table"])
                    if model is None:
                        raise BackupError(
                            f"备份中的表 {item['table']} 本程序不认识：请先升级程序。"
                        )
                    fields = [model._meta.get_field(_field_name(model, c)) for c in item["columns"]]
                    continue
                obj = model.__new__(model)
                obj._state = dj_models.base.ModelState()
                for column, value in zip(fields, item, strict=True):
                    setattr(obj, column.attname, _decode(column, value))
                batch.append(obj)
                if len(batch) >= 500:
                    flush()
            flush()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(by_table.values())):
                cursor.execute(sql)
        triggers.install(connection)


def _field_name(model: Any, attname: str) -> str:
    for column in model._meta.concrete_fields:
        if column.attname == attname:
            return column.name
    raise BackupError(f"备份中的列 {model._meta.db_table}.{attname} 本程序不认识：请先升级程序。")


def _dump_database(target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env_args()
        _run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *args,
            ],
            env,
        )
    else:
        raise BackupError(f"不支持备份 {connection.vendor} 数据库（支持 SQLite 与 PostgreSQL）。")


def _load_database(source: Path) -> None:
    if source.name == PORTABLE:
        _portable_load(source)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env_args()
        connection.close()  # pg_restore drops the tables: hold no lock on them
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *args,
                str(source),
            ],
            env,
        )
    else:
        raise BackupError(f"不支持恢复到 {connection.vendor} 数据库（支持 SQLite 与 PostgreSQL）。")


# ----------------------------------------------------------------------------- backup


def _archive_path(destination: Path, now: datetime) -> Path:
    """A directory (existing, or any name not ending in .tar.gz): a dated file in it."""
    if destination.is_dir() or not destination.name.endswith((".tar.gz", ".tgz")):
        destination.mkdir(parents=True, exist_ok=True)
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return destination / f"lianmeng-backup-{stamp}.tar.gz"
    if not destination.parent.exists():
        raise BackupError(f"目录 {destination.parent} 不存在：请先建立，或给出已有的目录。")
    return destination


def backup(destination: Path) -> BackupResult:
    """Write one archive into ``destination`` (a directory: a dated file name is chosen)."""
    started = time.monotonic()
    now = datetime.now(UTC)
    out = _archive_path(Path(destination), now)
    if out.exists():
        raise BackupError(f"文件 {out} 已存在：请换一个文件名，不会覆盖已有备份。")
    db_name = DB_PART.get(connection.vendor)
    if db_name is None:
        raise BackupError(f"不支持备份 {connection.vendor} 数据库（支持 SQLite 与 PostgreSQL）。")
    if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
        db_name = PORTABLE  # no client tools on this machine: typed rows, values exact
    with tempfile.TemporaryDirectory(prefix="lianmeng-backup-") as tmp:
        db_file = Path(tmp) / db_name
        if db_name == PORTABLE:
            _portable_dump(db_file)
        else:
            _dump_database(db_file)
        counts = table_counts()
        parts: dict[str, str] = {db_name: _sha256_file(db_file)}
        media = _media_root()
        elsewhere = files_elsewhere()
        files = (
            sorted(p for p in media.rglob("*") if p.is_file())
            if media.is_dir() and elsewhere is None
            else []
        )
        for path in files:
            parts[str(PurePosixPath(FILES, *path.relative_to(media).parts))] = _sha256_file(path)
        secret = settings.SECRET_KEY.encode("utf-8")
        parts[SECRET] = hashlib.sha256(secret).hexdigest()
        manifest = {
            "format": FORMAT,
            "application": "lianmeng",
            "version": _version(),
            "created_at": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "engine": connection.vendor,
            "database": db_name,
            "counts": counts,
            "files": len(files),
            **({"files_elsewhere": elsewhere} if elsewhere else {}),
            "migrations": _migrations(),
            "parts": parts,
        }
        partial = out.with_name(out.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds the key
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                _add_bytes(
                    tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                )
                tar.add(db_file, arcname=db_name, recursive=False)
                _add_bytes(tar, SECRET, secret)
                for path in files:
                    tar.add(
                        path,
                        arcname=str(PurePosixPath(FILES, *path.relative_to(media).parts)),
                        recursive=False,
                    )
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(out, out.stat().st_size, time.monotonic() - started, manifest)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


# ---------------------------------------------------------------------------- restore


def _read_archive(archive: Path, into: Path) -> dict[str, Any]:
    """Unpack into ``into`` and check it: every member a plain file listed in the manifest,
    every hash right. Raises BackupError naming what is wrong."""
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}。")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                if not member.isfile():
                    raise BackupError(f"备份文件已损坏：含有非普通文件 {member.name}。")
            tar.extractall(into, filter="data")  # refuses absolute paths and ..
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, BackupError):
            raise
        raise BackupError(f"备份文件已损坏或不是本系统的备份（{exc}）。") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        parts: dict[str, str] = manifest["parts"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError("备份文件已损坏：缺少或无法读取清单 manifest.json。") from exc
    if manifest.get("application") != "lianmeng" or manifest.get("format") != FORMAT:
        raise BackupError("这不是本系统（联盟管理平台）的备份文件，或其格式版本不受支持。")
    present = {m.name for m in members} - {MANIFEST}
    missing, extra = sorted(set(parts) - present), sorted(present - set(parts))
    if missing or extra:
        raise BackupError(
            f"备份文件已损坏：{'缺少 ' + '、'.join(missing) if missing else ''}"
            f"{'多出 ' + '、'.join(extra) if extra else ''}。"
        )
    for name, expected in sorted(parts.items()):
        if _sha256_file(into / name) != expected:
            raise BackupError(f"备份文件已损坏：{name} 的 SHA-256 与清单不符，未恢复任何内容。")
    return manifest


def target_is_empty() -> tuple[bool, str]:
    """True when the target holds no user, no audit entry and no uploaded file."""
    from .models import AuditEntry, User

    if "core_user" in connection.introspection.table_names():
        if User.objects.exists():
            return False, f"数据库中已有 {User.objects.count()} 个账号"
        if AuditEntry.objects.exists():
            return False, f"数据库中已有 {AuditEntry.objects.count()} 条审计记录"
    media = _media_root()
    if files_elsewhere() is not None:
        return True, ""  # the object store is not replaced by a restore
    if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        return False, f"文件目录 {media} 中已有文件"
    return True, ""


def _check_migrations(manifest: dict[str, Any]) -> None:
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}"
        for app, names in (manifest.get("migrations") or {}).items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"备份来自更新的程序版本（{manifest.get('version')}），本程序不认识其数据库结构"
            f"（{'、'.join(unknown[:3])}）：请先升级程序再恢复。"
        )


def _replace_files(source: Path) -> None:
    media = _media_root()
    if media.exists():
        shutil.rmtree(media)
    if source.is_dir():
        shutil.copytree(source, media)
    else:
        media.mkdir(parents=True, exist_ok=True)


def _write_secret(value: bytes) -> None:
    path = _secret_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(value)
    path.chmod(0o600)


def restore(archive: Path, *, force: bool = False) -> RestoreResult:
    """Put the archive's database, files and secret key in place of the current ones."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lianmeng-restore-") as tmp:
        work = Path(tmp)
        manifest = _read_archive(Path(archive), work)
        if manifest.get("engine") != connection.vendor:
            raise BackupError(
                f"备份来自 {manifest.get('engine')} 数据库，当前是 {connection.vendor}："
                "请恢复到同一种数据库。"
            )
        _check_migrations(manifest)
        empty, why = target_is_empty()
        if not empty and not force:
            raise BackupError(
                f"目标不是空的（{why}）：恢复会替换全部数据。确认要替换时加 --force 重试。"
            )
        _load_database(work / manifest["database"])
        if files_elsewhere() is None:
            _replace_files(work / FILES)
        _write_secret((work / SECRET).read_bytes())
    counts = table_counts()
    differ = {
        table: (expected, counts.get(table, 0))
        for table, expected in manifest["counts"].items()
        if counts.get(table, 0) != expected
    }
    return RestoreResult(manifest, time.monotonic() - started, differ)
