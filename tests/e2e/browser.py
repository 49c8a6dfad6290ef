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
