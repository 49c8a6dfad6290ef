"""Hostile XLSX files, built with zipfile as Excel lays a workbook out (shared strings
referenced from the content types and the workbook's relationships, so every reader parses
them): the bomb and the million rows of issue 12, and the parts a bounded reader must refuse.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET = "成员单位名单"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
    f'<sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
#: two cells that read the first two shared strings: the roster's required headers
HEADER_SHEET = (
    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    "</sheetData></worksheet>"
)
STRINGS_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode()
HEADER_STRINGS = "<si><t>单位名称</t></si><si><t>统一社会信用代码</t></si>".encode()

Chunks = Callable[[], Iterable[bytes]]


def workbook(
    *, sheet: str | bytes | Chunks = HEADER_SHEET, strings: bytes | Chunks | None = None, extra=()
) -> bytes:
    """An XLSX from its parts (callables stream big parts in chunks, compresslevel 9)."""
    parts: list[tuple[str, str | bytes | Chunks]] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", strings or STRINGS_HEAD + HEADER_STRINGS + b"</sst>"),
        *extra,
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts:
            if callable(content):
                with archive.open(name, "w", force_zip64=True) as stream:
                    for chunk in content():
                        stream.write(chunk)
            else:
                archive.writestr(name, content)
    return out.getvalue()


def bomb(inflated_mb: int = 300) -> bytes:
    """Shared strings inflating to ``inflated_mb`` MB from a few MB (issue 12: 3 MB → 648 MB)."""
    block = b"<si><t>" + b"A" * 32_000 + b"</t></si>"

    def chunks() -> Iterator[bytes]:
        yield STRINGS_HEAD + HEADER_STRINGS
        for _ in range(inflated_mb * 1024 * 1024 // len(block)):
            yield block
        yield b"</sst>"

    return workbook(strings=chunks)


def lying_bomb(inflated_mb: int = 64) -> bytes:
    """A bomb whose directory declares its shared strings at 1 KB (local and central headers
    patched), so only an inflation that counts what comes out can catch it."""
    block = b"<si><t>" + b"B" * 32_000 + b"</t></si>"
    body = STRINGS_HEAD + HEADER_STRINGS + block * (inflated_mb * 1024 * 1024 // len(block))
    data = bytearray(workbook(strings=body + b"</sst>"))
    name = b"xl/sharedStrings.xml"
    # local file header (30 bytes before the name): uncompressed size at offset 22
    local = data.find(name) - 30
    assert data[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, 1024)
    # central directory entry (46 bytes before the name): uncompressed size at offset 24
    central = data.rfind(name) - 46
    assert data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, central + 24, 1024)
    return bytes(data)


def million_rows(rows: int = 1_000_000) -> bytes:
    """The header row and ``rows`` rows of one number each (the issue's 1,000,000-row XLSX)."""

    def chunks() -> Iterator[bytes]:
        yield (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
            f'<dimension ref="A1:B{rows + 1}"/><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        ).encode()
        batch = []
        for number in range(2, rows + 2):
            batch.append(f'<row r="{number}"><c r="A{number}"><v>{number}</v></c></row>')
            if len(batch) == 10_000:
                yield "".join(batch).encode()
                batch = []
        yield ("".join(batch) + "</sheetData></worksheet>").encode()

    return workbook(sheet=chunks)


def undeclared_rows(rows: int) -> bytes:
    """``rows`` compact rows under the part cap, without a ``<dimension>`` (read as it streams)."""
    body = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, rows + 2))
    return workbook(
        sheet=(
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            f"{body}</sheetData></worksheet>"
        )
    )


def far_row(number: int = 1_000_000) -> bytes:
    """One row far below the header: the reader fills the gap with empty rows."""
    return workbook(
        sheet=(
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            f'<row r="{number}"><c r="A{number}"><v>1</v></c></row>'
            "</sheetData></worksheet>"
        )
    )


def wide_rows(rows: int = 50) -> bytes:
    """Rows padded out to column WNQ (16,009) by their declared dimension."""
    body = "".join(
        f'<row r="{n}"><c r="A{n}"><v>1</v></c><c r="WNQ{n}"><v>1</v></c></row>'
        for n in range(2, rows + 2)
    )
    return workbook(
        sheet=(
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
            f'<dimension ref="A1:WNQ{rows + 1}"/><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
            f"{body}</sheetData></worksheet>"
        )
    )


def short_strings(inflated_mb: int = 15) -> bytes:
    """Shared strings just under the part cap, short and all different (so the compression
    ratio looks ordinary): the slowest part for a reader to parse (about a million strings),
    so only the time budget stops it."""

    def chunks() -> Iterator[bytes]:
        yield STRINGS_HEAD + HEADER_STRINGS
        size, number = 0, 0
        while size < inflated_mb * 1024 * 1024 - 100_000:
            batch = "".join(f"<si><t>{n:x}</t></si>" for n in range(number, number + 10_000))
            number += 10_000
            size += len(batch)
            yield batch.encode()
        yield b"</sst>"

    return workbook(strings=chunks)
