"""One bounded XLSX reader for every import (成员名单 …): a workbook is refused, with a message
saying what to do, before it can take the worker's memory or time.

``read_table(data, …)`` checks, in this order and before any XML is parsed:

1. the upload's size (``max_bytes``);
2. the archive's directory: at most ``max_members`` members; no absolute or ``..`` names, no
   duplicate names, no encrypted members, only stored or deflated members, no archive nested
   inside (``.zip``, ``.xlsx``, ``.gz`` …); every member's declared inflated size at most
   ``max_part_inflated`` and all of them together at most ``max_total_inflated``; a member
   that claims to inflate more than ``max_ratio`` times its compressed size beyond 4 MB is a
   zip bomb;
3. every member actually inflated, chunk by chunk with a cap (a directory that lies about the
   sizes is caught here: Python's zipfile stops at the declared size and the checksum fails);

then opens the workbook with openpyxl in read-only mode (streaming; images and charts are not
read) and streams one sheet, refusing it when its declared dimension or its rows pass
``max_rows``, its cells pass ``max_cells``, or the whole read passes ``max_seconds``.

Each refusal is a ``ValidationFailed`` in Chinese (English in the catalogue) that the web page
shows as a message and the API as a 400/422 error. This module knows no business table: it
returns the rows' values (openpyxl types: str, int, float, bool, datetime or None).
"""

from __future__ import annotations

import io
import posixpath
import time
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from lianmeng.core.errors import ValidationFailed

__all__ = ["Table", "read_table"]

MB = 1024 * 1024
#: member names that are archives in their own right
_NESTED = (
    ".zip",
    ".xlsx",
    ".xlsm",
    ".xlsb",
    ".docx",
    ".pptx",
    ".gz",
    ".7z",
    ".rar",
    ".tar",
    ".jar",
)
_CHUNK = 64 * 1024


@dataclass
class Table:
    """The sheet read: its title, the names of all sheets, and ``(row number, values)`` for
    every row up to the last one that has a value (row numbers as Excel shows them)."""

    title: str
    sheet_names: list[str]
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)


def _mb(size: float) -> str:
    return f"{size / MB:.0f}" if size >= 10 * MB else f"{size / MB:.1f}"


def _refuse(message: str, **values: Any) -> ValidationFailed:
    return ValidationFailed(message % values if values else message)


