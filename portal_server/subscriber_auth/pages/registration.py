"""Registering online and verifying the email address."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse, Request
from sanic_ext import openapi
from tortoise.backends.base.client import BaseDBAsyncClient

from common.profile import ProfileContent
from portal_server.http import client_address
from portal_server.portal import web
from portal_server.portal_users.models import PortalUser
from portal_server.subscriber_auth.pages import public
from portal_server.subscriber_auth.service import FormProblem
from portal_server.subscriber_auth.service import registration as service
from portal_server.subscriber_auth.service.links import LinkProblem

bp = Blueprint("subscriber_registration")


def _register_page(
    request: Request,
    profile: ProfileContent,
    links: web.PortalLinks,
    *,
    status: int = 200,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTTPResponse:
    values = form or {}
    return web.render(
        request,
        "register.html",
        profile,
        links=links,
        status=status,
        errors=errors or {},
        action=links.register,
        form={key: values.get(key, "") for key in ("account_number", "last_name", "email", "username")},
    )


def _registration_closed(request: Request, profile: ProfileContent, links: web.PortalLinks) -> HTTPResponse:
    return public.message_page(
        request,
        profile,
        links,
        "Registration is not available",
        "Online registration is not offered here. Please contact support to get a portal login.",
        status=404,
        action=public.back_to_sign_in(links),
    )


@bp.get("/register")
@openapi.exclude()
async def register_page(request: Request) -> HTTPResponse:
    """Show the self-registration form when the profile allows it."""
    profile, links = await public.public_profile(request)
    if not profile.settings.registration_enabled:
        return _registration_closed(request, profile, links)
    return _register_page(request, profile, links)


@bp.post("/register")
@openapi.exclude()
async def register_submit(request: Request) -> HTTPResponse:
    """Create a pending login for a proven account and send the verification email."""
    form = await public.read_form(request)
    if isinstance(form, HTTPResponse):
        return form
    profile, links = await public.public_profile(request)
    if not profile.settings.registration_enabled:
        return _registration_closed(request, profile, links)
    registration = service.Registration(
        account_number=form.get("account_number", ""),
        fact=form.get("last_name", ""),
        email=form.get("email", ""),
        username=form.get("username", ""),
        password=form.get("password", ""),
        password_confirm=form.get("password_confirm", ""),
    )

    async def mail_link(user: PortalUser, token: str, connection: BaseDBAsyncClient) -> None:
        await public.send_verification(request, user, token, connection)

    try:
        user, _token = await service.register(
            registration,
            address=client_address(request),
            now=public.now(request),
            timeouts=public.timeouts(request),
            throttle=request.app.ctx.throttle,
            notify=mail_link,
        )
    except FormProblem as problem:
        return _register_page(
            request, profile, links, status=problem.status, form=form, errors=problem.fields
        )
    return web.render(
        request,
        "register_sent.html",
        profile,
        links=links,
        email=user.email,
        link_days=public.verify_link_days(request),
    )


@bp.get("/verify/<token:str>")
@openapi.exclude()
async def verify(request: Request, token: str) -> HTTPResponse:
    """Use a verification link."""
    profile, links = await public.public_profile(request)
    try:
        await service.verify_email(token, address=client_address(request), now=public.now(request))
    except LinkProblem as problem:
        return public.link_problem_page(
            request,
            profile,
            links,
            problem.reason,
            "/verify/resend",
            "Enter your email address and we will send a new verification link.",
        )
    return web.redirect_to(request, "/login?done=verified")


@bp.post("/verify/resend")
@openapi.exclude()
async def verify_resend(request: Request) -> HTTPResponse:
    """Send a new verification link; the answer is the same whether or not one was sent."""
    form = await public.read_form(request)
    if isinstance(form, HTTPResponse):
        return form
    profile, links = await public.public_profile(request)
    try:
        issued = await service.new_verification_link(
            form.get("email", ""),
            address=client_address(request),
            now=public.now(request),
            timeouts=public.timeouts(request),
            throttle=request.app.ctx.throttle,
        )
    except FormProblem as problem:
        return public.message_page(
            request,
            profile,
            links,
            "Please wait a little",
            problem.fields["_form"],
            status=problem.status,
            action=public.back_to_sign_in(links),
        )
    if issued is not None:
        await public.send_verification(request, *issued)
    return public.message_page(
        request,
        profile,
        links,
        "Check your email",
        "If that address belongs to a login waiting for verification, a new link is on its way. "
        f"It works once and expires in {public.verify_link_days(request)} days.",
        action=public.back_to_sign_in(links),
    )
