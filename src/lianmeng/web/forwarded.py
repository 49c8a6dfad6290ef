"""The client's address behind a reverse proxy.

Behind nginx every request reaches gunicorn from the proxy's address; rate limits per address
(sign-in, password reset, objections), the audit trail and the security log would all see
that one address. When ``REMOTE_ADDR`` is one of ``LIANMENG_TRUSTED_PROXIES`` (addresses or
networks, e.g. ``10.0.0.5,10.0.1.0/24``), the client is the right-most address of
``X-Forwarded-For`` that is not itself a trusted proxy; entries to its left were written by
the client and are not believed. Unset (the default), nothing changes: a client talking to
gunicorn directly cannot choose its address by sending the header.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(raw: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in raw if item.strip())


def trusted_networks() -> tuple[Network, ...]:
    raw = getattr(settings, "LIANMENG_TRUSTED_PROXIES", ()) or ()
    if isinstance(raw, str):
        raw = raw.split(",")
    return _networks(tuple(raw))


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(remote_addr: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The address to count and audit for a request from ``remote_addr``."""
    if not networks or not forwarded_for or not _trusted(remote_addr, networks):
        return remote_addr
    address = remote_addr
    for entry in reversed([part.strip() for part in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            break  # a malformed hop: keep the last address a trusted proxy vouched for
        address = entry
        if not _trusted(entry, networks):
            break
    return address


class ForwardedForMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        networks = trusted_networks()
        if networks:
            remote = request.META.get("REMOTE_ADDR", "")
            client = client_address(remote, request.META.get("HTTP_X_FORWARDED_FOR", ""), networks)
            if client != remote:
                request.META["LIANMENG_PROXY_ADDR"] = remote
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
