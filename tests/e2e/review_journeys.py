"""What the three review journeys (issue 4) share: the browser, signing in and out as the demo
accounts, numbered screenshots, the pinned clock, and reading downloaded PDFs.

The journeys run against pytest-django's ``live_server``, which serves from a thread of the
test process: pinning ``lianmeng.core.clock.now`` with ``monkeypatch`` moves the server's
clock too, so a journey can let time pass (the online window, then the paper days).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from tests.e2e.browser import ARTEFACTS, CHROMIUM, launched, pass_second_factor

#: the demo accounts' password (README.md)
DEMO_PASSWORD = "Lianmeng-Demo-2026"  # noqa: S105

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian chromium is not installed"
)


@contextmanager
def browser_page() -> Iterator[object]:
    with launched() as browser:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        context.set_default_timeout(15_000)
        yield context.new_page()


def demo_at(monkeypatch: pytest.MonkeyPatch, settings, tmp_path: Path, moment: datetime) -> None:
    """The demo data loaded with the clock at ``moment``, uploads in ``tmp_path``."""
    from lianmeng.demo import load_demo

    settings.MEDIA_ROOT = tmp_path / "files"
    pin_clock(monkeypatch, moment)
    list(load_demo())


def pin_clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Every service and page reads the time through ``lianmeng.core.clock.now``."""
    from lianmeng.core import clock

    monkeypatch.setattr(clock, "now", lambda: moment)


class Journey:
    """One user after another in the same browser, with numbered screenshots."""

    def __init__(self, page, base_url: str, profile: str) -> None:
        self.page = page
        self.base_url = base_url
        self.profile = profile
        self.step = 0
        self.user: str | None = None
        for old in ARTEFACTS.glob(f"journey-{profile}-*.png"):
            old.unlink()

    def shot(self, name: str) -> None:
        self.step += 1
        path = ARTEFACTS / f"journey-{self.profile}-{self.step:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)

    def open(self, path: str = "/") -> None:
        self.page.goto(self.base_url + path)

    def sign_in(self, username: str) -> None:
        if self.user is not None:
            self.sign_out()
        page = self.page
        self.open("/")
        page.locator("header").get_by_role("link", name="登录").click()
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        pass_second_factor(page, username)
        page.wait_for_url("**/home/")
        self.user = username

    def sign_out(self) -> None:
        page = self.page
        page.locator("header button.lm-user").click()
        page.get_by_role("button", name="退出").click()
        page.locator("header").get_by_role("link", name="登录").wait_for()
        self.user = None

    def nav(self, label: str) -> None:
        """Follow an entry of the main navigation."""
        name = re.compile(rf"^{re.escape(label)}(\s|$)")  # "消息" may carry its unread count
        self.page.locator("header nav").get_by_role("link", name=name).click()
        self.page.wait_for_load_state()

    def wrapped_nav_labels(self) -> list[str]:
        """Entries of the main navigation whose label breaks over two lines (should be none)."""
        return self.page.evaluate(
            """() => [...document.querySelectorAll('header .navbar-nav .nav-link')].filter(a => {
                 const range = document.createRange();
                 range.selectNodeContents(a);
                 // the unread badge's visually-hidden words are a 1px box, and the badge's
                 // smaller text sits a little lower: a second line is one below another
                 const rects = [...range.getClientRects()].filter(r => r.width > 1 && r.height > 1);
                 return rects.some(a => rects.some(b => a.top >= b.bottom - 1));
               }).map(a => a.textContent.trim())"""
        )

    def main_text(self) -> str:
        return self.page.locator("main").inner_text()

    def flash(self) -> str:
        """The messages shown after the last action."""
        alerts = self.page.locator("main .alert")
        alerts.first.wait_for()
        return " ".join(alerts.all_inner_texts())

    def open_proposal(self, name: str, nav: str = "推荐与审核") -> None:
        """From a menu entry to the review page of proposal ``name``."""
        self.nav(nav)
        self.page.get_by_role("link", name=name).first.click()
        self.page.get_by_role("heading", name=name, level=1).wait_for()

    def fire(self, action: str, opinion: str) -> str:
        """Fill the opinion of ``action`` on the review page, press its button, read the flash."""
        form = self.page.locator("form").filter(
            has=self.page.get_by_role("heading", name=action, exact=True)
        )
        form.locator("textarea[name=reason]").fill(opinion)
        form.get_by_role("button", name=action, exact=True).click()
        return self.flash()

    def get(self, href: str):
        """Fetch a link with the signed-in user's cookies (a download the browser would show)."""
        url = href if href.startswith("http") else self.base_url + href
        response = self.page.request.get(url)
        assert response.ok, f"{url}: {response.status}"
        return response


def pdf_text(data: bytes, tmp_path: Path, name: str) -> str:
    """The text of a PDF (poppler's pdftotext), with the line breaks and spaces taken out."""
    assert data.startswith(b"%PDF"), data[:40]
    path = tmp_path / name
    path.write_bytes(data)
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / name).write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", "", out)


def pdf_fonts_embedded(data: bytes, tmp_path: Path) -> bool:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return bool(out) and all(line.split()[-5] == "yes" for line in out)


#: the demo experts by the name the pages show (README.md)
EXPERTS = {"王专家": "zhuanjia", "赵专家": "zhuanjia-ly", "孙专家": "zhuanjia-xx"}


def score_every_criterion(j: Journey, proposal: str, scores: list[int]) -> None:
    """The signed-in expert opens his task, scores and comments every criterion, submits."""
    j.nav("评审任务")
    j.page.get_by_role("link", name=proposal).click()
    rows = j.page.locator("form .row").filter(has=j.page.get_by_label("得分"))
    titles = rows.locator(".fw-semibold").all_inner_texts()
    assert len(titles) == len(scores), titles
    for n, score in enumerate(scores):
        row = rows.nth(n)
        row.get_by_label("得分").fill(str(score))
        row.get_by_label("评语").fill(f"第 {n + 1} 项：论证充分，符合要求。")
    j.shot(f"expert-{j.user}-scores")
    j.page.get_by_role("button", name="提交评分").click()
    j.page.get_by_role("button", name="确认提交评分").click()  # the dialog says it is final
    j.page.get_by_role("heading", name="我的评审任务").wait_for()
    assert "已提交" in j.page.locator("tbody tr").filter(has_text=proposal).inner_text()
