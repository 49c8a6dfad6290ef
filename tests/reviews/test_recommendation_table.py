"""推荐表 (seed 001 附件3) as XLSX and PDF, and Baoding's 推荐公函.

The XLSX is read back with openpyxl and also opened in LibreOffice (installed by
scripts/bootstrap.sh), converted to CSV, and checked there: what a department clerk opens."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from lianmeng.proposals.lifecycle import proposal_transition
from lianmeng.reviews.exports import COLUMNS

SEED_COLUMNS = [
    "序号",
    "联盟名称",
    "牵头单位",
    "所属领域",
    "推荐部门",
    "成员总数",
    "企业数量",
    "高校数量",
    "研究机构数量",
    "备注",
]


@pytest.fixture
def recommended(file_proposal, staff, at):
    """Two proposals the 荥阳市 bureau recommended in 2020, one it returned."""
    at(2020, 9, 5, 10)
    first = file_proposal("henan")
    second = file_proposal(
        "henan",
        mutate=lambda d: d.update(
            name="河南省现代农业装备产业技术创新战略联盟", domain="agriculture"
        ),
    )
    returned = file_proposal(
        "henan", mutate=lambda d: d.update(name="河南省被退回产业技术创新战略联盟")
    )
    county = staff("410182", username="xingyang")
    for proposal in (first, second):
        proposal_transition(
            actor=county, pk=proposal.pk, transition="recommend_county", reason="同意推荐"
        )
    proposal_transition(actor=county, pk=returned.pk, transition="return_county", reason="材料不全")
    return county, first, second


def test_xlsx_has_the_seed_columns_and_counts(client, login, recommended):
    county, first, second = recommended
    assert list(COLUMNS) == SEED_COLUMNS
    login(county)
    response = client.get("/reviews/recommendations/2020.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "2020年度河南省产业技术创新战略联盟推荐表"
    assert sheet["A2"].value == "推荐单位/部门（盖章）：荥阳市科学技术局"
    assert [c.value for c in sheet[3]] == SEED_COLUMNS
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_row=5)]
    lead = first.lead_unit.name
    assert rows == [
        [1, first.name, lead, "工业", "荥阳市科学技术局", 11, 6, 2, 2, None],
        [2, second.name, lead, "农业", "荥阳市科学技术局", 11, 6, 2, 2, None],
    ]
    assert sheet["A6"].value == "备注：所属领域中请填写工业、农业、社会发展"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet["B4"].border.left.style == "thin"
    assert sheet.column_dimensions["B"].width >= 30


def test_xlsx_opens_in_libreoffice_with_the_seed_columns_and_counts(
    client, login, recommended, tmp_path
):
    county, first, second = recommended
    login(county)
    (tmp_path / "table.xlsx").write_bytes(client.get("/reviews/recommendations/2020.xlsx").content)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by scripts/bootstrap.sh"
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "table.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    lines = (tmp_path / "table.csv").read_text(encoding="utf-8").splitlines()
    assert lines[2].split(",") == SEED_COLUMNS
    rows = [line.split(",") for line in lines[3:5]]
    assert [r[1] for r in rows] == [first.name, second.name]
    assert [r[3] for r in rows] == ["工业", "农业"]
    assert [r[5:9] for r in rows] == [["11", "6", "2", "2"]] * 2


def test_the_api_gives_the_same_table(client, recommended):
    from lianmeng.core.tokens import token_create

    county, first, _second = recommended
    _token, key = token_create(actor=county, name="test")
    response = client.get(
        "/api/v1/recommendations/2020.xlsx", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B4"].value == first.name


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_pdf_has_embedded_fonts_and_the_header(client, login, recommended, tmp_path):
    county, first, _second = recommended
    login(county)
    response = client.get("/reviews/recommendations/2020.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "table.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    lines = fonts.splitlines()[2:]
    assert lines, fonts
    for line in lines:
        assert line.split()[-5] == "yes", line  # the "emb" column
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())  # a long name wraps inside its cell
    assert "2020年度河南省产业技术创新战略联盟推荐表" in flat
    assert "推荐单位/部门（盖章）：荥阳市科学技术局" in flat
    assert all(column in flat for column in SEED_COLUMNS)
    assert first.name in flat
    assert "备注：所属领域中请填写工业、农业、社会发展" in flat


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_baoding_recommendation_letter(client, login, file_proposal, staff, at, tmp_path):
    at(2020, 5, 6, 10)
    proposal = file_proposal("baoding")
    county = staff("130602")
    login(county)
    assert client.get(f"/reviews/proposals/{proposal.pk}/letter.pdf").status_code == 404
    proposal_transition(
        actor=county, pk=proposal.pk, transition="recommend_county", reason="符合备案条件"
    )
    page = client.get(f"/reviews/proposals/{proposal.pk}/").content.decode()
    assert "推荐公函（PDF）" in page
    response = client.get(f"/reviews/proposals/{proposal.pk}/letter.pdf")
    assert response.status_code == 200
    path = tmp_path / "letter.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert "推荐函" in flat
    assert "保定市科学技术局：" in flat
    assert proposal.name in flat and proposal.lead_unit.name in flat
    assert "一类（产业技术创新战略联盟）" in flat
    assert "保定市竞秀区科学技术局" in flat and "2020年5月6日" in flat
    assert "（盖章）" in flat and "符合备案条件" in flat


def test_recommendation_page_lists_the_year(client, login, recommended):
    county, first, second = recommended
    login(county)
    page = client.get("/reviews/recommendations/?year=2020").content.decode()
    assert "2020年度河南省产业技术创新战略联盟推荐表" in page
    assert first.name in page and second.name in page
    assert "河南省被退回产业技术创新战略联盟" not in page


def test_recommendation_page_is_paged_and_the_numbering_runs_on(
    client, login, recommended, monkeypatch
):
    """The screen table is paged (a province's year can hold hundreds of rows); 序号 runs on
    across pages, the page links keep the year, and the Excel still holds the whole table."""
    from lianmeng.reviews import views

    monkeypatch.setattr(views, "PER_PAGE", 1)
    county, first, second = recommended
    login(county)
    pages = [
        client.get(f"/reviews/recommendations/?year=2020&page={n}").content.decode() for n in (1, 2)
    ]
    shown = [[name for name in (first.name, second.name) if name in page] for page in pages]
    assert sorted(sum(shown, [])) == sorted([first.name, second.name])
    assert all(len(names) == 1 for names in shown)
    numbers = [re.findall(r'<td class="text-center">(\d+)</td>', page)[0] for page in pages]
    assert numbers == ["1", "2"]
    assert "?year=2020&amp;page=2" in pages[0] and "共 2 条" in pages[0]
    book = load_workbook(
        io.BytesIO(client.get("/reviews/recommendations/2020.xlsx").content), read_only=True
    )
    names = {str(c) for row in book.active.iter_rows(values_only=True) for c in row if c}
    assert {first.name, second.name} <= names
