"""Exports of the dashboard: one chart's table and the workbook of all; both open in
LibreOffice (``soffice --headless --convert-to csv``) when it is installed."""

from __future__ import annotations

import io
import shutil
import subprocess  # noqa: S404

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _book(content):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content))


def test_one_chart_xlsx_holds_its_table(client, login, dash):
    login(dash.henan)
    response = client.get(reverse("insight:dashboard_xlsx"), {"chart": "alliances-level"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = _book(response.content).active
    rows = [tuple(c for c in r if c is not None) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("河南省 · 联盟数量 · 按级别",)
    assert ("级别", "联盟数（家）") in rows
    assert ("省级", 4) in rows and ("市级", 3) in rows


def test_workbook_has_every_chart_and_follows_the_year_filter(client, login, dash):
    login(dash.henan)
    response = client.get(reverse("insight:dashboard_xlsx"), {"year_from": 2019})
    book = _book(response.content)
    assert len(book.sheetnames) == 12
    sheet = book[book.sheetnames[0]]
    rows = [tuple(c for c in r if c is not None) for r in sheet.iter_rows(values_only=True)]
    assert ("省级", 1) in rows and ("市级", 2) in rows


def test_unknown_chart_is_404(client, login, dash):
    login(dash.henan)
    assert client.get(reverse("insight:dashboard_xlsx"), {"chart": "nope"}).status_code == 404


def test_exports_open_in_libreoffice(client, login, dash, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by scripts/bootstrap.sh"
    login(dash.luoyang)
    path = tmp_path / "kpi.xlsx"
    path.write_bytes(client.get(reverse("insight:dashboard_xlsx"), {"chart": "kpi"}).content)
    subprocess.run(  # noqa: S603
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = (tmp_path / "kpi.csv").read_text(encoding="utf-8", errors="replace")
    assert "投入经费" in text and "115" in text
