"""Forgotten passwords, reset links and invitations that set the first password."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse, Request
from sanic_ext import openapi
from tortoise.backends.base.client import BaseDBAsyncClient

from common.email_rules import email_problem
from common.profile import ProfileContent
from portal_server.http import client_address
from portal_server.portal import web
from portal_server.portal_users.models import PortalUser
from portal_server.subscriber_auth.pages import public
from portal_server.subscriber_auth.service import FormProblem
from portal_server.subscriber_auth.service import passwords as service
from portal_server.subscriber_auth.service.links import LinkProblem, check_link

bp = Blueprint("subscriber_passwords")


@bp.get("/forgot-password")
@openapi.exclude()
async def forgot_page(request: Request) -> HTTPResponse:
    """Ask for the email address to send a reset link to."""
    profile, links = await public.public_profile(request)
    return web.render(
        request,
        "forgot_password.html",
        profile,
        links=links,
        form={"email": ""},
        errors={},
        action=links.forgot_password,
    )


@bp.post("/forgot-password")
@openapi.exclude()
async def forgot_submit(request: Request) -> HTTPResponse:
    """Send a reset link. The page and its timing are the same whether the address exists or not."""
    form = await public.read_form(request)
    if isinstance(form, HTTPResponse):
        return form
    profile, links = await public.public_profile(request)
    email = form.get("email", "").strip()
    if reason := email_problem(email):
        return web.render(
            request,
            "forgot_password.html",
            profile,
            links=links,
            status=422,
            form={"email": email},
            errors={"email": reason},
            action=links.forgot_password,
        )
    try:
        allowed = await service.reset_allowed(
            email, address=client_address(request), now=public.now(request), throttle=request.app.ctx.throttle
        )
    except FormProblem as problem:
        return web.render(
            request,
            "forgot_password.html",
            profile,
            links=links,
            status=problem.status,
            form={"email": email},
            errors=problem.fields,
            action=links.forgot_password,
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
    profile, links = await public.public_profile(request)
    action = f"/{'reset-password' if purpose == 'reset' else 'invite'}/{token}"
    if request.method == "GET":
        try:
            await check_link(token, purpose, public.now(request))
        except LinkProblem as problem:
            return _problem_for(request, profile, links, problem.reason, purpose)
        return web.render(
            request,
            "reset_password.html",
            profile,
            links=links,
            errors={},
            action=action,
            heading=heading,
        )
    form = await public.read_form(request)
    if isinstance(form, HTTPResponse):
        return form

    async def mail_change(user: PortalUser, connection: BaseDBAsyncClient) -> None:
        await public.send_mail(request, "password_changed", user, connection=connection)

    try:
        await service.set_password_by_link(
            token,
            purpose,
            form.get("password", ""),
            form.get("password_confirm", ""),
            address=client_address(request),
            now=public.now(request),
            notify=mail_change,
        )
    except FormProblem as problem:
        return web.render(
            request,
            "reset_password.html",
            profile,
            links=links,
            status=422,
            errors=problem.fields,
            action=action,
            heading=heading,
        )
    except LinkProblem as problem:
        return _problem_for(request, profile, links, problem.reason, purpose)
    response = web.redirect_to(request, "/login?done=password")
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
