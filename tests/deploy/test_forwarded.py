"""Behind the reverse proxy: the client's address comes from X-Forwarded-For when the request
comes from a trusted proxy (LIANMENG_TRUSTED_PROXIES), so the audit trail and the per-address
rate limits see each client instead of the proxy; nobody else can choose their address."""

from __future__ import annotations

import pytest

from lianmeng.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
CHAIN = "198.51.100.66, 203.0.113.9"  # the client wrote the first; the proxy added the second


def _failed_login_ip(client, **headers) -> str:
    client.post("/accounts/login/", {"username": "nobody", "password": "wrong"}, **headers)
    return AuditEntry.objects.filter(action__contains="login").order_by("-id").first().ip


def test_from_a_trusted_proxy_the_client_is_the_address_the_proxy_saw(client, settings):
    settings.LIANMENG_TRUSTED_PROXIES = ("10.0.0.0/24",)
    ip = _failed_login_ip(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CHAIN)
    assert ip == "203.0.113.9"


def test_two_proxies_in_a_row_are_both_skipped(client, settings):
    settings.LIANMENG_TRUSTED_PROXIES = ("10.0.0.0/24", "127.0.0.1")
    ip = _failed_login_ip(client, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{CHAIN}, {PROXY}")
    assert ip == "203.0.113.9"


def test_without_trusted_proxies_or_from_elsewhere_the_header_is_ignored(client, settings):
    settings.LIANMENG_TRUSTED_PROXIES = ()
    assert _failed_login_ip(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CHAIN) == PROXY
    settings.LIANMENG_TRUSTED_PROXIES = ("10.0.0.0/24",)
    assert (
        _failed_login_ip(client, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=CHAIN) == "192.0.2.1"
    )


def test_the_per_address_limit_counts_each_client_behind_the_proxy(client, settings):
    """The public verification page allows 30 look-ups a minute per address: one client
    behind the proxy reaching it does not use up another's."""
    settings.LIANMENG_TRUSTED_PROXIES = (PROXY,)
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.1"}
    other = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.2"}
    codes = [client.get("/verify/", **first).status_code for _ in range(31)]
    assert codes[-1] == 429 and 429 not in codes[:30]
    assert client.get("/verify/", **other).status_code == 200
