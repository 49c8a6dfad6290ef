"""The web shell in a real browser (Debian chromium via Playwright): what a user sees.

Screenshots go to tests/e2e/artefacts/ (git-ignored) so a person can look at them; the
assertions check the visible Chinese text, the layout and the language switch.
"""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.browser import ARTEFACTS, CHROMIUM, pass_second_factor

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def _no_horizontal_overflow(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the window"


def test_landing_page(page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "产业技术创新战略联盟管理平台"
    assert "联盟管理平台" in page.locator("nav.navbar .navbar-brand").inner_text()
    assert page.get_by_role("link", name="查看政策档案").is_visible()
    assert page.locator("footer").get_by_text("主办：科技主管部门").is_visible()
    # Bootstrap came from our own static files, not a CDN
    assert page.evaluate("getComputedStyle(document.body).display") == "flex"
    _no_horizontal_overflow(page)
    _shot(page, "landing")

    page.set_viewport_size({"width": 375, "height": 740})
    _shot(page, "landing-mobile")
    _no_horizontal_overflow(page)
    assert page.locator(".navbar-toggler").is_visible()


def test_policy_page(page, live_server):
    page.goto(live_server.url + "/policies/")
    assert page.locator("h1").inner_text() == "政策档案"
    page.get_by_role("link", name="河南省", exact=True).click()
    page.wait_for_url("**/policies/henan/")
    assert page.get_by_role("heading", name="适用的条件").is_visible()
    row = page.locator("#rule-members\\.min_count")
    assert row.get_by_text("原则上").is_visible()
    assert row.get_by_text("二(一)2(3)").is_visible()
    assert row.get_by_text("成员单位至少").is_visible()
    _no_horizontal_overflow(page)
    _shot(page, "policy-henan")

    page.goto(live_server.url + "/policies/baoding/")
    assert page.get_by_role("heading", name="其他政策参数").is_visible()
    assert page.get_by_text("备案类别").first.is_visible()
    page.set_viewport_size({"width": 375, "height": 740})
    _shot(page, "policy-baoding-mobile")
    _no_horizontal_overflow(page)


def test_login_page_with_wrong_password(page, live_server, make_user):
    user = make_user(["recommender"], jurisdiction="410305")
    page.goto(live_server.url + "/accounts/login/")
    assert page.get_by_role("heading", name="登录联盟管理平台").is_visible()
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录", exact=True).click()
    assert page.get_by_role("alert").inner_text().strip() == "用户名或密码不正确，请重新输入。"
    _no_horizontal_overflow(page)
    _shot(page, "login-error")


def test_home_page_of_a_county_bureau(page, live_server, make_user):
    user = make_user(["recommender"], jurisdiction="410305")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url("**/home/")
    assert page.locator("h1").inner_text() == "推荐部门工作台"
    assert page.get_by_role("heading", name="本辖区（涧西区）的申报").is_visible()
    assert page.get_by_text("欢迎，").is_visible()
    _no_horizontal_overflow(page)

    page.locator(".lm-user").click()
    menu = page.locator(".lm-user-menu")
    assert menu.get_by_text("推荐部门").is_visible()
    assert menu.get_by_text("涧西区").is_visible()
    assert menu.get_by_role("button", name="退出").is_visible()
    _shot(page, "home-recommender")

    page.keyboard.press("Escape")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Recommending department workspace"
    assert page.locator("html").get_attribute("lang") == "en"
    _shot(page, "home-recommender-en")

    page.set_viewport_size({"width": 375, "height": 740})
    _shot(page, "home-recommender-en-mobile")
    _no_horizontal_overflow(page)


def _sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    pass_second_factor(page, user.username)
    page.wait_for_url("**/home/")


def test_proposal_list_and_detail_of_a_city_bureau(page, live_server, make_user, make_unit):
    from lianmeng.proposals.models import Proposal

    lead = make_unit("410305", name="洛阳轴承研究所有限公司")
    members = [
        {
            "name": lead.name,
            "uscc": lead.uscc,
            "role": "lead",
            "kind": "enterprise",
            "chain_position": "midstream",
            "legal_representative": "王建国",
            "signed_agreement": True,
        },
        {
            "name": "河南科技大学",
            "org_code": "41710001X",
            "kind": "university",
            "legal_representative": "李明",
            "signed_agreement": True,
            "platforms": [{"name": "轴承国家重点实验室", "level": "national"}],
        },
        {
            "name": "洛阳LYC轴承有限公司",
            "uscc": make_unit("410311").uscc,
            "kind": "enterprise",
            "chain_position": "downstream",
            "signed_agreement": False,
        },
    ]
    proposal = Proposal.objects.create(
        profile="luoyang",
        call_year=2020,
        name="洛阳市高端轴承产业技术创新战略联盟",
        domain="industry",
        industry="轴承",
        lead_unit=lead,
        region=lead.region,
        status="submitted",
        document={"members": members},
        member_count=len(members),
    )
    _sign_in(page, live_server, make_user(["competent"], jurisdiction="410300"))
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="申报管理").click()
    page.wait_for_url("**/proposals/")
    assert page.locator("h1").inner_text() == "联盟构建申报"
    _no_horizontal_overflow(page)
    _shot(page, "proposal-list")

    page.get_by_role("link", name=proposal.name).click()
    page.wait_for_url(f"**/proposals/{proposal.pk}/")
    roster = page.locator("table").last
    assert roster.get_by_text("河南科技大学").is_visible()
    assert roster.get_by_text("未签署").is_visible()
    assert page.get_by_role("link", name="导出 JSON").is_visible()
    _no_horizontal_overflow(page)
    _shot(page, "proposal-detail")


def test_audit_log_and_verification(page, live_server, make_user):
    _sign_in(page, live_server, make_user(["auditadmin"]))
    page.get_by_role("button", name="校验审计链").click()
    page.wait_for_url("**/audit/")
    assert "审计链完整（共" in page.get_by_role("status").first.inner_text()
    assert page.get_by_text("lianmeng.auth.login.succeeded").first.is_visible()
    _no_horizontal_overflow(page)
    _shot(page, "audit-log")
