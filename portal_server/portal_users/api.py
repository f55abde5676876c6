"""Admin API: portal users (subscriber logins) that reps create by invitation."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sanic import Blueprint, HTTPResponse, Request
from sanic.response import json
from sanic_ext import openapi
from sanic_ext.extensions.openapi.types import Integer, String

from common.permissions import Permission
from common.schemas.admin import (
    PORTAL_USER_STATUS_FILTERS,
    PORTAL_USERS_MAX_PAGE_SIZE,
    PORTAL_USERS_PAGE_SIZE,
    PortalUserOut,
    PortalUserPage,
    PortalUserSummary,
)
from common.validation import FieldErrors, parse
from portal_server.admin_auth import requires
from portal_server.api_docs import json_content, responses
from portal_server.errors import ApiError, not_found
from portal_server.http import json_body, query_int, query_text
from portal_server.portal_users import service
from portal_server.portal_users.models import PortalUser

bp = Blueprint("admin_portal_users", url_prefix="/api/v1/admin/portal-users")

MAX_PAGE = 100_000
_STATUS_CHOICES = ", ".join(PORTAL_USER_STATUS_FILTERS)


def _list_query(request: Request) -> service.PortalUserQuery:
    """Read the list's filters and page from the query string, refusing a bad one by name."""
    status = query_text(request, "status", 20)
    if status and status not in PORTAL_USER_STATUS_FILTERS:
        reason = f"must be one of {_STATUS_CHOICES}"
        raise ApiError(422, "invalid", f"status {reason}.", {"status": reason})
    return service.PortalUserQuery(
        q=query_text(request, "q", 254),
        status=status,
        page=query_int(request, "page", 1, 1, MAX_PAGE),
        page_size=query_int(request, "page_size", PORTAL_USERS_PAGE_SIZE, 1, PORTAL_USERS_MAX_PAGE_SIZE),
    )


def _summary(user: PortalUser, now: datetime) -> PortalUserSummary:
    """Return a listed portal user (account loaded): who it is, never a password hash or token."""
    until = service.locked_until(user, now)
    return PortalUserSummary.model_validate(
        {
            **service.serialise(user),
            "username": user.username,
            "locked": until is not None,
            "locked_until": until,
            "created_at": user.created_at,
            "last_sign_in_at": user.last_login_at,
        }
    )


@bp.get("")
@openapi.definition(
    summary="List portal users, sorted by username, one page at a time",
    description=(
        "Users without a username follow the others, by email address. "
        "`locked` in `status` lists the logins whose sign-in lockout has not run out."
    ),
    tag="portal-users",
    secured={"token": []},
    parameter=[
        openapi.definitions.Parameter(
            "q", str, "query", description="part of the username, email or account number (any case)"
        ),
        openapi.definitions.Parameter(
            "status",
            String(enum=list(PORTAL_USER_STATUS_FILTERS)),
            "query",
            description="only logins in this state",
        ),
        openapi.definitions.Parameter(
            "page", Integer(minimum=1, maximum=MAX_PAGE), "query", description="from 1"
        ),
        openapi.definitions.Parameter(
            "page_size",
            Integer(minimum=1, maximum=PORTAL_USERS_MAX_PAGE_SIZE),
            "query",
            description=f"rows per page, default {PORTAL_USERS_PAGE_SIZE}",
        ),
    ],
    response=responses(PortalUserPage, errors=(401, 403, 422)),
)
@requires(Permission.VIEW_PORTAL_USERS)
async def list_portal_users(request: Request) -> HTTPResponse:
    """Return one page of the portal users matching the search and the status."""
    query = _list_query(request)
    now = request.app.ctx.clock.now()
    users, total = await service.search(query, now)
    page = PortalUserPage(
        items=[_summary(user, now) for user in users],
        total=total,
        page=query.page,
        page_size=query.page_size,
    )
    return json(page.model_dump(mode="json"))


class InviteRequest(BaseModel):
    """A portal login to create for an account; the subscriber sets the password from the email."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    account_number: str = Field(min_length=1, max_length=32)
    email: str = Field(min_length=3, max_length=254)


@bp.post("")
@openapi.definition(
    summary="Invite a subscriber: create the login and email a link to set the password",
    tag="portal-users",
    secured={"token": []},
    body=json_content(InviteRequest),
    response=responses(PortalUserOut, 201, errors=(401, 403, 409, 422)),
)
@requires(Permission.MANAGE_PORTAL_USER)
async def invite(request: Request) -> HTTPResponse:
    """Create an invited portal user and send the invitation."""
    payload = parse(InviteRequest, json_body(request))
    try:
        user = await service.invite_and_notify(
            request.app.ctx.notifier,
            payload.account_number,
            payload.email,
            actor=request.ctx.actor,
            timeouts=request.app.ctx.timeouts,
        )
    except service.FormProblem as problem:
        raise FieldErrors(problem.fields) from None
    return json(PortalUserOut.model_validate(service.serialise(user)).model_dump(mode="json"), status=201)


class EmailRequest(BaseModel):
    """A portal login's new email address."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    email: str = Field(min_length=3, max_length=254)


@bp.put("/<user_id:int>/email")
@openapi.definition(
    summary="Change a portal login's email address; both addresses are told",
    tag="portal-users",
    secured={"token": []},
    body=json_content(EmailRequest),
    response=responses(PortalUserOut, 200, errors=(401, 403, 404, 422)),
)
@requires(Permission.MANAGE_PORTAL_USER)
async def change_email(request: Request, user_id: int) -> HTTPResponse:
    """Edit the email address of a portal user."""
    payload = parse(EmailRequest, json_body(request))
    try:
        user = await service.change_email_and_notify(
            request.app.ctx.notifier, user_id, payload.email, actor=request.ctx.actor
        )
    except service.FormProblem as problem:
        raise FieldErrors(problem.fields) from None
    except LookupError:
        raise not_found("The portal user") from None
    return json(PortalUserOut.model_validate(service.serialise(user)).model_dump(mode="json"))
