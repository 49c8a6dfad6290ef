"""A Luoyang reward from claim to payment (issue 15 acceptance, 洛阳 第十四条、第二十一条): the
lead unit of the refractory-materials alliance (``qiantou-ly``) claims the service-revenue reward of
its public service platform for 2020, with the figure, a declared nothing-else and an evidence file;
the city's department (``luoyang``) reads it, stages the computed amount in a new batch, publishes
the batch with its 文号, records the payment on the ledger and downloads the ledger XLSX, whose
rows and totals are checked; the lead unit sees the award and the payment, and a second claim for
the same item is refused with the reason. Screenshots in artefacts/."""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal

import pytest

from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

ALLIANCE = "洛阳市耐火材料产业技术创新战略联盟"
PLATFORM = "洛阳耐火材料检验检测公共服务平台"
YEAR = 2026


def _confirm(page, dialog_id: str) -> None:
    dialog = page.locator(f"dialog#{dialog_id}")
    dialog.wait_for()
    dialog.locator("[data-lm-confirm-ok]").click()
    page.wait_for_load_state()


def _new_service_claim(j: Journey) -> None:
    page = j.page
    j.nav("奖补")
    page.get_by_test_id("claim-new").click()
    page.locator("select#alliance").select_option(label=ALLIANCE)
    page.get_by_label(re.compile("公共服务平台服务收入奖励")).check()
    page.get_by_role("button", name="创建申请").click()
    page.wait_for_load_state()


