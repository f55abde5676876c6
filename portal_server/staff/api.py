"""Admin API: staff sign-in and sign-out."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import empty, json
from sanic_ext import openapi

from common.permissions import permissions_for
from common.schemas import TokenRequest, TokenResponse
from common.validation import parse
from portal_server.admin_auth import bearer_token, requires
from portal_server.api_docs import json_content, responses
from portal_server.errors import ApiError
from portal_server.http import client_address, json_body
from portal_server.staff import service

bp = Blueprint("admin_auth", url_prefix="/api/v1/admin/auth")


@bp.post("/token")
@openapi.definition(
    summary="Sign in and get a bearer token",
    body=json_content(TokenRequest),
    response=responses(TokenResponse, errors=(400, 401, 422)),
    tag="auth",
)
async def create_token(request: Request) -> HTTPResponse:
    """Exchange a username and password for a bearer token."""
    payload = parse(TokenRequest, json_body(request))
    config = request.app.ctx.config
    try:
        issued = await service.sign_in(
            payload.username,
            payload.password,
            address=client_address(request),
            now=request.app.ctx.clock.now(),
            ttl=config.token_ttl_seconds,
            threshold=config.staff_lockout_threshold,
            throttle=request.app.ctx.throttle,
        )
    except service.SignInRefused:
        raise ApiError(
            401,
            "sign_in_refused",
            "The username or password is not right, or the account is locked. Try again later.",
        ) from None
    body = TokenResponse(
        access_token=issued.token,
        expires_in=issued.expires_in,
        username=issued.staff.username,
        role=issued.staff.role,
        permissions=sorted(p.value for p in permissions_for(issued.staff.role)),
    )
    return json(body.model_dump(mode="json"))


@bp.delete("/token")
@openapi.definition(
    summary="Sign out: revoke the token",
    tag="auth",
    secured={"token": []},
    response=responses(None, 204, errors=(401,)),
)
@requires(None)
async def delete_token(request: Request) -> HTTPResponse:
    """Revoke the caller's token."""
    token = bearer_token(request)
    assert token is not None  # requires() let the request through
    await service.revoke(token, actor=request.ctx.actor, now=request.app.ctx.clock.now())
    return empty()
