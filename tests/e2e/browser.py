"""What every browser test shares: Debian's chromium, its flags, where screenshots go.

Playwright's sync API runs an event loop in the test's thread; the Django ORM calls the
fixtures make from that thread must be allowed (DJANGO_ALLOW_ASYNC_UNSAFE).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).parent / "artefacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def launched() -> Iterator[Any]:
    """Debian's chromium, headless, closed on the way out; the artefacts folder exists."""
    from playwright.sync_api import sync_playwright

    ARTEFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def pass_second_factor(page: Any, username: str) -> None:
    """After the password: when the sign-in asks for a code (issue 12: administrators and
    competent departments), enter one as the user's authenticator app would show it, first
    binding an authenticator on the enrolment page if the account has none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.two_factor import current_code

    page.wait_for_load_state()
    if "/accounts/login/enrol/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=False)
        page.get_by_label("6 位验证码").fill(current_code(device))
        page.get_by_role("button", name="确认绑定").click()
        page.get_by_test_id("recovery-continue").click()
        page.wait_for_load_state()
    elif "/accounts/login/verify/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_label("6 位验证码").fill(current_code(device))
        page.get_by_role("button", name="验证并登录").click()
        page.wait_for_load_state()
