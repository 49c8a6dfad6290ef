"""Henan, 批准筹建 → 认定 in the browser with the demo accounts (issue 13 item 2, M-30):

the demo alliance 批准筹建 a few months ago is 筹建中 with half its checklist done → its lead unit
(``choujian``) completes the other items with a text and a file each and applies for 验收 →
河南省科技厅 assigns the demo expert from its pool (the conflicts are shown) → the expert
(``zhuanjia``) finds the task on his home page, reads the evidence and scores every criterion
→ the province closes the round, reads the names and scores and passes it → the alliance is
已认定: the 认定证书 PDF is downloaded, its text checked, and its code verified at
/verify/<code>; the registry shows 已认定 with the date.
"""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest

from tests.e2e.review_journeys import (
    Journey,
    browser_page,
    demo_at,
    needs_chromium,
    pdf_text,
)

pytestmark = [pytest.mark.e2e, needs_chromium]

ALLIANCE = "河南省新能源汽车电驱动产业技术创新战略联盟"
LEAD = "河南豫电驱动科技有限公司"
OPEN_ITEMS = {
    "technology_plan": "已编制产业技术创新发展规划，明确电驱动系统三个重点方向。",
    "innovation_system_plan": "已编制产业创新体系规划，明确成员单位分工与协同机制。",
}
CRITERIA = ("组织机构", "联盟协议和章程", "产业技术创新发展规划", "产业创新体系规划")
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_henan_acceptance_journey(live_server, monkeypatch, settings, tmp_path):
    from lianmeng.core import clock

    today = clock.beijing_now().date()
    demo_at(
        monkeypatch, settings, tmp_path, datetime.combine(today, time(10, 0), tzinfo=clock.BEIJING)
    )
    evidence = tmp_path / "规划文本.pdf"
    evidence.write_bytes(PDF)

    with browser_page() as page:
        j = Journey(page, live_server.url, "henan-acceptance")

        # the lead unit: from the registry to the checklist, half of it done
        j.sign_in("choujian")
        j.nav("联盟名录")
        j.page.locator("tbody tr").filter(has_text=ALLIANCE).get_by_role("link").first.click()
        assert "筹建中" in page.get_by_test_id("alliance-state").inner_text()
        page.get_by_test_id("alliance-link-construction").click()
        assert "已完成 2 / 4 项" in page.get_by_test_id("checklist-progress").inner_text()
        assert "五(二)" in j.main_text()
        assert "全部完成后才能申请验收" in page.get_by_test_id("apply-blocked").inner_text()
        j.shot("lead-half-done")
        for item, text in OPEN_ITEMS.items():
            page.locator(f"#item-{item}").get_by_role("link", name="填写").click()
            page.get_by_label("完成情况说明").fill(text)
            page.get_by_label("证明材料（附件）").set_input_files(str(evidence))
            j.shot(f"lead-item-{item}")
            page.get_by_role("button", name="保存").click()
            assert "已保存" in j.flash()
        assert "已完成 4 / 4 项" in page.get_by_test_id("checklist-progress").inner_text()
        page.get_by_label("申请说明（可选）").fill("筹建任务已全部完成，申请验收。")
        page.get_by_role("button", name="申请验收").click()
        page.get_by_role("button", name="确认申请验收").click()
        assert "已申请验收" in j.flash()
        assert "待验收" in page.get_by_test_id("alliance-state").inner_text()
        assert page.locator("#item-bodies").get_by_role("link", name="修改").count() == 0
        j.shot("lead-applied")
        url = page.url.split("#")[0]

        # the province assigns the demo expert from its pool
        j.sign_in("henan")
        page.get_by_role("link", name="联盟筹建与验收").click()
        row = page.get_by_test_id("construction-row").filter(has_text=ALLIANCE)
        assert "4 / 4 项" in row.inner_text() and "待验收" in row.inner_text()
        j.shot("province-list")
        row.get_by_role("link", name=ALLIANCE).click()
        candidate = page.get_by_test_id("candidate").filter(has_text="王专家")
        assert "无" in candidate.inner_text()
        candidate.get_by_role("checkbox").check()
        j.shot("province-candidates")
        page.get_by_role("button", name="分配所选专家").click()
        assert "已分配验收评审专家" in j.flash()
        assert "已分配 1 位专家，0 位已提交评分" in page.get_by_test_id("round-status").inner_text()

        # the expert: the task on his home page, the evidence, the scores
        j.sign_in("zhuanjia")
        task = page.locator("main").get_by_role("listitem").filter(has_text=ALLIANCE)
        if task.count() == 0:
            task = page.locator("main tr, main li, main .list-group-item").filter(has_text=ALLIANCE)
        assert task.count() >= 1
        page.get_by_role("link", name="验收评审任务").click()
        j.shot("expert-inbox")
        page.get_by_test_id("acceptance-task").filter(has_text=ALLIANCE).get_by_role("link").click()
        evidence_text = page.locator("#item-technology_plan").inner_text()
        assert OPEN_ITEMS["technology_plan"] in evidence_text and "规划文本.pdf" in evidence_text
        href = page.locator("#item-technology_plan").get_by_role("link", name="规划文本.pdf")
        assert j.get(href.get_attribute("href")).body().startswith(b"%PDF")
        blocks = page.locator("#score .border")
        titles = blocks.locator(".fw-semibold").all_inner_texts()
        assert [t.split(" ")[0] for t in titles] == list(CRITERIA)
        for n, score in enumerate((90, 88, 85, 80)):
            blocks.nth(n).get_by_label("得分").fill(str(score))
            blocks.nth(n).get_by_label("评语").fill(f"第 {n + 1} 项：材料齐全，达到要求。")
        j.shot("expert-scores")
        page.get_by_role("button", name="提交评分").click()
        page.get_by_role("button", name="确认提交评分").click()
        assert "评分已提交" in j.flash()
        assert page.get_by_test_id("score-submitted").is_visible()

        # the province closes the round, reads names and scores, passes
        j.sign_in("henan")
        j.open(url.removeprefix(live_server.url))
        # before closing: the progress only, no scores by name
        assert page.get_by_test_id("acceptance-scores").count() == 0
        assert "专家 1：已提交" in page.locator("#acceptance").inner_text()
        page.get_by_role("button", name="结束验收评审").click()
        page.get_by_role("button", name="确认结束评审").click()
        assert "验收评审已结束" in j.flash()
        scores = page.get_by_test_id("acceptance-scores").inner_text()
        assert "王专家" in scores
        assert page.get_by_test_id("acceptance-mean").inner_text() == "85.75"
        j.shot("province-scores")
        page.get_by_label("验收意见").fill("达到构建要求，同意认定。")
        page.get_by_role("button", name="验收通过，正式认定").click()
        page.get_by_role("button", name="确认验收通过").click()
        assert "联盟已正式认定" in j.flash()
        assert "已认定" in page.get_by_test_id("alliance-state").inner_text()
        j.shot("province-recognised")

        # the certificate: downloaded, read, verified
        with page.expect_download() as info:
            page.get_by_test_id("certificate-download").click()
        text = pdf_text(info.value.path().read_bytes(), tmp_path, "acceptance-certificate.pdf")
        assert "认定证书" in text and ALLIANCE in text and LEAD in text
        assert "正式认定为河南省产业技术创新战略联盟" in text and "河南省科学技术厅" in text
        assert f"{today.year}" in text or "二〇" in text
        code = re.search(r"核验码：([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", text).group(1)
        j.sign_out()
        j.open(f"/verify/{code}")
        verified = j.main_text()
        assert "核验码有效" in verified and "认定证书" in verified and ALLIANCE in verified
        j.shot("verified")

        # the public registry: 已认定 since today
        j.nav("联盟名录")
        row = j.page.locator("tbody tr").filter(has_text=ALLIANCE)
        assert "已认定" in row.inner_text() and today.isoformat() in row.inner_text()
        j.shot("registry")
