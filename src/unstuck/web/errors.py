"""One error shape for the whole API: ``{"error": {"code", "message", "details"}}``.

Every failure of an ``/api/`` route (our own exceptions, FastAPI's validation errors,
unknown routes, oversized bodies, anything unexpected) goes through :func:`error_body`,
so scripts handle errors one way. Pages show the same message in an HTML page.
"""

from __future__ import annotations

from typing import Any

from unstuck.errors import (
    ConfigError,
    ConflictError,
    InputError,
    NotFound,
    StoreError,
    UnstuckError,
    UsageError,
)


class WebError(UnstuckError):
    """An HTTP-level refusal with its status and code (unauthorized, forbidden, ...)."""

    def __init__(
        self, status: int, code: str, message: str, details: list[Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = details or []


def unauthorized(message: str = "log in first: open /login, or send an API token") -> WebError:
    return WebError(401, "unauthorized", message)


def forbidden(message: str) -> WebError:
    return WebError(403, "forbidden", message)


def error_body(code: str, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def classify(exc: UnstuckError) -> tuple[int, str, list[Any]]:
    """HTTP status, error code and details for one of our exceptions."""
    if isinstance(exc, WebError):
        return exc.status, exc.code, exc.details
    if isinstance(exc, InputError):
        return 422, "invalid_input", list(exc.problems)
    if isinstance(exc, NotFound):
        return 404, "not_found", []
    if isinstance(exc, ConflictError):
        return 409, "conflict", []
    if isinstance(exc, ConfigError):
        return 500, "configuration", []
    if isinstance(exc, UsageError):
        return 400, "bad_request", []
    if isinstance(exc, StoreError):
        return 503, "database_unavailable", []
    return 500, "internal", []


def validation_details(errors: list[Any]) -> list[str]:
    """FastAPI's validation errors as ``where: what`` lines (``body.value: ...``)."""
    lines = []
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        lines.append(f"{where}: {error.get('msg', 'invalid')}")
    return lines


__all__ = ["WebError", "classify", "error_body", "forbidden", "unauthorized", "validation_details"]
