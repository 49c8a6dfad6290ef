"""Walk the site as a person does: from the home page, following the site's own links.

Shared by the page-wide checks (CSP, visible names): GET only, bounded in pages and in pages
per URL pattern (``/proposals/N/`` twice is enough), never downloads, exports or sign-out.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.http import HttpResponse
from django.test import Client

SKIP = re.compile(
    r"^/(accounts/logout|i18n/|api/|static/|media/|admin/)|\.(pdf|xlsx|docx|zip|json|png)$"
    r"|/(pdf|xlsx|download|export|docx|file|template)(/|$)|[?&](format|export)=",
    re.IGNORECASE,
)


def pattern(path: str) -> str:
    """The path with its numbers replaced: pages of one kind share a pattern."""
    return re.sub(r"\d+", "N", urlsplit(path).path) + ("?" if urlsplit(path).query else "")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def html_pages(
    client: Client, *, max_pages: int, max_per_pattern: int = 2
) -> Iterator[tuple[str, HttpResponse]]:
    """Each HTML page reached from ``/`` (redirects followed), at most ``max_pages``."""
    seen: set[str] = {"/"}
    per_pattern: dict[str, int] = {}
    queue = deque(["/"])
    pages = 0
    while queue and pages < max_pages:
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
        yield url, response
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.links:
            href = urldefrag(href)[0]
            if not href.startswith("/") or href.startswith("//") or href in seen:
                continue
            if SKIP.search(href):
                continue
            seen.add(href)
            kind = pattern(href)
            if per_pattern.get(kind, 0) >= max_per_pattern:
                continue
            per_pattern[kind] = per_pattern.get(kind, 0) + 1
            queue.append(href)
