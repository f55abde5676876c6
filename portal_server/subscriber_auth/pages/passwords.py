"""Forgotten passwords, reset links and invitations that set the first password."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse, Request
from sanic_ext import openapi
from tortoise.backends.base.client import BaseDBAsyncClient

from common.email_rules import MAX_EMAIL_LENGTH, email_problem
from common.profile import ProfileContent
from portal_server.http import client_address
from portal_server.portal import web
from portal_server.portal.forms import Field, FormSpec, read_form
from portal_server.portal_users.models import PortalUser
from portal_server.security.passwords import MAX_PASSWORD_LENGTH
from portal_server.subscriber_auth.pages import public
from portal_server.subscriber_auth.service import FormProblem
from portal_server.subscriber_auth.service import passwords as service
from portal_server.subscriber_auth.service.links import LinkProblem, check_link

bp = Blueprint("subscriber_passwords")


FORGOT_FORM = FormSpec(Field("email", MAX_EMAIL_LENGTH))
NEW_PASSWORD_FORM = FormSpec(
    Field("password", MAX_PASSWORD_LENGTH, secret=True),
    Field("password_confirm", MAX_PASSWORD_LENGTH, secret=True),
)


def _forgot_page(
    request: Request,
    profile: ProfileContent,
    links: web.PortalLinks,
    *,
    status: int = 200,
    email: str = "",
    errors: dict[str, str] | None = None,
) -> HTTPResponse:
    return web.render(
        request,
        "forgot_password.html",
        profile,
        links=links,
        status=status,
        shared=not email and errors is None,
        form={"email": email},
        errors=errors or {},
        action=links.forgot_password,
    )


@bp.get("/forgot-password")
@openapi.exclude()
async def forgot_page(request: Request) -> HTTPResponse:
    """Ask for the email address to send a reset link to."""
    if away := public.signed_in_elsewhere(request):
        return away
    profile, links = await public.public_profile(request)
    return _forgot_page(request, profile, links)


@bp.post("/forgot-password")
@openapi.exclude()
async def forgot_submit(request: Request) -> HTTPResponse:
    """Send a reset link. The page and its timing are the same whether the address exists or not."""
    posted = read_form(request, FORGOT_FORM)
    profile, links = await public.public_profile(request)
    email = posted.get("email").strip()
    if posted.refused:
        return _forgot_page(
            request, profile, links, status=posted.status, email=posted.get("email"), errors=posted.errors
        )
    if reason := email_problem(email):
        return _forgot_page(request, profile, links, status=422, email=email, errors={"email": reason})
    try:
        allowed = await service.reset_allowed(
            email, address=client_address(request), now=public.now(request), throttle=request.app.ctx.throttle
        )
    except FormProblem as problem:
        return _forgot_page(
            request, profile, links, status=problem.status, email=email, errors=problem.fields
        )
    if allowed:
        request.app.add_task(_send_reset(request, email))
    hours = public.reset_link_hours(request)
    return public.message_page(
        request,
        profile,
        links,
        "Check your email",
        f"If {email} belongs to a portal login, we sent it a link to choose a new password. "
        f"The link works once and expires in {hours} hour{'s' if hours != 1 else ''}.",
        action=public.back_to_sign_in(links),
    )


async def _send_reset(request: Request, email: str) -> None:
    issued = await service.request_password_reset(
        email, now=public.now(request), timeouts=public.timeouts(request)
    )
    if issued is None:
        return
    user, token = issued
    await public.send_mail(
        request,
        "password_reset",
        user,
        link=request.app.ctx.notifier.url(f"/reset-password/{token}"),
        link_hours=public.reset_link_hours(request),
    )


async def _password_form(request: Request, token: str, purpose: str, heading: str) -> HTTPResponse:
    action = f"/{'reset-password' if purpose == 'reset' else 'invite'}/{token}"
    try:
        user = await check_link(token, purpose, public.now(request))
    except LinkProblem as problem:
        profile, links = await public.public_profile(request)
        return _problem_for(request, profile, links, problem.reason, purpose)
    # A link from a mail opens its pages in the brand of the account it belongs to.
    profile, links = await public.branded_for(user)

    def form_page(status: int = 200, errors: dict[str, str] | None = None) -> HTTPResponse:
        return web.render(
            request,
            "reset_password.html",
            profile,
            links=links,
            status=status,
            errors=errors or {},
            action=action,
            heading=heading,
        )

    if request.method == "GET":
        return form_page()
    posted = read_form(request, NEW_PASSWORD_FORM)
    if posted.refused:
        return form_page(posted.status, posted.errors)

    async def mail_change(changed: PortalUser, connection: BaseDBAsyncClient) -> None:
        await public.send_mail(request, "password_changed", changed, connection=connection)

    try:
        await service.set_password_by_link(
            token,
            purpose,
            posted.get("password"),
            posted.get("password_confirm"),
            address=client_address(request),
            now=public.now(request),
            notify=mail_change,
        )
    except FormProblem as problem:
        return form_page(problem.status, problem.fields)
    except LinkProblem as problem:
        return _problem_for(request, profile, links, problem.reason, purpose)
    response = web.redirect_to(request, public.sign_in_after(links, "password"))
    web.clear_session_cookie(request, response)
    return response


def _problem_for(
    request: Request, profile: ProfileContent, links: web.PortalLinks, reason: str, purpose: str
) -> HTTPResponse:
    if purpose == "reset":
        return public.link_problem_page(
            request,
            profile,
            links,
            reason,
            links.forgot_password,
            "Enter your email address and we will send a new link.",
        )
    return public.message_page(
        request,
        profile,
        links,
        "This invitation cannot be used",
        f"{public.LINK_PROBLEMS[reason]} Ask your provider's support team to send a new invitation, "
        "or reset your password if you already set one.",
        status=410 if reason != "unknown" else 404,
        action={"href": links.forgot_password, "label": "Reset my password"},
    )


@bp.route("/reset-password/<token:str>", methods=["GET", "POST"])
@openapi.exclude()
async def reset_password(request: Request, token: str) -> HTTPResponse:
    """Choose a new password with a reset link."""
    return await _password_form(request, token, "reset", "Choose a new password")


@bp.route("/invite/<token:str>", methods=["GET", "POST"])
@openapi.exclude()
async def accept_invite(request: Request, token: str) -> HTTPResponse:
    """Set the first password with an invitation link."""
    return await _password_form(request, token, "invite", "Set your password")
