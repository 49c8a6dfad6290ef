"""郑州市科技局 recommends two proposals at once from its inbox (issue 11): the bulk menu holds
exactly the one step it can take, named by where the proposals go ("推荐至河南省科学技术厅").
Then 荥阳市科技局 returns the lead unit's proposal — the dialog spells out what follows — and
takes the return back (撤销退回) before the lead unit changes anything; the history says so.

Screenshots in /tmp/reviews/ (and tests/e2e/artefacts/journey-bulk-*.png).
"""

from __future__ import annotations

import shutil
from datetime import datetime, time
from pathlib import Path

import pytest

from tests.e2e.browser import ARTEFACTS
from tests.e2e.review_journeys import Journey, browser_page, demo_at, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

FIRST = "河南省超硬材料产业技术创新战略联盟"
SECOND = "河南省耐火材料产业技术创新战略联盟"
HENAN = "河南省高性能铝基新材料产业技术创新战略联盟"
SHOTS = Path("/tmp/reviews")


def _keep(j: Journey) -> None:
    SHOTS.mkdir(exist_ok=True)
    for shot in ARTEFACTS.glob("journey-bulk-*.png"):
        shutil.copy(shot, SHOTS / shot.name)


def test_zhengzhou_bulk_recommends_two(live_server, monkeypatch, settings, tmp_path):
    from lianmeng.core import clock

    today = clock.beijing_now().date()
    demo_at(
        monkeypatch, settings, tmp_path, datetime.combine(today, time(10, 0), tzinfo=clock.BEIJING)
    )
    with browser_page() as page:
        j = Journey(page, live_server.url, "bulk")

        j.sign_in("zhengzhou")
        j.nav("推荐与审核")
        menu = page.get_by_label("操作", exact=True)
        assert menu.locator("option").all_inner_texts() == ["推荐至河南省科学技术厅"]
        for name in (FIRST, SECOND):
            row = page.locator("tbody tr").filter(has_text=name)
            assert "推荐至河南省科学技术厅" in row.inner_text()
            row.get_by_role("checkbox").check()
        page.get_by_label("统一意见").fill("经审核，同意推荐至省科技厅。")
        j.shot("zhengzhou-inbox-menu")
        page.get_by_role("button", name="批量办理").click()
        flash = j.flash()
        assert "已批量办理 2 项" in flash
        assert f"{FIRST}：已推荐至河南省科学技术厅，当前状态：已推荐（待受理）" in flash
        assert f"{SECOND}：已推荐至河南省科学技术厅" in flash
        j.shot("zhengzhou-bulk-done")
        assert "暂无待办理的申报" in j.main_text()

        # 荥阳市科技局 returns the lead unit's proposal: the dialog says what follows
        j.sign_in("xingyang")
        j.open_proposal(HENAN)
        form = page.locator("form").filter(
            has=page.get_by_role("heading", name="退回修改", exact=True)
        )
        form.locator("textarea[name=reason]").fill("请补充协议书签章页。")
        form.get_by_role("button", name="退回修改", exact=True).click()
        dialog = page.locator("dialog[open]")
        assert "退回后申报单位可以修改申报材料并重新提交" in dialog.inner_text()
        j.shot("xingyang-return-dialog")
        dialog.get_by_role("button", name="取消").click()
        assert page.locator("dialog[open]").count() == 0  # cancelled: nothing sent
        assert page.locator("main .lm-status-submitted").count() >= 1
        form.get_by_role("button", name="退回修改", exact=True).click()
        page.locator("dialog[open]").get_by_role("button", name="确认退回修改").click()
        assert "已办理“退回修改”，当前状态：已退回修改" in j.flash()

        # … by mistake: taken back while the lead unit has not changed anything
        reopen = page.get_by_test_id("reopen")
        reopen.get_by_label("说明（选填）").fill("误点退回，撤销后继续办理。")
        reopen.get_by_role("button", name="撤销退回").click()
        assert "已撤销退回，当前状态：已提交" in j.flash()
        history = page.locator("section").filter(has=page.get_by_role("heading", name="办理记录"))
        text = history.inner_text()
        assert "撤销退回" in text and "误点退回，撤销后继续办理。" in text
        j.shot("xingyang-history-after-reopen")

        # without the script the server asks the same question as a page
        page.route("**/confirm.js", lambda route: route.abort())
        page.reload()
        form = page.locator("form").filter(
            has=page.get_by_role("heading", name="退回修改", exact=True)
        )
        form.locator("textarea[name=reason]").fill("请补充协议书签章页。")
        form.get_by_role("button", name="退回修改", exact=True).click()
        page.get_by_test_id("confirm-page").wait_for()
        assert "确认退回修改？" in j.main_text()
        j.shot("xingyang-return-confirm-page")
        page.get_by_role("link", name="取消，返回").click()
        page.get_by_role("heading", name=HENAN, level=1).wait_for()
        assert page.locator("main .lm-status-submitted").count() >= 1
    _keep(j)
