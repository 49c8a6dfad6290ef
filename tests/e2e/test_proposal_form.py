"""The 建议书 form in a real browser: autosave, counters, the live eligibility panel.

Screenshots of every section go to tests/e2e/artefacts/ (git-ignored).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.browser import ARTEFACTS, CHROMIUM

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SECTIONS = (
    "facts",
    "lead",
    "governance",
    "background",
    "plan",
    "kpis",
    "foundation",
    "benefits",
    "opinion",
    "agreement_facts",
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def applicant_and_draft(make_user, monkeypatch):
    from lianmeng.core import clock
    from lianmeng.proposals.services import proposal_import

    # within the 2020 Henan call's online window, so the example passes every rule
    monkeypatch.setattr(clock, "now", lambda: datetime(2020, 9, 1, 10, 0, tzinfo=clock.BEIJING))

    document = json.loads((EXAMPLES / "henan-valid.json").read_text(encoding="utf-8"))
    document.pop("submitted_at")
    proposal = proposal_import(actor=None, document=copy.deepcopy(document))
    return make_user(["applicant"], unit=proposal.lead_unit), proposal


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def _sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/home/")


def _autosaved(page) -> None:
    # a locator, not wait_for_function: the pages' CSP forbids evaluating strings
    expect(page.locator("#lm-autosave-status")).to_have_text(
        re.compile(r"^已自动保存"), timeout=10_000
    )


def test_typing_is_autosaved_and_survives_a_reload(page, live_server, applicant_and_draft):
    user, proposal = applicant_and_draft
    _sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/edit/")
    page.wait_for_url("**/edit/section/facts/")
    assert page.locator("#lm-panel").get_by_text("资格预审全部通过").is_visible()

    standing = "牵头单位是国家高新技术企业，铝板带箔产能居全省第一。"
    box = page.get_by_label("牵头单位在行业（领域）中的地位")
    box.fill("")
    box.press_sequentially(standing, delay=5)
    counter = page.locator("#f-texts-lead-unit-standing-counter")
    assert counter.inner_text() == f"已输入 {len(standing)} / 200 字"
    _autosaved(page)

    page.reload()
    assert page.get_by_label("牵头单位在行业（领域）中的地位").input_value() == standing
    assert counter.inner_text() == f"已输入 {len(standing)} / 200 字"
    assert "text-danger" not in (counter.get_attribute("class") or "")

    # over the seed's limit: the counter turns red, the text is kept and explained
    box.fill("长" * 205)
    assert "text-danger" in counter.get_attribute("class")
    _autosaved(page)
    error = page.locator("#f-texts-lead-unit-standing-error")
    assert error.inner_text() == "不能超过 200 字（当前 205 字），请精简后再保存"
    _shot(page, "section-facts-over-limit")
    page.reload()
    assert page.get_by_label("牵头单位在行业（领域）中的地位").input_value() == "长" * 205
    assert "当前 205 字" in error.inner_text()

    # the panel follows each autosave: without a name the proposal cannot be judged
    page.get_by_label("联盟名称").fill("")
    page.get_by_label("产业（行业）").click()
    _autosaved(page)
    panel = page.locator("#lm-panel")
    panel.get_by_text("填写完整后即可预审").wait_for(timeout=10_000)
    assert panel.get_by_text("联盟名称").is_visible()
    _shot(page, "section-facts-panel-incomplete")
    page.get_by_label("联盟名称").fill("河南省高性能铝基新材料产业技术创新战略联盟")
    page.get_by_label("产业（行业）").click()
    _autosaved(page)
    panel.get_by_text("资格预审").first.wait_for()
    page.locator("#lm-panel .lm-finding").first.wait_for(timeout=10_000)


def test_invalid_numbers_are_explained_live_and_kept(page, live_server, applicant_and_draft):
    user, proposal = applicant_and_draft
    _sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/edit/section/lead/")
    page.get_by_label("职工总数").fill("两千")
    page.get_by_label("邮编").fill("4501")
    page.get_by_label("邮编").blur()
    _autosaved(page)
    assert page.locator("#f-lead-unit-employees-error").inner_text() == "请输入不小于 0 的整数"
    assert "邮政编码应为 6 位数字" in page.locator("#f-lead-unit-postcode-error").inner_text()
    assert "有 2 项填写有误，已原样保留" in page.get_by_role("alert").first.inner_text()
    _shot(page, "section-lead-errors")
    page.reload()
    assert page.get_by_label("职工总数").input_value() == "两千"
    assert page.get_by_label("邮编").input_value() == "4501"


def test_a_colleague_save_is_never_overwritten_silently(
    page, live_server, applicant_and_draft, make_user
):
    from lianmeng.proposals.sections import proposal_section_save

    user, proposal = applicant_and_draft
    colleague = make_user(["applicant"], unit=proposal.lead_unit)
    _sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/edit/section/facts/")
    proposal_section_save(
        actor=colleague, pk=proposal.pk, section="facts", data={"product": "铝箔"}, revision=0
    )
    page.get_by_label("产品（品种）").fill("罐料")
    page.get_by_label("产品（品种）").blur()
    alert = page.locator("#lm-form-alert .alert-warning")
    alert.wait_for(timeout=10_000)
    assert "同事在您打开本页后修改并保存了这一部分" in alert.inner_text()
    assert page.get_by_label("产品（品种）").input_value() == "罐料"
    _shot(page, "section-conflict-autosave")

    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_label("产品（品种）").input_value() == "罐料"
    assert page.get_by_text("同事已保存为：铝箔").is_visible()
    _shot(page, "section-conflict-page")
    proposal.refresh_from_db()
    assert proposal.document["product"] == "铝箔"


def test_every_section_looks_like_the_form(page, live_server, applicant_and_draft, make_user):
    from lianmeng.proposals.models import Proposal
    from lianmeng.proposals.services import proposal_import

    user, proposal = applicant_and_draft
    for name, industry, product in (
        ("河南省铝合金精深加工产业技术创新战略联盟", "铝合金精深加工", "高性能铝合金板带箔"),
        ("河南省铝基新材料产业联盟", "有色金属", "铝锭"),
        ("河南省高性能铝材应用产业技术创新战略联盟", "装备制造", "航空铝材"),
    ):
        document = dict(
            copy.deepcopy(proposal.document), name=name, industry=industry, product=product
        )
        other = proposal_import(actor=None, document=document)
        Proposal.objects.filter(pk=other.pk).update(status=Proposal.Status.SUBMITTED)
    _sign_in(page, live_server, user)
    for key in SECTIONS:
        page.goto(f"{live_server.url}/proposals/{proposal.pk}/edit/section/{key}/")
        assert page.locator("#lm-section-form").is_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{key}: page is {overflow}px wider than the window"
        _shot(page, f"section-{key}")
    page.set_viewport_size({"width": 375, "height": 740})
    for key in ("facts", "kpis"):
        page.goto(f"{live_server.url}/proposals/{proposal.pk}/edit/section/{key}/")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{key} on a phone: {overflow}px too wide"
        _shot(page, f"section-{key}-mobile")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/edit/check/")
    assert page.get_by_role("heading", name="查重：相近的联盟和在审申报").is_visible()
    assert page.locator(".lm-dup-table tbody tr").count() == 3
    _shot(page, "section-check")
