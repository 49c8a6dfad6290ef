"""Issue 12, finding 9: every HTML page the demo accounts reach carries the
Content-Security-Policy, and none relies on what it forbids — no inline <script>, no <style>
element, no style="" attribute, no on*="" handler, no javascript: link."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag

import pytest
from django.test import Client

from lianmeng.demo import DEMO_PASSWORD
from tests.web.test_visible_names import SKIP, _pattern, demo_data  # noqa: F401 -- fixture

MAX_PAGES = 40
MAX_PER_PATTERN = 2


class _Inline(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
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
    seen: set[str] = {"/"}
    per_pattern: dict[str, int] = {}
    queue = deque(["/"])
    problems: dict[str, list[str]] = {}
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302):
            target = response["Location"]
            if target.startswith("/") and target not in seen and not SKIP.search(target):
                seen.add(target)
                queue.appendleft(target)
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        policy = response.get("Content-Security-Policy", "")
        if "script-src 'self'" not in policy or "unsafe-inline" in policy:
            problems.setdefault(url, []).append(f"policy: {policy!r}")
        page = _Inline()
        page.feed(response.content.decode())
        if page.found:
            problems.setdefault(url, []).extend(sorted(set(page.found)))
        for href in page.links:
            href = urldefrag(href)[0]
            if (
                not href.startswith("/")
                or href.startswith("//")
                or href in seen
                or SKIP.search(href)
            ):
                continue
            seen.add(href)
            pattern = _pattern(href)
            if per_pattern.get(pattern, 0) >= MAX_PER_PATTERN:
                continue
            per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
            queue.append(href)
    return problems, pages


@pytest.mark.parametrize(
    "username", ["", "shenbao", "zhengzhou", "henan", "zhuanjia-ly", "pinggu", "xitong"]
)
def test_no_inline_script_or_style_on_any_page(demo_data, db, username):  # noqa: F811
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
