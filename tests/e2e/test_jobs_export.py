"""A large export in a real browser (issue 17): the province exports the registry, lands on
the job's progress page, watches the bar reach 100 % and downloads a workbook that opens."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection

from lianmeng.core.roles import Role
from tests.alliances.test_registry import _alliance
from tests.conftest import PASSWORD
from tests.e2e.browser import ARTEFACTS, CHROMIUM, pass_second_factor

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


def test_the_province_exports_the_registry_through_a_job(
    browser, live_server, make_unit, make_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "files"
    # as `make run`: a thread of the server runs it. The tests' in-memory SQLite (shared
    # cache) locks whole tables between connections, so there the request runs it itself
    settings.LIANMENG_JOBS_MODE = "thread" if connection.vendor == "postgresql" else "eager"
    settings.LIANMENG_JOBS_DIRECT_ROWS = 2
    names = [f"洛阳第{i}产业技术创新战略联盟" for i in range(1, 6)]
    for name in names:
        _alliance(make_unit, name=name)
    province = make_user([Role.COMPETENT], jurisdiction="410000")

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(province.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    pass_second_factor(page, province.username)
    page.wait_for_url("**/home/")

    page.goto(live_server.url + "/registry/?q=洛阳")
    page.get_by_role("link", name="导出 XLSX").click()
    page.wait_for_url("**/jobs/*/")
    assert page.locator("h1").inner_text() == "导出联盟名录（XLSX）"
    download_button = page.get_by_test_id("job-download")
    download_button.wait_for(state="visible", timeout=30_000)
    assert page.get_by_test_id("job-state").inner_text() == "已完成"
    assert page.get_by_test_id("job-percent").inner_text() == "100%"
    assert page.locator("#job-progress").get_attribute("value") == "100" or (
        page.eval_on_selector("#job-progress", "bar => bar.value") == 100
    )
    page.screenshot(path=str(ARTEFACTS / "job-export.png"), full_page=True)
    with page.expect_download() as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename == "联盟名录.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted(names)

    page.goto(live_server.url + "/jobs/")
    assert page.get_by_test_id("job-row").count() == 1
    page.screenshot(path=str(ARTEFACTS / "job-list.png"), full_page=True)
    context.close()
