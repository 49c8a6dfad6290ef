"""The patent and standard base in the browser (issue 16 point 3, M-61): the public searches
the patent pool by a partial Chinese title, sees the patent two alliances reported as one row,
filters, opens its details; the refractory alliance's lead unit (``qiantou-ly``) reaches
"专利与标准" from the registry page and reports a patent whose number another alliance reported
in another spelling (merged). Screenshots go to tests/e2e/artefacts (ipbase-*.png)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

REFRACTORY = "洛阳市耐火材料产业技术创新战略联盟"
ROBOTS = "洛阳市机器人及智能装备产业技术创新战略联盟"


def test_search_the_base_and_report_a_patent(live_server, monkeypatch, settings, tmp_path):
    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.ipbase.demo import load_demo_ipbase
    from lianmeng.ipbase.models import Patent

    demo_at(monkeypatch, settings, tmp_path, datetime(2024, 3, 5, 10, 0, tzinfo=clock.BEIJING))
    # the demo (lianmeng demo, which demo_at loads) has reported the patents; once only
    assert list(load_demo_ipbase()) == []
    joint_row = Patent.objects.get(title="基于机器人的耐火砖自动码垛系统")
    assert joint_row.reports.values("alliance").distinct().count() == 2  # merged, not repeated
    before = Patent.objects.count()

    with browser_page() as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        j = Journey(page, live_server.url, "ipbase")
        j.open("/ip/patents/")
        page.get_by_test_id("ip-q").fill("耐火")
        page.get_by_test_id("ip-search").click()
        page.wait_for_load_state()
        rows = page.get_by_test_id("ip-rows").locator("tbody tr")
        titles = rows.all_inner_texts()
        assert titles and all("耐火" in t for t in titles)
        assert any("一种耐火材料的制备方法" in t for t in titles)
        # the joint patent both Luoyang alliances reported is one row
        joint = rows.filter(has_text="基于机器人的耐火砖自动码垛系统")
        assert joint.count() == 1
        assert f"共 {len(titles)} 条" in page.get_by_test_id("ip-count").inner_text()
        j.shot("search-naihuo")

        page.get_by_label("年度").select_option(str(clock.beijing_now().year - 1))
        page.get_by_label("专利类型").select_option("utility")
        page.get_by_test_id("ip-search").click()
        page.wait_for_load_state()
        assert "一种高温窑炉用耐火砖成型模具" in page.get_by_test_id("ip-rows").inner_text()
        assert "一种耐火材料的制备方法" not in page.get_by_test_id("ip-rows").inner_text()
        j.shot("search-filtered")

        j.open("/ip/patents/?q=码垛")
        page.get_by_test_id("ip-rows").get_by_role("link").first.click()
        page.wait_for_load_state()
        reports = page.get_by_test_id("ip-reports").inner_text()
        assert REFRACTORY in reports and ROBOTS in reports
        j.shot("patent-merged-detail")

        j.open("/ip/standards/?q=耐火")
        assert "T/CAS 123-2021" in page.get_by_test_id("ip-rows").inner_text()
        j.shot("standards-search")

        # the lead unit reports from the alliance's registry page
        j.sign_in("qiantou-ly")
        j.open("/registry/")
        page.get_by_role("link", name=REFRACTORY).first.click()
        page.get_by_test_id("alliance-link-ipbase").click()
        page.get_by_test_id("ip-patent-new").click()
        page.get_by_label("专利号").fill("CN 2022 2 0567890")  # the robot alliance's, merged
        page.get_by_label("专利名称").fill("一种工业机器人关节减速器")
        page.get_by_label("法律状态").select_option("granted")
        page.get_by_test_id("ip-members").get_by_role("checkbox").first.check()
        j.shot("report-form")
        page.get_by_test_id("ip-save").click()
        page.wait_for_load_state()
        assert "已在库中，已合并本次报送" in j.flash()
        assert REFRACTORY in page.get_by_test_id("ip-reports").inner_text()
        j.shot("report-merged")
        assert Patent.objects.count() == before

        # an import with a wrong row: each row and what to fix, nothing saved
        j.open("/ip/patents/")
        page.get_by_test_id("ip-rows").get_by_role("link", name=REFRACTORY).first.click()
        page.get_by_test_id("ip-import").click()
        page.set_input_files(
            "#file",
            files=[
                {
                    "name": "专利.xlsx",
                    "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "buffer": _workbook(Alliance.objects.get(name=REFRACTORY).lead_unit.name),
                }
            ],
        )
        page.get_by_test_id("ip-import-submit").click()
        page.wait_for_load_state()
        listed = page.get_by_test_id("ip-import-rows").inner_text()
        assert "第 3 行" in listed and "校验位应为 2" in listed
        j.shot("import-refused")
        assert Patent.objects.count() == before
        # the refused import is answered 422 on purpose; nothing else may fail
        assert not [e for e in errors if "status of 422" not in e], errors


def _workbook(holder: str) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "专利"
    sheet.append(["专利号", "专利名称", "专利类型", "法律状态", "专利权人"])
    sheet.append(["ZL202310000001", "一种耐火涂料", "", "已申请", holder])
    sheet.append(["ZL202010123456.7", "一种耐火纤维", "", "已授权", "不存在的单位"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
