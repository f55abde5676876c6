"""The response headers every answer carries, whichever handler (or error) produced it."""

from __future__ import annotations

from urllib.parse import urlsplit

from sanic import Request, Sanic
from sanic.response import HTTPResponse

ADMIN_API_PREFIX = "/api/v1/admin"
HSTS = "max-age=31536000; includeSubDomains"
NO_STORE = "no-store"


def is_admin_api(path: str) -> bool:
    """Tell whether a path belongs to the admin API, whose answers carry personal data."""
    return path == ADMIN_API_PREFIX or path.startswith(f"{ADMIN_API_PREFIX}/")


def admin_cache_control(current: str | None) -> str:
    """Return the Cache-Control an admin answer gets: no-store, unless it already says no-store."""
    # no-store is the strictest directive there is; a header holding it (with more, such as
    # "no-store, private") stays as the handler wrote it, anything weaker is replaced.
    directives = {part.strip().lower() for part in (current or "").split(",")}
    return current if current and NO_STORE in directives else NO_STORE


def serves_https(base_url: str) -> bool:
    """Tell whether the configured public address is https, so browsers may be told to stay on it."""
    return urlsplit(base_url.strip()).scheme.lower() == "https"


def setup_security_headers(app: Sanic) -> None:
    """Add the headers every response should carry, error answers included."""
    hsts = serves_https(app.ctx.config.base_url)

    @app.on_response
    async def _headers(request: Request, response: HTTPResponse) -> None:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if is_admin_api(request.path):
            response.headers["Cache-Control"] = admin_cache_control(response.headers.get("Cache-Control"))
