"""The one error shape of the admin API, and handlers that keep stack traces off the wire."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sanic import HTTPResponse, Request, Sanic
from sanic.constants import HTTP_METHODS
from sanic.exceptions import MethodNotAllowed, SanicException
from sanic.response import json

from common.validation import FieldErrors
from portal_server.security.passwords import HashingBusy

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


HtmlErrorPage = Callable[[Request, int, str, str], Awaitable[HTTPResponse]]

_PAGE_TEXT = {
    400: ("That did not work", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "You cannot open this page."),
    404: (
        "Page not found",
        "There is nothing at this address. Check the link or go to the start page.",
    ),
    405: ("That did not work", "This page cannot be used that way."),
    413: ("That was too much", "What you sent was larger than we accept."),
    503: (
        "We are busy right now",
        "Too many people are signing in at this moment. Go back and send it again in a few seconds.",
    ),
    500: (
        "Something went wrong",
        "Something went wrong on our side. Please try again in a moment.",
    ),
}


async def _page_or_json(request: Request, status: int, code: str, message: str) -> HTTPResponse:
    page: HtmlErrorPage | None = getattr(request.app.ctx, "html_error_page", None)
    if page is not None and getattr(request.app.ctx, "is_portal_page", lambda r: False)(request):
        heading, text = _PAGE_TEXT.get(status, _PAGE_TEXT[400 if status < 500 else 500])
        return await page(request, status, heading, text)
    return json(error_body(code, message), status=status)


def allowed_methods(request: Request) -> list[str]:
    """Return the methods the router accepts for this request's path, in a stable order."""
    # Sanic fills MethodNotAllowed.allowed_methods only for paths without parameters
    # (/reset-password/<token> gets none), so ask the router about each method instead.
    host = request.headers.getone("host", None)
    allowed = []
    for method in sorted(HTTP_METHODS):
        try:
            request.app.router.get(request.path, method, host)
        except SanicException:  # NotFound or MethodNotAllowed: not this method
            continue
        allowed.append(str(method))
    return allowed


def setup_errors(app: Sanic) -> None:
    """Install handlers so every failure becomes a JSON error or an error page, never a trace."""

    @app.exception(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> HTTPResponse:
        return error_response(exc)

    @app.exception(FieldErrors)
    async def _field_errors(request: Request, exc: FieldErrors) -> HTTPResponse:
        return json(error_body("invalid", exc.message, exc.fields), status=422)

    @app.exception(HashingBusy)
    async def _busy(request: Request, exc: HashingBusy) -> HTTPResponse:
        # Overload, not a fault: say when to come back; the browser's Back keeps what was typed.
        response = await _page_or_json(
            request, 503, "busy", "We are busy right now. Send it again in a few seconds."
        )
        response.headers["Retry-After"] = "5"
        return response

    @app.exception(SanicException)
    async def _sanic_error(request: Request, exc: SanicException) -> HTTPResponse:
        status = exc.status_code or 500
        if status >= 500:
            log.error("request failed", exc_info=exc, extra={"path": request.path})
            return await _page_or_json(request, 500, "server_error", "Something went wrong on our side.")
        code = _SANIC_CODES.get(status, "bad_request")
        message = {
            404: "There is nothing at this address.",
            405: f"{request.method} is not allowed here.",
            413: "The request is too large.",
        }.get(status, str(exc) or "The request could not be handled.")
        response = await _page_or_json(request, status, code, message)
        response.headers.update(dict(getattr(exc, "headers", {}) or {}))
        if isinstance(exc, MethodNotAllowed) and (methods := allowed_methods(request)):
            response.headers["Allow"] = ", ".join(methods)
        return response

    @app.exception(Exception)
    async def _unexpected(request: Request, exc: Exception) -> HTTPResponse:
        log.error("unexpected error", exc_info=exc, extra={"path": request.path})
        return await _page_or_json(request, 500, "server_error", "Something went wrong on our side.")