def _check_directory(
    archive: zipfile.ZipFile,
    *,
    max_members: int,
    max_part_inflated: int,
    max_total_inflated: int,
    max_ratio: int,
) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > max_members:
        raise _refuse(
            gettext(
                "文件中有 %(count)s 个部件，超过 %(max)s 个，不是正常的成员名单工作簿。"
                "请下载成员名单模板，把数据复制进去后另存为 .xlsx 再导入。"
            ),
            count=len(members),
            max=max_members,
        )
    seen: set[str] = set()
    total = 0
    for info in members:
        name = info.filename
        normal = posixpath.normpath(name)
        if (
            not name
            or name.startswith(("/", "\\"))
            or "\\" in name
            or ".." in normal.split("/")
            or any(ord(ch) < 32 for ch in name)
            or len(name) > 255
        ):
            raise _refuse(
                gettext(
                    "文件中有名称异常的部件“%(name)s”，不是正常的 Excel 工作簿。"
                    "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。"
                ),
                name=name[:60],
            )
        if name in seen:
            raise _refuse(
                gettext("文件中的部件“%(name)s”重复出现，文件可能已被篡改。请重新保存后再导入。"),
                name=name[:60],
            )
        seen.add(name)
        if info.flag_bits & 0x1:
            raise _refuse(
                gettext("文件已加密或设置了打开密码。请取消密码、另存为 .xlsx 后再导入。")
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(
                gettext(
                    "文件使用了不支持的压缩方式，不是正常的 Excel 工作簿。"
                    "请用 Excel 或 WPS 另存为 .xlsx 再导入。"
                )
            )
        if name.lower().endswith(_NESTED):
            raise _refuse(
                gettext(
                    "文件中夹带了其他压缩文件或文档“%(name)s”。"
                    "请只保留成员名单工作表，另存为 .xlsx 后再导入。"
                ),
                name=name[:60],
            )
        if info.file_size > max_part_inflated:
            raise _inflated_refusal(info.file_size, max_part_inflated)
        if info.file_size > 4 * MB and info.file_size > max_ratio * max(info.compress_size, 1):
            raise _refuse(
                gettext(
                    "文件中的“%(name)s”从 %(packed)s KB 解压为 %(size)s MB，压缩比异常，"
                    "可能是“压缩炸弹”。请检查是否为正常的成员名单模板，另存为 .xlsx 后再导入。"
                ),
                name=name[:60],
                packed=f"{info.compress_size / 1024:.0f}",
                size=_mb(info.file_size),
            )
        total += info.file_size
        if total > max_total_inflated:
            raise _inflated_refusal(total, max_total_inflated)
    return members


def _inflated_refusal(size: int, limit: int) -> ValidationFailed:
    return _refuse(
        gettext(
            "文件解压后超过 %(limit)s MB（约 %(size)s MB），请检查是否为正常的成员名单模板："
            "下载模板，只把成员单位复制进去，另存为 .xlsx 后再导入。"
        ),
        limit=_mb(limit),
        size=_mb(size),
    )


def _inflate_all(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    *,
    max_part_inflated: int,
    max_total_inflated: int,
    deadline: float,
    max_seconds: float,
) -> None:
    """Inflate every member with a cap, counting what comes out (not what the directory says)."""
    total = 0
    for info in members:
        part = 0
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    part += len(chunk)
                    total += len(chunk)
                    if part > max_part_inflated:
                        raise _inflated_refusal(part, max_part_inflated)
                    if total > max_total_inflated:
                        raise _inflated_refusal(total, max_total_inflated)
                    if time.monotonic() > deadline:
                        raise _too_slow(max_seconds)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError) as exc:
            raise _damaged() from exc
        except Exception as exc:  # zlib.error and others: a damaged archive
            if isinstance(exc, ValidationFailed):
                raise
            raise _damaged() from exc


def _damaged() -> ValidationFailed:
    return _refuse(gettext("无法读取该 Excel 文件，文件可能已损坏。请重新保存后再导入。"))


def _too_slow(max_seconds: float) -> ValidationFailed:
    return _refuse(
        gettext(
            "读取该文件超过 %(seconds)s 秒仍未完成，文件过大或结构异常。"
            "请检查是否为正常的成员名单模板，删去无关的工作表和格式后再导入。"
        ),
        seconds=f"{max_seconds:g}",
    )


def _too_many_rows(max_rows: int) -> ValidationFailed:
    return _refuse(gettext("文件超过 %(max)s 行，请分批导入。"), max=max_rows)


def read_table(
    data: bytes,
    *,
    sheet: str | None = None,
    max_bytes: int = 20 * MB,
    max_members: int = 200,
    max_part_inflated: int = 16 * MB,
    max_total_inflated: int = 48 * MB,
    max_ratio: int = 200,
    max_rows: int = 2000,
    max_cells: int = 100_000,
    max_seconds: float = 4.0,
) -> Table:
    """The rows of ``sheet`` (or of the first sheet when there is none of that name).

    ``max_rows`` counts the rows below one header row: a sheet is refused when it declares
    more or as soon as a row beyond them is reached (empty rows count: they cost time too). Raises ``ValidationFailed`` when the file is not an XLSX workbook or passes a
    bound; nothing is parsed before the archive has passed its checks.
    """
    started = time.monotonic()
    deadline = started + max_seconds
    if len(data) > max_bytes:
        raise _refuse(
            gettext("文件超过上限 %(limit)s MB，请删去无关内容后再导入。"), limit=_mb(max_bytes)
        )
    if not data.startswith(b"PK\x03\x04"):
        raise _not_xlsx()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _not_xlsx() from exc
    with archive:
        members = _check_directory(
            archive,
            max_members=max_members,
            max_part_inflated=max_part_inflated,
            max_total_inflated=max_total_inflated,
            max_ratio=max_ratio,
        )
        if "xl/workbook.xml" not in {m.filename for m in members}:
            raise _not_xlsx()
        _inflate_all(
            archive,
            members,
            max_part_inflated=max_part_inflated,
            max_total_inflated=max_total_inflated,
            deadline=deadline,
            max_seconds=max_seconds,
        )
    return _read_sheet(
        data,
        sheet=sheet,
        max_rows=max_rows,
        max_cells=max_cells,
        deadline=deadline,
        max_seconds=max_seconds,
    )


