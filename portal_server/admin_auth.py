"""Bearer-token authentication and permission checks for the admin API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from sanic import HTTPResponse, Request

from common.permissions import PERMISSION_LABELS, Permission
from portal_server.errors import ApiError
from portal_server.http import client_address
from portal_server.staff import service as staff_service

Handler = Callable[..., Awaitable[HTTPResponse]]


def bearer_token(request: Request) -> str | None:
    """Return the bearer token of a request, if it carries one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def requires(permission: Permission | None) -> Callable[[Handler], Handler]:
    """Require a valid staff token, and the permission when one is named."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            token = bearer_token(request)
            actor = None
            if token:
                actor = await staff_service.actor_for_token(
                    token, address=client_address(request), now=request.app.ctx.clock.now()
                )
            if actor is None:
                raise ApiError(
                    401,
                    "unauthorized",
                    "Sign in first: the token is missing, expired or revoked.",
                    headers={"WWW-Authenticate": 'Bearer realm="admin"'},
                )
            if permission is not None and permission not in actor.permissions:
                raise ApiError(
                    403,
                    "forbidden",
                    f"You need the permission “{PERMISSION_LABELS[permission]}” to do this.",
                    extra={"permission": permission.value},
                )
            request.ctx.actor = actor
            return await handler(request, *args, **kwargs)

        wrapper.required_permission = permission  # type: ignore[attr-defined]
        return wrapper

    return decorate
