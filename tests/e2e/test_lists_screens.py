"""Lists and decisions in the browser (issue 11, LISTS): Baoding's decisions page with the
category the 推荐公函 asked for preselected and the batch's 文号 suggested, publishing under it
(the confirmation, then the 文号 in the registry), the decision document downloaded, and the
registry flagging an overdue construction period. Screenshots go to tests/e2e/artefacts."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium, pdf_text

pytestmark = [pytest.mark.e2e, needs_chromium]

PROPOSAL = "保定市光伏新能源产业技术创新战略联盟"


def _overdue_alliance() -> str:
    """A Henan alliance approved in 2018 whose construction period ended 2019-05-20."""
    from datetime import date

    from lianmeng.alliances.models import Alliance
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction, Unit
    from lianmeng.proposals.models import Proposal
    from lianmeng.workflow.models import Deadline, StateChange

    lead = Unit.objects.filter(region__code__startswith="41").order_by("id").first()
    name = "河南省再生铝产业技术创新战略联盟"
    proposal = Proposal.objects.create(
        profile="henan",
        call_year=2018,
        name=name,
        domain="industry",
        focus_area="新材料",
        industry="再生铝",
        lead_unit=lead,
        region=lead.region,
        status="approved_to_build",
        document={"members": []},
        member_count=14,
    )
    start = datetime(2018, 5, 20, 10, 0, tzinfo=clock.BEIJING)
    change = StateChange.objects.create(
        subject_kind="proposal",
        subject_id=proposal.pk,
        from_state="under_review",
        to_state="approved_to_build",
        transition="approve",
        kind="approve",
        label="批准筹建",
        at=start,
    )
    Deadline.objects.create(
        subject_kind="proposal",
        subject_id=proposal.pk,
        kind="construction_period",
        starts_at=start,
        due_at=datetime(2019, 5, 20, 23, 59, tzinfo=clock.BEIJING),
        state_change=change,
    )
    Alliance.objects.create(
        proposal=proposal,
        profile="henan",
        level="provincial",
        name=name,
        domain="industry",
        focus_area="新材料",
        industry="再生铝",
        lead_unit=lead,
        jurisdiction=Jurisdiction.objects.get(code="410000"),
        member_count=14,
        status=Alliance.Status.BUILDING,
        decided_on=date(2018, 5, 20),
        construction_deadline=date(2019, 5, 20),
        authority="河南省科学技术厅",
        reference="豫科〔2018〕66号",
    )
    return name


def test_decisions_reference_document_and_overdue_registry(
    live_server, monkeypatch, settings, tmp_path
):
    from lianmeng.core import clock
    from lianmeng.core.models import User
    from lianmeng.proposals.lifecycle import proposal_transition
    from lianmeng.proposals.models import Proposal

    demo_at(monkeypatch, settings, tmp_path, datetime(2019, 7, 1, 9, 30, tzinfo=clock.BEIJING))
    proposal = Proposal.objects.get(name=PROPOSAL)
    proposal_transition(
        actor=User.objects.get(username="jingxiu"),
        pk=proposal.pk,
        transition="recommend_county",
        reason="同意推荐。",
        data={"category": 2},
    )
    overdue = _overdue_alliance()

    with browser_page() as page:
        j = Journey(page, live_server.url, "lists")
        j.sign_in("baoding")
        j.open("/staff/decisions/")
        page.locator("summary").filter(has_text=PROPOSAL).click()
        select = page.get_by_label("备案类别")
        assert select.input_value() == "2"  # as the 推荐公函 asked
        assert "推荐公函申请类别：二类（产业创新联盟）" in j.main_text()
        j.shot("decisions-category-preselected")
        page.get_by_label("备案", exact=True).check()
        page.get_by_label("理由或意见").fill("符合备案条件，按产业创新联盟备案。")
        page.get_by_role("button", name="暂存决定").click()
        assert "决定已暂存" in j.flash()
        reference = page.locator("#reference").input_value()
        assert reference.startswith("保科〔2019〕")
        j.shot("decisions-reference-suggested")
        page.get_by_role("button", name="发布所选决定").click()
        confirm = page.get_by_role("button", name="确认发布")
        if confirm.count():
            confirm.click()
        assert f"文号：{reference}" in j.flash()
        link = page.get_by_role("link", name="决定书（PDF）").first
        pdf = j.get(link.get_attribute("href")).body()
        text = pdf_text(pdf, tmp_path, "lists-decision.pdf")
        assert reference in text and "关于" in text and "备案的通知" in text
        assert "二类（产业创新联盟）" in text and "核验码" in text
        j.shot("decisions-published")

        j.sign_out()
        j.open("/registry/")
        row = page.locator("tbody tr").filter(has_text=overdue)
        assert "筹建期已过" in row.inner_text() and "2019-05-20" in row.inner_text()
        filed = page.locator("tbody tr").filter(has_text=PROPOSAL)
        assert reference in filed.inner_text() and "筹建期已过" not in filed.inner_text()
        j.shot("registry-overdue-flag")
        page.get_by_label("只看筹建期已过的联盟").check()
        page.get_by_role("button", name="筛选").click()
        assert page.locator("tbody tr").count() == 1
        j.shot("registry-overdue-filter")


def test_county_lists_offer_export_and_only_its_filters(
    live_server, monkeypatch, settings, tmp_path
):
    from lianmeng.core import clock

    demo_at(monkeypatch, settings, tmp_path, datetime(2019, 11, 5, 10, 0, tzinfo=clock.BEIJING))
    with browser_page() as page:
        j = Journey(page, live_server.url, "lists-county")
        j.sign_in("jianxi")
        j.open("/proposals/")
        options = page.locator("select[name=profile] option").all_inner_texts()
        assert options[1:] == ["河南省", "洛阳市"]
        export = page.get_by_role("link", name="导出 XLSX")
        assert export.is_visible()
        j.shot("proposal-list")
        j.open("/reviews/?box=all")
        assert page.get_by_role("link", name="导出 XLSX").is_visible()
        j.shot("inbox")
        j.open("/reviews/recommendations/")
        assert "2019年度" in j.main_text()
        j.shot("recommendations")
