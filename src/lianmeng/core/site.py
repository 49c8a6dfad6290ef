"""The site's own public address (setting ``SITE_URL``, environment ``LIANMENG_SITE_URL``).

Whatever must point back at the site from outside it — the QR code and the verification
address printed on a PDF, the plaque's registry link, the link in a notification e-mail —
is built here from the configured address, never from the address a request happened to
come to (behind a reverse proxy that is the internal ``127.0.0.1:8000``).
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    """The configured address without a trailing slash, e.g. ``https://lianmeng.example.cn``."""
    return (getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` (``/verify/ABCD…``) on the site's public address."""
    return f"{site_url()}/{path.lstrip('/')}"
