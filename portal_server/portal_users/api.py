"""Admin API: portal users (subscriber logins) that reps create by invitation."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sanic import Blueprint, HTTPResponse, Request
from sanic.response import json
from sanic_ext import openapi

from common.permissions import Permission
from common.validation import FieldErrors, parse
from portal_server.admin_auth import requires
from portal_server.api_docs import json_content, responses
from portal_server.errors import not_found
from portal_server.http import json_body
from portal_server.portal_users import service

bp = Blueprint("admin_portal_users", url_prefix="/api/v1/admin/portal-users")


class InviteRequest(BaseModel):
    """A portal login to create for an account; the subscriber sets the password from the email."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    account_number: str = Field(min_length=1, max_length=32)
    email: str = Field(min_length=3, max_length=254)


class PortalUserOut(BaseModel):
    """A portal user as the admin API shows it."""

    id: int
    account_number: str
    email: str
    display_name: str
    status: str
    bill_notifications: bool
    email_verified: bool


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
        user = await service.invite_and_notify(request, payload.account_number, payload.email)
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
        user = await service.change_email_and_notify(request, user_id, payload.email)
    except service.FormProblem as problem:
        raise FieldErrors(problem.fields) from None
    except LookupError:
        raise not_found("The portal user") from None
    return json(PortalUserOut.model_validate(service.serialise(user)).model_dump(mode="json"))
