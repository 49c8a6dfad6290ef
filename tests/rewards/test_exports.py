"""Exports of rewards (lianmeng.rewards.exports / views_exports): the ledger and the budgets as
XLSX (amounts are number cells formatted #,##0.00; totals add up) and PDF (Chinese text, the
totals), the decision of a batch as PDF with its verification code known at /verify/<code>,
and who may download each."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.rewards.conftest import FUND
from tests.rewards.test_ledger_pages import _instalment, _publish, staged  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed"),
]


def _text(pdf: bytes, tmp_path, name: str = "doc") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.replace("\n", "")


def _book(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content))


@pytest.fixture
def paid(rw, staged):  # noqa: F811
    """The staged batch published, two payments recorded: 10 (bearing, 2019, paid in full)
    and 100 of 120 (materials, 2019)."""
    from lianmeng.rewards import services

    batch, first, second = staged
    _publish(rw, batch)
    services.payment_record(
        actor=rw.department,
        instalment_id=_instalment(first, 2019).pk,
        paid_on="2019-10-01",
        voucher="记-2019-101",
        amount="10",
        note='=HYPERLINK("http://x")',
    )
    services.payment_record(
        actor=rw.department,
        instalment_id=_instalment(second, 2019).pk,
        paid_on="2019-10-08",
        voucher="记-2019-102",
        amount="100",
    )
    batch.refresh_from_db()
    return batch, first, second


def test_ledger_xlsx(client, login, rw, paid):
    batch, first, second = paid
    login(rw.department)
    response = client.get(reverse("rewards:ledger_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"].startswith("private, no-store")
    book = _book(response.content)
    assert book.sheetnames == ["拨付记录", "预算执行", "应拨未拨"]
    payments = list(book["拨付记录"].iter_rows(values_only=True))
    assert payments[0][:8] == (
        "拨付日期",
        "凭证号",
        "联盟名称",
        "申请编号",
        "奖补类别",
        "资金来源",
        "预算年度",
        "拨付金额（万元）",
    )
    body = payments[1:-1]
    assert [r[1] for r in body] == ["记-2019-101", "记-2019-102"]
    assert body[0][2] == rw.alliance.name and body[0][3] == first.number
    assert body[0][4] == "新获批联盟牵头单位奖励" and body[0][5] == FUND and body[0][6] == 2019
    # the note an applicant could not type, but never a formula all the same
    assert body[0][8] == '=HYPERLINK("http://x")'
    amounts = [r[7] for r in body]
    assert all(isinstance(a, int | float) for a in amounts)
    total_row = payments[-1]
    assert total_row[0] == "合计"
    assert Decimal(str(total_row[7])) == sum(Decimal(str(a)) for a in amounts) == Decimal("110")
    sheet = book["拨付记录"]
    assert sheet.cell(row=2, column=8).number_format == "#,##0.00"
    assert sheet.cell(row=2, column=9).data_type == "s"
    # per fund source and year: budget, committed, paid, available
    summary = {
        r[1]: r for r in book["预算执行"].iter_rows(min_row=2, values_only=True) if r[0] != "合计"
    }
    assert Decimal(str(summary[2019][2])) == Decimal("1000")
    assert Decimal(str(summary[2019][3])) == Decimal("130")  # 10 + 120
    assert Decimal(str(summary[2019][4])) == Decimal("110")
    assert Decimal(str(summary[2019][5])) == Decimal("870")
    assert Decimal(str(summary[2020][3])) == Decimal("120")
    assert Decimal(str(summary[2020][4])) == Decimal("0")
    assert book["预算执行"].cell(row=2, column=3).number_format == "#,##0.00"
    # the ledger reconciles: the payments per fund and year are the budget's paid
    assert Decimal(str(summary[2019][4])) == Decimal(str(total_row[7]))
    due = list(book["应拨未拨"].iter_rows(min_row=2, values_only=True))
    remaining = {(r[1], r[4]): Decimal(str(r[7])) for r in due if r[0] != "合计"}
    assert remaining == {
        (second.number, 2019): Decimal("20"),
        (second.number, 2020): Decimal("120"),
    }
    assert Decimal(str(due[-1][7])) == Decimal("140")


def test_ledger_xlsx_filters(client, login, rw, paid):
    login(rw.department)
    response = client.get(reverse("rewards:ledger_xlsx"), {"q": "新材料"})
    rows = list(_book(response.content)["拨付记录"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows[:-1]] == ["记-2019-102"]
    assert Decimal(str(rows[-1][7])) == Decimal("100")


@pytest.mark.parametrize("who", ["applicant", "henan", "expert"])
def test_exports_refused(client, login, rw, paid, who):
    user = rw.expert.user if who == "expert" else getattr(rw, who)
    login(user)
    for name in ("ledger_xlsx", "ledger_pdf", "budgets_xlsx", "budgets_pdf"):
        response = client.get(reverse(f"rewards:{name}"))
        # the gate refuses who is not competent staff (403); a department without [rewards]
        # keeps no ledger (404)
        assert response.status_code == (404 if who == "henan" else 403), name
        assert rw.alliance.name not in response.content.decode(errors="replace")


def test_another_department_exports_its_own(client, login, rw, paid):
    login(rw.baoding)
    response = client.get(reverse("rewards:ledger_xlsx"))
    assert response.status_code == 200
    book = _book(response.content)
    assert [r[0] for r in book["拨付记录"].iter_rows(min_row=2, values_only=True)] == ["合计"]
    assert [r[0] for r in book["预算执行"].iter_rows(min_row=2, values_only=True)] == ["合计"]


def test_ledger_pdf(client, login, rw, paid, tmp_path):
    login(rw.department)
    response = client.get(reverse("rewards:ledger_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content, tmp_path)
    assert "奖补资金台账" in text
    assert rw.alliance.name in text and rw.other_alliance.name in text
    assert "记-2019-101" in text and "记-2019-102" in text
    assert "110.00" in text  # the payments' total
    assert "870.00" in text  # 2019 available
    assert "140.00" in text  # still due
    assert FUND in text


def test_budgets_exports(client, login, rw, paid, tmp_path):
    login(rw.department)
    response = client.get(reverse("rewards:budgets_xlsx"))
    assert response.status_code == 200
    sheet = _book(response.content).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    total = rows[-1]
    assert total[0] == "合计"
    assert Decimal(str(total[2])) == Decimal("2000")
    assert Decimal(str(total[3])) == Decimal("250")
    assert Decimal(str(total[4])) == Decimal("110")
    assert Decimal(str(total[5])) == Decimal("1750")
    assert Decimal(str(total[2])) == sum(Decimal(str(r[2])) for r in rows[:-1])
    response = client.get(reverse("rewards:budgets_pdf"))
    assert response.status_code == 200
    text = _text(response.content, tmp_path, "budgets")
    assert "预算执行表" in text and FUND in text
    assert "2,000.00" in text or "2000.00" in text
    assert "1750.00" in text or "1,750.00" in text


def test_batch_pdf(client, login, rw, staged, tmp_path):  # noqa: F811
    batch, first, second = staged
    url = reverse("rewards:batch_pdf", args=[batch.pk])
    # a draft: the department's copy only, without a code
    assert client.get(url).status_code == 404
    login(rw.department)
    draft = client.get(url)
    assert draft.status_code == 200
    text = _text(draft.content, tmp_path, "draft")
    assert "拟定稿" in text and "核验码" not in text
    client.logout()
    login(rw.baoding)
    assert client.get(url).status_code == 404
    client.logout()
    _publish(rw, batch)
    batch.refresh_from_db()
    public = client.get(url)
    assert public.status_code == 200
    text = _text(public.content, tmp_path, "published")
    assert "2019 年度第一批" in text and "洛科〔2019〕8号" in text
    assert rw.alliance.name in text and rw.other_alliance.name in text
    assert "250.00" in text and "240.00" in text
    assert "第十一条" in text and "第十四条" in text
    assert "核验码" in text
    from lianmeng.documents.pdf import code_display

    display = code_display(batch.verification_code)
    assert display in text
    page = client.get(f"/verify/{display.lower()}", follow=True).content.decode()
    assert "奖补决定" in page and "洛科〔2019〕8号" in page
    assert "250.00" in page


def test_verify_unknown_code(client, rw):
    from lianmeng.rewards.exports import verify_batch

    assert verify_batch("ABCDEFGHJKMN") is None
    assert verify_batch("") is None
