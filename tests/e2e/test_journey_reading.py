"""An expert reads what he judges (issue 11): as ``zhuanjia-ly`` (demo expert), open the
assigned Henan proposal from the inbox and read its PDF (shown in the page), its feasibility
report (written online) and its agreement (an uploaded PDF) before scoring.

The demo's Henan proposal reaches the expert through the real services, as the Henan journey
walks it in the browser: 荥阳市 returns it for the agreement and the report, the lead unit
uploads and writes them and submits again (a version with its PDF), the two cities recommend,
the province records the paper copies, accepts, opens a round and assigns ``zhuanjia-ly``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.e2e.browser import ARTEFACTS
from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium, pin_clock

pytestmark = [pytest.mark.e2e, needs_chromium]

PROPOSAL = "河南省高性能铝基新材料产业技术创新战略联盟"
REPORT = "铝基新材料产业链上下游协同攻关高强韧铝合金与再生铝保级利用技术"
AGREEMENT = "联盟协议书（各成员单位盖章）.pdf"


def agreement_pdf() -> bytes:
    from weasyprint import HTML

    html = (
        "<h1 style='font-family: \"Noto Sans CJK SC\", sans-serif'>"
        f"{PROPOSAL}协议书</h1><p style='font-family: \"Noto Serif CJK SC\", serif'>"
        "第一条 联盟成员本着自愿、平等、互利的原则，共同组建本联盟。</p>"
    )
    return HTML(string=html).write_pdf()


def assign_to_zhuanjia_ly(monkeypatch, today) -> int:
    """Everything before the expert reads, through the services; the proposal's id."""
    from lianmeng.core import clock
    from lianmeng.core.errors import ValidationFailed
    from lianmeng.core.models import User
    from lianmeng.experts.models import ExpertProfile
    from lianmeng.experts.services import assign_manually, round_add_proposals, round_create
    from lianmeng.proposals.lifecycle import proposal_transition
    from lianmeng.proposals.materials import material_upload
    from lianmeng.proposals.models import Proposal
    from lianmeng.proposals.submission import proposal_return, proposal_submit
    from lianmeng.proposals.writeups import FEASIBILITY, writeup_save
    from lianmeng.reviews.services import paper_copies_record

    users = {u.username: u for u in User.objects.all()}
    proposal = Proposal.objects.get(name=PROPOSAL, status="submitted")
    pk = proposal.pk
    proposal_return(
        actor=users["xingyang"], pk=pk, reason="请上传盖章的协议书，并在线撰写可行性研究报告。"
    )
    lead = users["shenbao"]
    material_upload(
        actor=lead,
        pk=pk,
        kind="agreement",
        file=SimpleUploadedFile(AGREEMENT, agreement_pdf()),
    )
    for section in FEASIBILITY:
        writeup_save(
            actor=lead,
            pk=pk,
            part="feasibility",
            section=section.key,
            html=f"<p>{section.title[2:]}：{REPORT}。</p>",
        )
    explanations: dict[str, str] = {}
    for _attempt in range(2):
        try:
            proposal_submit(actor=lead, pk=pk, explanations=explanations)
            break
        except ValidationFailed as refused:
            rules = (refused.details or {}).get("rules") or []
            assert rules, refused.message
            explanations = {
                rule: "本联盟与相近联盟的产品和技术路线不同，已在报告中说明。" for rule in rules
            }
    proposal_transition(
        actor=users["xingyang"], pk=pk, transition="recommend_county", reason="同意推荐。"
    )
    proposal_transition(
        actor=users["zhengzhou"], pk=pk, transition="recommend_city", reason="同意推荐。"
    )
    paper_day = datetime.combine(today + timedelta(days=61), time(9, 30), tzinfo=clock.BEIJING)
    pin_clock(monkeypatch, paper_day)
    henan = users["henan"]
    paper_copies_record(
        actor=henan, pk=pk, copies=2, received_at=paper_day, received_by="河南省科技厅"
    )
    proposal_transition(actor=henan, pk=pk, transition="accept", reason="材料齐全，予以受理。")
    round = round_create(actor=henan, profile="henan", call_year=proposal.call_year)
    round_add_proposals(actor=henan, round_id=round.pk, proposal_ids=[pk])
    expert = ExpertProfile.objects.get(user=users["zhuanjia-ly"])
    assign_manually(
        actor=henan, round_id=round.pk, proposal_id=pk, expert_id=expert.pk, reason="材料领域"
    )
    return pk