def test_luoyang_claim_to_payment_and_ledger(live_server, monkeypatch, settings, tmp_path):
    from openpyxl import load_workbook

    from lianmeng.core import clock
    from lianmeng.rewards.models import Claim, Payment

    demo_at(monkeypatch, settings, tmp_path, datetime(YEAR, 12, 7, 10, 0, tzinfo=clock.BEIJING))
    evidence = tmp_path / "服务收入审计报告.pdf"
    evidence.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )

    with browser_page() as page:
        j = Journey(page, live_server.url, "rewards-luoyang")

        # the lead unit files the claim: 15 % of the service revenue, at most 100 (第十四条)
        j.sign_in("qiantou-ly")
        _new_service_claim(j)
        facts = page.get_by_test_id("facts").inner_text()
        assert "市级" in facts and "2019-03-15" in facts
        page.get_by_label(re.compile("服务收入")).first.fill("560")
        page.get_by_label("年度").fill("2020")
        page.get_by_label("奖励事项日期").fill("2020-12-20")
        page.get_by_label("平台名称").fill(PLATFORM)
        page.get_by_label("申请说明").fill("平台 2020 年服务收入 560 万元，见审计报告。")
        page.get_by_role("button", name="保存并测算").click()
        page.wait_for_load_state()
        calc = page.get_by_test_id("calculation").inner_text()
        assert "84.00" in calc and "15%" in calc and "第十四条" in calc
        page.get_by_label("材料名称").fill("2020 年度服务收入审计报告")
        page.locator("input#file").set_input_files(str(evidence))
        page.get_by_role("button", name="上传").click()
        page.wait_for_load_state()
        assert "2020 年度服务收入审计报告" in page.get_by_test_id("files").inner_text()
        j.shot("lead-claim")
        page.get_by_role("button", name="保存并提交").click()
        _confirm(page, "confirm-submit")
        claim = Claim.objects.get(kind="platform_service", alliance__name=ALLIANCE)
        assert claim.status == Claim.Status.SUBMITTED
        assert claim.computed_amount == Decimal("84.00")
        assert "已提交" in page.get_by_test_id("claim-status").inner_text()

        # the department reads the file, stages the decision in a new batch and publishes it
        j.sign_in("luoyang")
        tops = page.evaluate(
            "[...document.querySelectorAll('header .navbar-nav .nav-link')]"
            ".map(a => Math.round(a.getBoundingClientRect().top))"
        )
        assert len(set(tops)) == 1, "the department's menu wraps onto a second line"
        j.nav("奖补")
        page.get_by_test_id("claims").get_by_role("link", name=claim.number).click()
        page.wait_for_load_state()
        main = j.main_text()
        assert "2020 年度服务收入审计报告" in main and "84.00" in main
        j.shot("department-reads")
        j.nav("奖补")
        page.get_by_role("navigation", name="奖补办理").get_by_role("link", name="奖补决定").click()
        page.get_by_label("新批次名称").fill(f"{YEAR} 年度联盟奖补第二批")
        page.get_by_role("button", name="建立批次").click()
        page.wait_for_load_state()
        j.open(f"/rewards/claims/{claim.pk}/")
        stage = page.get_by_test_id("panel-stage")
        stage.locator("select#batch").select_option(label=f"{YEAR} 年度联盟奖补第二批")
        assert stage.locator("input#amount").input_value() in ("84.00", "84")
        stage.get_by_role("button", name="拟定决定").click()
        page.wait_for_load_state()
        assert "拟定" in page.get_by_test_id("award").inner_text()
        j.open("/staff/rewards/batches/")
        page.get_by_role("link", name=f"{YEAR} 年度联盟奖补第二批").click()
        page.wait_for_load_state()
        assert "84.00" in page.get_by_test_id("batch-total").inner_text()
        page.get_by_label("文号").fill(f"洛科〔{YEAR}〕27号")
        page.get_by_test_id("batch-publish").get_by_role("button", name="公布决定").click()
        _confirm(page, "confirm-publish")
        assert "已公布" in page.get_by_test_id("batch-status").inner_text()
        j.shot("batch-published")
        claim.refresh_from_db()
        assert claim.status == Claim.Status.AWARDED

        # the payment, on the ledger
        page.get_by_role("navigation", name="奖补办理").get_by_role("link", name="资金台账").click()
        due = page.get_by_test_id("instalments-due").locator("tr").filter(has_text=claim.number)
        due.get_by_text("登记拨付").click()
        due.get_by_label("拨付日期").fill(f"{YEAR}-12-07")
        due.get_by_label("金额（万元）").fill("84.00")
        due.get_by_label("凭证号").fill(f"LYKJ-{YEAR}-0027")
        due.get_by_role("button", name="登记").click()
        page.wait_for_load_state()
        paid = page.get_by_test_id("payments").inner_text()
        assert f"LYKJ-{YEAR}-0027" in paid and "84.00" in paid
        j.shot("ledger")
        assert Payment.objects.filter(voucher=f"LYKJ-{YEAR}-0027", amount=Decimal("84.00")).exists()

        # the ledger XLSX: every payment of the year, the amounts as numbers, the total
        with page.expect_download() as info:
            page.get_by_test_id("ledger-xlsx").click()
        assert info.value.suggested_filename.endswith(".xlsx")
        book = load_workbook(io.BytesIO(info.value.path().read_bytes()), data_only=True)
        cells = [
            [cell for cell in row if cell is not None]
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        ]
        ours = [row for row in cells if f"LYKJ-{YEAR}-0027" in row]
        assert ours and any(
            isinstance(v, int | float | Decimal) and Decimal(str(v)) == Decimal("84")
            for v in ours[0]
        )
        assert any(claim.number in row for row in ours)
        paid_total = sum(p.amount for p in Payment.objects.filter(budget__profile="luoyang"))
        assert paid_total == Decimal("94.00")  # the demo's paid new-alliance reward and this one
        numbers = [
            Decimal(str(v))
            for row in cells
            for v in row
            if isinstance(v, int | float) and not isinstance(v, bool)
        ]
        assert paid_total in numbers

        # the lead unit sees the award and the payment; a second claim for the item is refused
        j.sign_in("qiantou-ly")
        j.open(f"/rewards/claims/{claim.pk}/")
        award = page.get_by_test_id("award").inner_text()
        assert (
            "84.00" in award and f"LYKJ-{YEAR}-0027" in page.get_by_test_id("payments").inner_text()
        )
        _new_service_claim(j)
        page.get_by_label(re.compile("服务收入")).first.fill("300")
        page.get_by_label("年度").fill("2020")
        page.get_by_label("奖励事项日期").fill("2020-12-20")
        page.get_by_label("平台名称").fill(PLATFORM)
        page.get_by_role("button", name="保存并测算").click()
        page.wait_for_load_state()
        text = j.main_text()
        assert "不再重复奖补" in text and claim.number in text
        j.shot("second-claim-refused")
        assert (
            Claim.objects.filter(
                kind="platform_service", alliance__name=ALLIANCE, status="submitted"
            ).count()
            == 0
        )
