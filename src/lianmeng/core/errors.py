"""Domain errors: one hierarchy, turned into one error shape at the edges (web, API, CLI)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A user-caused error with a message (Chinese) that says what to do."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 422


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409
