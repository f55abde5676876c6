"""Small request-parsing steps shared by the API handlers."""

from __future__ import annotations

import json
from typing import Any

from sanic import Request

from portal_server.errors import ApiError


def client_address(request: Request) -> str:
    """Return the caller's address (the proxy's view when the proxy is trusted)."""
    if request.app.ctx.config.trust_forwarded_for and request.remote_addr:
        return request.remote_addr
    return request.ip or "unknown"


def json_body(request: Request) -> Any:
    """Return the parsed JSON body, or raise a 4xx naming what is wrong with it."""
    limit = request.app.ctx.config.max_json_bytes
    body = request.body or b""
    if len(body) > limit:
        reason = f"must be at most {limit // 1024} KB"
        raise ApiError(
            413, "payload_too_large", f"The request body is larger than {limit // 1024} KB.", {"body": reason}
        )
    content_type = (request.content_type or "").split(";", 1)[0].strip().lower()
    if body and content_type not in ("application/json", "") and not content_type.endswith("+json"):
        raise ApiError(
            415,
            "unsupported_media_type",
            "Send the request body as application/json.",
            {"body": "must be sent as application/json"},
        )
    if not body:
        raise ApiError(400, "invalid_json", "The request needs a JSON body.", {"body": "is required"})
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(
            400,
            "invalid_json",
            "The request body is not valid JSON.",
            {"body": "is not valid JSON"},
        ) from exc


def query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    """Return an integer query parameter within [low, high], or raise a 422 naming it."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            422, "invalid", f"{name} must be a whole number.", {name: "must be a whole number"}
        ) from None
    if not low <= value <= high:
        reason = f"must be between {low} and {high}"
        raise ApiError(422, "invalid", f"{name} {reason}.", {name: reason})
    return value


def query_text(request: Request, name: str, max_length: int = 200) -> str:
    """Return a trimmed text query parameter, or raise a 422 when it is too long."""
    value = (request.args.get(name) or "").strip()
    if len(value) > max_length:
        reason = f"must be at most {max_length} characters"
        raise ApiError(422, "invalid", f"{name} {reason}.", {name: reason})
    if "\x00" in value:
        raise ApiError(422, "invalid", f"{name} contains a NUL character.", {name: "must not contain NUL"})
    return value
