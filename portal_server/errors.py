"""The one error shape of the admin API, and handlers that keep stack traces off the wire."""

from __future__ import annotations

import logging
from typing import Any

from sanic import HTTPResponse, Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import json

from common.validation import FieldErrors

log = logging.getLogger("portal.errors")


class ApiError(Exception):
    """An expected failure with an HTTP status, a stable code and a plain message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.extra = extra or {}
        self.headers = headers or {}


def not_found(what: str) -> ApiError:
    """Return the 404 for a missing object."""
    return ApiError(404, "not_found", f"{what} was not found.")


def error_body(code: str, message: str, fields: dict[str, str] | None = None, **extra: Any) -> dict:
    """Return the JSON error document: {"error": {"code", "message", "fields"}}."""
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def error_response(error: ApiError) -> HTTPResponse:
    """Serialise an ApiError."""
    return json(
        error_body(error.code, error.message, error.fields, **error.extra),
        status=error.status,
        headers=error.headers,
    )


_SANIC_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
    417: "expectation_failed",
    503: "unavailable",
}


def setup_errors(app: Sanic) -> None:
    """Install handlers so every failure becomes a JSON error (or a plain page), never a trace."""

    @app.exception(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> HTTPResponse:
        return error_response(exc)

    @app.exception(FieldErrors)
    async def _field_errors(request: Request, exc: FieldErrors) -> HTTPResponse:
        return json(error_body("invalid", exc.message, exc.fields), status=422)

    @app.exception(SanicException)
    async def _sanic_error(request: Request, exc: SanicException) -> HTTPResponse:
        status = exc.status_code or 500
        if status >= 500:
            log.error("request failed", exc_info=exc)
            return json(error_body("server_error", "Something went wrong on our side."), 500)
        code = _SANIC_CODES.get(status, "bad_request")
        message = {
            404: "There is nothing at this address.",
            405: f"{request.method} is not allowed here.",
            413: "The request is too large.",
        }.get(status, str(exc) or "The request could not be handled.")
        headers = dict(getattr(exc, "headers", {}) or {})
        return json(error_body(code, message), status=status, headers=headers)

    @app.exception(Exception)
    async def _unexpected(request: Request, exc: Exception) -> HTTPResponse:
        log.error("unexpected error", exc_info=exc, extra={"path": request.path})
        return json(error_body("server_error", "Something went wrong on our side."), 500)