def _not_xlsx() -> ValidationFailed:
    return _refuse(
        gettext(
            "文件不是 Excel 工作簿（.xlsx）。请下载成员名单模板，填写后以 .xlsx 格式保存再导入；"
            "WPS 或旧版 Excel 的 .xls 文件请另存为 .xlsx。"
        )
    )


def _read_sheet(
    data: bytes,
    *,
    sheet: str | None,
    max_rows: int,
    max_cells: int,
    deadline: float,
    max_seconds: float,
) -> Table:
    from openpyxl.reader.excel import ExcelReader

    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        # every part openpyxl reads (shared strings, styles, the sheet as it streams) comes
        # through a stream that stops at the deadline: openpyxl parses some parts whole
        reader.archive.close()
        reader.archive = _DeadlineZip(io.BytesIO(data), deadline=deadline, seconds=max_seconds)
        reader.read()
        book = reader.wb
    except ValidationFailed:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _damaged() from exc
    try:
        if not book.worksheets:
            raise _damaged()
        names = list(book.sheetnames)
        ws = book[sheet] if sheet and sheet in names else book.worksheets[0]
        if not hasattr(ws, "iter_rows"):  # a chart sheet
            raise _damaged()
        declared = _declared_rows(ws)
        if declared is not None and declared > max_rows + 1:
            raise _too_many_rows(max_rows)
        table = Table(title=ws.title, sheet_names=names)
        cells = 0
        pending: list[tuple[int, tuple[Any, ...]]] = []
        try:
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if time.monotonic() > deadline:
                    raise _too_slow(max_seconds)
                if number > max_rows + 1:
                    raise _too_many_rows(max_rows)
                cells += len(values)
                if cells > max_cells:
                    raise _refuse(
                        gettext(
                            "文件的单元格超过 %(max)s 个，不是正常的成员名单。"
                            "请删去无关的行、列后再导入。"
                        ),
                        max=max_cells,
                    )
                pending.append((number, tuple(values)))
                if any(v is not None and v != "" for v in values):
                    table.rows.extend(pending)
                    pending = []
        except ValidationFailed:
            raise
        except Exception as exc:
            raise _damaged() from exc
        return table
    finally:
        book.close()


class _DeadlineStream(io.RawIOBase):
    """A member's stream that refuses to go on once the read's time is up."""

    def __init__(self, raw: Any, *, deadline: float, seconds: float) -> None:
        self._raw, self._deadline, self._seconds = raw, deadline, seconds

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if time.monotonic() > self._deadline:
            raise _too_slow(self._seconds)
        return self._raw.read(size)

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineZip(zipfile.ZipFile):
    def __init__(self, file: Any, *, deadline: float, seconds: float) -> None:
        super().__init__(file)
        self._deadline, self._seconds = deadline, seconds

    def open(self, name: Any, mode: str = "r", pwd: Any = None, **kwargs: Any) -> Any:
        stream = super().open(name, mode, pwd, **kwargs)
        if mode != "r":
            return stream
        return _DeadlineStream(stream, deadline=self._deadline, seconds=self._seconds)


def _declared_rows(ws: Any) -> int | None:
    """The last row the sheet's ``<dimension>`` declares (None when it declares none)."""
    value = getattr(ws, "max_row", None)
    return value if isinstance(value, int) else None