def test_expert_reads_pdf_report_and_agreement_before_scoring(
    live_server, monkeypatch, settings, tmp_path: Path
):
    from lianmeng.core import clock

    today = clock.beijing_now().date()
    demo_at(
        monkeypatch, settings, tmp_path, datetime.combine(today, time(10, 0), tzinfo=clock.BEIJING)
    )
    pk = assign_to_zhuanjia_ly(monkeypatch, today)

    with browser_page() as page:
        j = Journey(page, live_server.url, "reading")
        j.sign_in("zhuanjia-ly")
        j.nav("评审任务")
        row = page.locator("tbody tr").filter(has_text=PROPOSAL)
        j.shot("expert-inbox")
        row.get_by_role("link", name="阅读申报材料").click()
        page.get_by_role("heading", name="联盟构建建议书（PDF）").wait_for()
        assert page.url.endswith(f"/proposals/{pk}/read/")

        # the submitted version's PDF, shown in the page and offered as a download
        frame = page.get_by_test_id("proposal-pdf")
        src = frame.get_attribute("src")
        shown = j.get(src)
        assert shown.headers["content-type"] == "application/pdf"
        assert shown.headers["content-disposition"].startswith("inline")
        assert shown.body().startswith(b"%PDF")
        download = page.get_by_test_id("pdf-download").get_attribute("href")
        saved = j.get(download)
        assert saved.headers["content-disposition"].startswith("attachment")
        page.wait_for_timeout(1500)  # let the PDF viewer paint before the picture
        j.shot("expert-reading")
        frame.screenshot(path=str(ARTEFACTS / "journey-reading-pdf-frame.png"))

        # the feasibility report written online, read in the page
        page.locator("a.nav-link[href='#feasibility']").click()
        report = page.get_by_test_id("writeup-feasibility")
        assert REPORT in report.inner_text()
        assert "一、联盟构建的目的和意义" in report.inner_text()

        # the agreement: the uploaded PDF opens in a new tab
        agreement = page.get_by_test_id("materials").locator("tr[data-kind=agreement]")
        assert AGREEMENT in agreement.inner_text()
        with page.context.expect_page() as opened:
            agreement.get_by_role("link", name="查看").first.click()
        tab = opened.value
        tab.wait_for_load_state()
        href = agreement.get_by_role("link", name="查看").first.get_attribute("href")
        file = j.get(href)
        assert file.headers["content-type"] == "application/pdf"
        assert file.body().startswith(b"%PDF")
        tab.wait_for_timeout(1000)
        tab.screenshot(path=str(ARTEFACTS / "journey-reading-agreement-tab.png"))
        tab.close()

        # the findings, the duplicate check, the history are there to judge by
        text = j.main_text()
        assert "资格预审" in text and "查重" in text and "退回修改" in text

        # then back to the score form, which links to the same reading view
        page.get_by_test_id("back-to-score").click()
        page.get_by_label("得分").first.wait_for()
        read_link = page.get_by_test_id("read-materials")
        assert read_link.get_attribute("href") == f"/proposals/{pk}/read/"
        j.shot("expert-score-form")

        # in English
        page.goto(f"{live_server.url}/proposals/{pk}/read/")
        page.locator("header form.lm-lang button[value=en]").click()
        page.wait_for_load_state()
        page.get_by_test_id("proposal-pdf").wait_for()
        assert "Read the proposal" in page.title()
        page.wait_for_timeout(1500)
        j.shot("expert-reading-en")
