"""The issue-3 acceptance journey, walked in Debian's chromium as a lead unit's staff would.

Log in; open the open call from the public 申报通知 page and press 在线申报; fill every section of
the 建议书 (an invalid postcode first: explained in Chinese, kept after a reload, then put
right); import a 12-member roster from XLSX with two bad rows (both reported with their row
numbers, the ten others kept); fill section 三 for the main members; write the feasibility
report online; attach the required materials and see a forged ``x.pdf`` refused; watch the
eligibility panel turn green; submit with a double click (one version stored); download the
PDF and read it with pdftotext and pdffonts; verify the copy as the public.

Only the accounts and the call are made in Python; everything else goes through the pages.
A screenshot of each step is kept in tests/e2e/artefacts/journey-filing-NN-<step>.png.
"""

from __future__ import annotations

import re
import subprocess
import threading
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import PASSWORD
from tests.e2e.browser import ARTEFACTS, CHROMIUM
from tests.proposals.roster.xlsx_fixtures import (
    CHECK_DIGIT_ROW,
    DUPLICATE_ROW,
    good_rows,
    roster_xlsx_with_bad_rows,
)

#: the moment the journey happens (Beijing time); the call is open around it
PINNED = datetime(2025, 9, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
LEAD_NAME = "洛阳精工轴承集团股份有限公司"
ALLIANCE = "河南省高端精密轴承产业技术创新战略联盟"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


# -- files the lead unit's staff have on their disk -------------------------------------------


def minimal_pdf(title: str) -> bytes:
    """A valid one-page PDF (xref offsets computed) saying ``title`` in Helvetica."""
    text = title.encode("ascii")
    stream = zlib.compress(b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# -- browser -----------------------------------------------------------------------------------


@pytest.fixture
def serial_server(live_server):
    """One request at a time, and none while the test reads the database.

    The live server shares the test's in-memory SQLite connection with every request thread;
    the page's background saves and panel refreshes would otherwise run their transactions on
    that one connection at the same time ("database table is locked"). A file database (as in
    production, with a busy timeout) or PostgreSQL simply waits.
    """
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    lock = threading.RLock()

    def serial(environ, start_response):
        with lock:
            response = app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()

    httpd.set_app(serial)
    yield lock
    httpd.set_app(app)


class Journey:
    """The page, and a numbered screenshot per step."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.url = base_url
        self.step = 0

    def shot(self, name: str) -> None:
        self.step += 1
        self.page.screenshot(
            path=str(ARTEFACTS / f"journey-filing-{self.step:02d}-{name}.png"), full_page=True
        )

    def field(self, name: str):
        return self.page.locator(f'#lm-section-form [name="{name}"]')

    def fill(self, values: dict[str, str]) -> None:
        for name, value in values.items():
            self.field(name).fill(value)

    def choose(self, name: str, value: str) -> None:
        self.page.locator(f'#lm-section-form input[name="{name}"][value="{value}"]').check()

    def save_and_continue(self, next_path: str) -> None:
        self.page.locator("#lm-section-form button[name=continue]").click()
        self.page.wait_for_url(f"**{next_path}")
        self.page.wait_for_load_state("networkidle")


# -- the journey -------------------------------------------------------------------------------


def test_lead_unit_files_its_alliance_online(
    browser, live_server, serial_server, make_unit, make_user, settings, tmp_path, monkeypatch
):
    from lianmeng.calls.services import call_create, call_publish
    from lianmeng.core import clock
    from lianmeng.core.roles import Role
    from lianmeng.policy.loader import get_profile
    from lianmeng.proposals.models import Proposal, ProposalVersion

    settings.MEDIA_ROOT = tmp_path / "files"
    monkeypatch.setattr(clock, "now", lambda: PINNED)
    required = [m.value.kind for m in get_profile("henan").materials]
    call = call_create(
        actor=None,
        jurisdiction="410000",
        profile="henan",
        year=PINNED.year,
        title=f"关于组织申报{PINNED.year}年河南省产业技术创新战略联盟的通知",
        online_opens=(PINNED - timedelta(days=20)).date(),
        online_closes=(PINNED + timedelta(days=20)).date(),
        scope="围绕我省重点产业链，支持企业牵头、产学研用协同的产业技术创新战略联盟。",
        focus_areas=["新一代信息技术", "高端装备制造", "新材料"],
        required_materials=required,
    )
    call_publish(actor=None, pk=call.pk)
    unit = make_unit("410305", name=LEAD_NAME, kind="enterprise")
    user = make_user([Role.APPLICANT], unit=unit)

    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    j = Journey(page, live_server.url)
    # nothing the pages ask for is missing or breaks (the forged upload is a 422, expected)
    broken: list[str] = []
    page.on(
        "response",
        lambda r: (
            broken.append(f"{r.status} {r.url}") if r.status == 404 or r.status >= 500 else None
        ),
    )

    # 1. log in with the login form's own button (the navbar's language buttons submit too)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    j.shot("login")
    page.locator("main").get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/home/")
    j.shot("home")

    # 2. the public 申报通知 page, the call, 在线申报
    page.get_by_role("link", name="申报通知").first.click()
    page.wait_for_url("**/calls/")
    page.get_by_role("link", name=call.title).click()
    page.wait_for_url(f"**/calls/{call.pk}/")
    j.shot("call")
    page.get_by_role("button", name="在线申报").click()
    page.wait_for_url("**/edit/section/facts/")
    with serial_server:
        proposal = Proposal.objects.get(call=call)
    assert proposal.lead_unit_id == unit.pk
    assert "已创建申报草稿" in page.locator("body").inner_text()

    # 3. 一、联盟基本情况
    j.fill({"name": ALLIANCE})
    j.choose("domain", "industry")
    j.fill(
        {
            "focus_area": "高端装备制造",
            "industry": "轴承及精密传动部件制造",
            "product": "高端精密轴承、风电主轴轴承",
            "recommender.name": "洛阳市科学技术局",
            "contact.name": "王建国",
            "contact.phone": "0379-64881234",
            "contact.fax": "0379-64881235",
            "contact.mobile": "13803790001",
            "contact.email": "wangjg@lyjg-bearing.cn",
            "texts.lead_unit_standing": (
                "国家高新技术企业，建有省精密轴承工程技术研究中心，主导制定国家标准 6 项，"
                "风电主轴轴承国内市场占有率居前三位，承担国家重点研发计划项目 2 项。"
            ),
        }
    )
    j.field("level").select_option("provincial")
    j.shot("facts")
    j.save_and_continue("/edit/section/lead/")

    # 4. 二、牵头单位基本情况 — an invalid postcode first
    # choices first: a field saved in the background with an error brings up an alert above
    # the form, which moves everything below it
    j.choose("lead_unit.nature", "enterprise")
    j.choose("lead_unit.registration_type", "joint_stock")
    for value in ("high_tech_enterprise", "engineering_research_center"):
        j.choose("lead_unit.qualifications", value)
    j.fill(
        {
            "lead_unit.registered_on": "2001-06-18",
            "lead_unit.address": "河南省洛阳市涧西区建设路 96 号",
            "lead_unit.postcode": "45A",
            "lead_unit.industrial_cluster": "洛阳市涧西装备制造产业集聚区",
            "lead_unit.high_tech_zone": "洛阳国家高新技术产业开发区",
            "lead_unit.employees": "3200",
            "lead_unit.mid_title_staff": "420",
            "lead_unit.senior_title_staff": "180",
            "lead_unit.registered_capital": "52000",
            "lead_unit.total_assets": "386000",
            "lead_unit.revenue": "215000",
            "lead_unit.net_profit": "12800.5",
            "lead_unit.tax_paid": "9600",
            "lead_unit.export_usd_wan": "3200",
            "lead_unit.debt_ratio_pct": "46.5",
            "lead_unit.rd_expense": "9800",
        }
    )
    with page.expect_navigation():  # the post waits for a background save under way
        page.locator("#lm-section-form button[name=save]").click()
    assert "已保存" in page.locator("main").inner_text()
    error = page.locator('[data-field="lead_unit.postcode"] .lm-error')
    error.wait_for()
    postcode_error = error.inner_text()
    assert re.search(r"邮编|6 位", postcode_error), postcode_error
    j.shot("lead-invalid-postcode")
    page.reload()
    assert j.field("lead_unit.postcode").input_value() == "45A"
    assert j.field("lead_unit.employees").input_value() == "3200"
    assert error.inner_text() == postcode_error
    j.fill({"lead_unit.postcode": "471039"})
    j.save_and_continue("/edit/main-members/")
    with serial_server:
        assert not Proposal.objects.get(pk=proposal.pk).form_state.get("lead")

    # 5. the roster first (section 三 lists its first five): the XLSX with two bad rows
    page.locator("nav.col-lg-3").get_by_role("link", name="成员单位名单").click()
    page.wait_for_url("**/edit/members/")
    workbook = tmp_path / "成员单位名单.xlsx"
    workbook.write_bytes(roster_xlsx_with_bad_rows("410305"))
    page.set_input_files("#import-file", str(workbook))
    with page.expect_navigation():
        page.get_by_role("button", name="导入", exact=True).click()
    report = page.locator("#import-report")
    report.wait_for()
    report_text = report.inner_text()
    assert "已导入 10 家" in report_text
    assert "2 行未导入" in report_text
    assert f"第 {CHECK_DIGIT_ROW} 行" in report_text
    assert f"第 {DUPLICATE_ROW} 行" in report_text
    j.shot("roster-imported")
    rows = report.locator("tbody tr")
    assert rows.count() == 2
    assert "校验" in rows.nth(0).inner_text()
    assert "重复" in rows.nth(1).inner_text()
    with serial_server:
        stored = Proposal.objects.get(pk=proposal.pk).document["members"]
    assert len(stored) == 11
    expected = [r["单位名称"] for r in good_rows("410305", 12)]
    kept = [n for i, n in enumerate(expected, start=2) if i not in (CHECK_DIGIT_ROW, DUPLICATE_ROW)]
    assert [m["name"] for m in stored[1:]] == kept
    roster_text = page.locator("ol.lm-roster").inner_text()
    assert all(name in roster_text for name in kept)

    # 6. 三、主要成员单位
    page.locator("nav.col-lg-3").get_by_role("link", name="三、主要成员单位").click()
    page.wait_for_url("**/edit/main-members/")
    cards = page.locator(".lm-main-card")
    assert cards.count() == 5
    for position in range(5):
        prefix = f"#m{position}"
        page.fill(f"{prefix}-fax", f"0379-6488{position:04d}")
        page.fill(f"{prefix}-liaison", ["王建国", "李明", "张华", "刘洋", "陈静"][position])
        page.fill(f"{prefix}-mobile", f"1380379{position:04d}")
        page.fill(f"{prefix}-email", f"liaison{position}@example.cn")
        page.fill(
            f"{prefix}-standing",
            [
                "轴承行业龙头企业",
                "轴承摩擦学研究国内领先",
                "高端轴承钢供应骨干",
                "船舶材料研究国家队",
            ][position % 4]
            + "，在联盟中承担关键任务。",
        )
    j.shot("main-members")
    with page.expect_navigation():
        page.locator("#main-members-form").get_by_role(
            "button", name="保存", exact=True
        ).last.click()
    assert page.locator("#m1-liaison").input_value() == "李明"

    # 7. 四 to 十 and 协议要点, in the order of the left-hand navigation
    page.locator("nav.col-lg-3").get_by_role("link", name="四、运行管理基本情况").click()
    page.wait_for_url("**/edit/section/governance/")
    j.fill(
        {
            "governance.council_size": "15",
            "governance.expert_committee_size": "11",
            "governance.meetings.member_assembly": "1",
            "governance.meetings.council": "2",
            "governance.meetings.supervisory_board": "1",
            "governance.meetings.expert_committee": "2",
            "governance.meetings.annual": "1",
            "governance.secretariat_fulltime_staff": "4",
            "governance.staff_sources.recruited": "2",
            "governance.staff_sources.lead_unit": "1",
            "governance.staff_sources.other_members": "1",
            "governance.operating_budget": "120",
            "governance.budget_sources.member_fees": "40",
            "governance.budget_sources.lead_unit": "60",
            "governance.budget_sources.market": "10",
            "governance.budget_sources.other": "10",
        }
    )
    for name in (
        "has_decision_body",
        "has_advisory_body",
        "has_executive_body",
        "has_office",
        "rules.charter",
        "rules.project_management",
        "rules.fund_management",
        "rules.personnel_management",
        "rules.ip_management",
        "rules.standards_management",
        "standards_committee",
        "ip_staff",
    ):
        j.choose(f"governance.{name}", "true")
    j.choose("governance.patent_pool", "false")
    j.shot("governance")
    j.save_and_continue("/edit/section/background/")

    texts = {
        "background": (
            "texts.background",
            "我省轴承产业规模居全国前列，但高端精密轴承仍依赖进口，关键材料、热处理和检测"
            "环节协同不足。组建联盟可集聚上下游创新资源，突破风电、机床主轴轴承核心技术。",
            "/edit/section/plan/",
        ),
        "plan": (
            "texts.plan",
            "建设期内：第一年完善联盟章程和管理制度，建立共享检测平台；第二年联合攻关风电主轴"
            "轴承长寿命设计与制造技术；第三年形成联盟标准 3 项，实现关键产品国产化替代。",
            "/edit/section/kpis/",
        ),
    }
    for key, (name, text, next_path) in texts.items():
        j.fill({name: text})
        j.shot(key)
        j.save_and_continue(next_path)

    # 七、预期绩效指标: the whole table
    kpis = page.locator("#lm-section-form input.lm-num")
    count = kpis.count()
    assert count > 40
    for index in range(count):
        kpis.nth(index).fill(str(index % 9 + 1))
    j.fill({"expected_kpis.other": "新产品 8 项，新工艺 5 项，建成风电轴承示范生产线 1 条。"})
    j.shot("kpis")
    j.save_and_continue("/edit/section/foundation/")

    later = {
        "foundation": (
            "texts.foundation",
            "牵头单位与河南科技大学共建国家地方联合工程实验室，成员单位拥有省级以上研发平台 "
            "5 个、大型检测设备 120 余台套，近三年联合承担省部级以上项目 11 项。",
            "/edit/section/benefits/",
        ),
        "benefits": (
            "texts.benefits",
            "预计建设期内新增产值 15 亿元、带动就业 1200 人，单位产品能耗下降 8%，"
            "带动省内轴承钢、热处理、润滑材料等配套企业 60 余家协同发展。",
            "/edit/section/opinion/",
        ),
        "opinion": (
            "texts.lead_unit_opinion",
            "同意牵头组建该联盟，所填内容真实有效，并承诺提供联盟运行所需的场地和经费支持。",
            "/edit/section/agreement_facts/",
        ),
    }
    for key, (name, text, next_path) in later.items():
        j.fill({name: text})
        j.shot(key)
        j.save_and_continue(next_path)

    # 联盟协议要点
    j.fill(
        {
            "agreement.signed_on": "2025-08-28",
            "agreement.term_years": "5",
            "agreement.external_liability_party": LEAD_NAME,
        }
    )
    for name in (
        "legally_binding",
        "has_innovation_goals",
        "has_task_division",
        "has_ip_and_benefit_rules",
        "has_liability_clause",
        "has_join_exit_rules",
        "has_dissemination_duty",
        "has_dissolution_rules",
    ):
        j.choose(f"agreement.{name}", "true")
    j.shot("agreement-facts")
    j.save_and_continue("/edit/members/")

    # 8. 可行性研究报告, written online section by section
    page.locator("nav.col-lg-3").get_by_role("link", name="可行性研究报告").click()
    page.wait_for_url("**/edit/writeups/feasibility/")
    forms = page.locator("form.lm-writeup-form")
    for index in range(forms.count()):
        form = forms.nth(index)
        editor = form.locator(".lm-writeup-editor")
        editor.click()
        page.keyboard.type(f"第{index + 1}节：联盟围绕高端精密轴承产业链开展协同创新的论证内容。")
        with page.expect_navigation():
            form.get_by_role("button", name="保存本节").click()
        forms = page.locator("form.lm-writeup-form")
    assert "第一至六节均已填写" in page.locator("main").inner_text()
    j.shot("feasibility")

    # 9. 申报材料附件: the 建议书 (this online form) and the 推荐表 (the recommending
    # department's) are made by the system, the report was written online; only the signed
    # agreement is uploaded, after a forged x.pdf is refused
    page.locator("nav.col-lg-3").get_by_role("link", name="申报材料附件").click()
    page.wait_for_url("**/edit/materials/")
    assert "无需上传" in page.locator("#k-proposal_form").inner_text()
    assert "由推荐部门推荐时在系统中生成" in page.locator("#k-recommendation_form").inner_text()
    assert "已在线填写" in page.locator("#k-feasibility_report").inner_text()
    assert "未上传" in page.locator("#k-agreement").inner_text()
    assert set(required) == {
        "proposal_form",
        "feasibility_report",
        "recommendation_form",
        "agreement",
    }
    forged = tmp_path / "x.pdf"
    forged.write_text("<!DOCTYPE html><html><body>not a pdf</body></html>", encoding="utf-8")
    page.set_input_files("#f-agreement", str(forged))
    with page.expect_navigation():
        page.locator("#k-agreement").get_by_role("button", name="上传").click()
    refusal = page.locator("#e-agreement")
    refusal.wait_for()
    assert "网页" in refusal.inner_text(), refusal.inner_text()
    j.shot("materials-forged-refused")
    path = tmp_path / "协议书（签章）.pdf"
    path.write_bytes(minimal_pdf("agreement signed and sealed"))
    page.set_input_files("#f-agreement", str(path))
    with page.expect_navigation():
        page.locator("#k-agreement").get_by_role("button", name="上传").click()
    page.locator("#k-agreement .lm-files").wait_for()
    assert "所需材料均已提供" in page.locator("main").inner_text()
    j.shot("materials")

    # 10. one rule still fails: the lead unit's own legal representative has not signed. The
    # panel says so and links to where it is put right; the lead's row says it too.
    panel = page.locator("#lm-panel")
    unsigned = panel.locator('.lm-finding[data-rule="agreement.signed"][data-status="fail"]')
    assert LEAD_NAME in unsigned.inner_text()
    assert panel.locator('.lm-finding[data-status="fail"]').count() == 1
    unsigned.get_by_role("link", name="去修改").click()
    page.wait_for_url("**/edit/members/")
    lead_row = page.locator("#m0")
    assert "协议未签署" in lead_row.inner_text()
    j.shot("lead-unsigned")
    lead_row.get_by_role("link", name="编辑").click()
    page.wait_for_url("**/edit/members/0/edit/")
    page.select_option("#f-chain", label="中游")
    page.fill("#f-legal", "赵立新")
    page.check("#f-signed")
    page.fill("#f-liaison-name", "王建国")
    page.fill("#f-liaison-mobile", "13803790001")
    page.fill("#p0-name", "河南省高端轴承工程技术研究中心")
    page.select_option("#p0-level", label="省级")
    j.shot("lead-edit")
    page.locator("form.lm-member-form").get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(re.compile(r"/edit/members/\?page=1"))
    assert "法定代表人已签署协议" in page.locator("#m0").inner_text()

    # 11. the eligibility panel is green
    panel = page.locator("#lm-panel")
    panel.get_by_text("资格预审全部通过").wait_for()
    j.shot("panel-green")

    # 12. 提交申报, double-clicked
    page.locator("nav.col-lg-3").get_by_role("link", name="提交申报").click()
    page.wait_for_url("**/submit/")
    assert page.get_by_test_id("time-left").inner_text().startswith("还剩")
    j.shot("submit")
    page.locator("#submit-form button[type=submit]").dblclick()
    page.wait_for_url(f"**/proposals/{proposal.pk}/versions/1/")
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "提交成功" in main
    j.shot("version")
    with serial_server:
        assert ProposalVersion.objects.filter(proposal_id=proposal.pk).count() == 1
    code = page.locator("dd.font-monospace.fw-semibold").first.inner_text().strip()
    assert code

    # 13. the PDF: every member's name, fonts embedded
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 PDF").click()
    download = info.value
    assert download.suggested_filename == f"{ALLIANCE}-第1版.pdf"
    pdf = ARTEFACTS / "journey-filing-proposal.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert ALLIANCE in flat
    for name in [LEAD_NAME, *kept]:
        assert name in flat, name
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts

    # 14. the public verifies the paper copy
    public = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    visitor = public.new_page()
    visitor.goto(f"{live_server.url}/verify/{code.replace(' ', '')}")
    verified = visitor.locator("main").inner_text()
    assert "核验码有效" in verified
    with serial_server:
        version = ProposalVersion.objects.get(proposal_id=proposal.pk)
    assert version.sha256 in verified.replace("\n", "")
    visitor.screenshot(path=str(ARTEFACTS / f"journey-filing-{j.step + 1:02d}-verify.png"))
    public.close()
    context.close()
    assert not broken, broken


def test_continue_while_a_background_save_is_under_way_is_not_a_conflict(
    browser, live_server, serial_server, make_user, monkeypatch
):
    """Typing in one field, then another, then 保存并继续 while the first field's background
    save is still on its way: the form is posted once that save is back, and no further
    background save may slip in between (it would make the posted form look stale: 409)."""
    import json

    from lianmeng.core import clock
    from lianmeng.proposals.models import Proposal
    from lianmeng.proposals.services import proposal_import

    monkeypatch.setattr(clock, "now", lambda: datetime(2020, 9, 1, 10, tzinfo=clock.BEIJING))
    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    document = json.loads((examples / "henan-valid.json").read_text(encoding="utf-8"))
    document.pop("submitted_at")
    proposal = proposal_import(actor=None, document=document)
    user = make_user(["applicant"], unit=proposal.lead_unit)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/home/")
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/edit/section/facts/")
    page.wait_for_load_state("networkidle")

    serial_server.acquire()  # the server answers nothing until released
    try:
        page.locator('[name="industry"]').fill("轴承制造")
        page.locator('[name="product"]').focus()  # leaving 产业: its save goes out and waits
        page.locator('[name="product"]').fill("风电主轴轴承")
        page.locator("#lm-section-form button[name=continue]").click()
    finally:
        serial_server.release()
    page.wait_for_url("**/edit/section/lead/")
    assert "已保存" in page.locator("main").inner_text()
    with serial_server:
        saved = Proposal.objects.get(pk=proposal.pk).document
    assert (saved["industry"], saved["product"]) == ("轴承制造", "风电主轴轴承")
    context.close()
