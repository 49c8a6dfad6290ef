"""Issue 12, finding 3, in the browser: a lead unit's staff uploads an XLSX bomb and a
million-row sheet on the roster page; each is refused at once (400) with a message saying
what to do, nothing is imported, and the page stays usable. Screenshots are kept in
tests/e2e/artefacts/roster-refused-*.png."""

from __future__ import annotations

import threading
import time

import pytest

from tests.documents import xlsx_payloads
from tests.e2e.browser import ARTEFACTS, CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed"),
]


@pytest.fixture
def serial_server(live_server):
    """One request at a time (the live server shares the test's SQLite connection)."""
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


def _draft(make_unit):
    from lianmeng.proposals.services import proposal_import

    unit = make_unit("410305", name="洛阳某某轴承集团有限公司")
    return proposal_import(
        actor=None,
        document={
            "format_version": 1,
            "profile": "henan",
            "call_year": 2020,
            "name": "河南省精密轴承产业技术创新战略联盟",
            "domain": "industry",
            "lead_unit": {"name": unit.name, "uscc": unit.uscc},
            "members": [
                {"name": unit.name, "uscc": unit.uscc, "role": "lead", "kind": "enterprise"}
            ],
        },
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_roster_page_refuses_a_bomb_and_a_million_rows(
    browser, live_server, serial_server, make_unit, make_user, client, tmp_path, language
):
    from django.conf import settings

    from lianmeng.proposals.models import Proposal

    proposal = _draft(make_unit)
    user = make_user(["applicant"], unit=proposal.lead_unit)
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    page = context.new_page()
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/import/" in r.url else None)
    files = {
        "bomb": (xlsx_payloads.bomb(300), ("文件解压后超过 16 MB", "inflates to more than 16 MB")),
        "million-rows": (
            xlsx_payloads.million_rows(),
            ("文件解压后超过 16 MB", "inflates to more than 16 MB"),
        ),
        "far-row": (xlsx_payloads.far_row(), ("超过 2000 行", "2000")),
    }
    for name, (content, expected) in files.items():
        page.goto(f"{live_server.url}/proposals/{proposal.pk}/edit/members/")
        path = tmp_path / f"成员单位名单-{name}.xlsx"
        path.write_bytes(content)
        page.set_input_files("#import-file", str(path))
        started = time.monotonic()
        with page.expect_navigation():
            page.get_by_role(
                "button", name="导入" if language == "zh-hans" else "Import", exact=True
            ).click()
        assert time.monotonic() - started < 5
        alert = page.locator(".alert-danger, .alert").first
        alert.wait_for()
        text = alert.inner_text()
        assert expected[0 if language == "zh-hans" else 1] in text, text
        assert statuses[-1] == 400
        page.screenshot(
            path=str(ARTEFACTS / f"roster-refused-{name}-{language}.png"), full_page=True
        )
    with serial_server:
        assert Proposal.objects.get(pk=proposal.pk).member_count == 1
    context.close()
