"""Issue 12, finding 9: every HTML page the demo accounts reach carries the
Content-Security-Policy, and none relies on what it forbids — no inline <script>, no <style>
element, no style="" attribute, no on*="" handler, no javascript: link."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from lianmeng.demo import DEMO_PASSWORD
from tests.web.crawl import html_pages

MAX_PAGES = 40
MAX_PER_PATTERN = 2


class _Inline(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            if attributes.get("type") != "application/json":  # data, never executed
                self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            elif name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            elif name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


def crawl(client: Client) -> tuple[dict[str, list[str]], int]:
    problems: dict[str, list[str]] = {}
    pages = 0
    for url, response in html_pages(client, max_pages=MAX_PAGES, max_per_pattern=MAX_PER_PATTERN):
        pages += 1
        policy = response.get("Content-Security-Policy", "")
        if "script-src 'self'" not in policy or "unsafe-inline" in policy:
            problems.setdefault(url, []).append(f"policy: {policy!r}")
        page = _Inline()
        page.feed(response.content.decode())
        if page.found:
            problems.setdefault(url, []).extend(sorted(set(page.found)))
    return problems, pages


@pytest.mark.parametrize(
    "username", ["", "shenbao", "zhengzhou", "henan", "zhuanjia-ly", "pinggu", "xitong"]
)
def test_no_inline_script_or_style_on_any_page(demo_data, db, username):
    client = Client()
    if username:
        assert client.login(username=username, password=DEMO_PASSWORD)
    problems, pages = crawl(client)
    assert pages > 1
    assert not problems, "\n".join(f"{url}: {p}" for url, ps in problems.items() for p in ps)


def test_the_parser_catches_what_the_policy_forbids():
    page = _Inline()
    page.feed(
        '<script>alert(1)</script><style>p{}</style><p style="x"></p>'
        '<select onchange="go()"></select><a href="javascript:void(0)">x</a>'
        '<script src="/static/ui/forms.js"></script><script type="application/json">{}</script>'
    )
    assert len(page.found) == 5
