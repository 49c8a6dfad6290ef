"""Who is acting, from where: set by the middleware, read by the audit trail."""

from __future__ import annotations

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
