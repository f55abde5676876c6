"""Registering online and verifying the email address."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse, Request
from sanic_ext import openapi
from tortoise.backends.base.client import BaseDBAsyncClient

from common.email_rules import MAX_EMAIL_LENGTH
from common.profile import ProfileContent
from portal_server.http import client_address
from portal_server.portal import web
from portal_server.portal.forms import Field, FormSpec, read_form
from portal_server.portal_users.models import PortalUser
from portal_server.security.passwords import MAX_PASSWORD_LENGTH
from portal_server.subscriber_auth.pages import public
from portal_server.subscriber_auth.service import FormProblem
from portal_server.subscriber_auth.service import registration as service
from portal_server.subscriber_auth.service.links import LinkProblem, check_link
from portal_server.subscriber_auth.service.registration import RegistrationClosed

bp = Blueprint("subscriber_registration")

# Limits match the columns behind the fields (the last-name field takes a ZIP code too).
REGISTER_FORM = FormSpec(
    Field("account_number", 32),
    Field("last_name", 80),
    Field("email", MAX_EMAIL_LENGTH),
    Field("username", 64),
    Field("password", MAX_PASSWORD_LENGTH, secret=True),
    Field("password_confirm", MAX_PASSWORD_LENGTH, secret=True),
)
RESEND_FORM = FormSpec(Field("email", MAX_EMAIL_LENGTH))
CONFIRM_FORM = FormSpec()
REFILLED = ("account_number", "last_name", "email", "username")


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
        shared=form is None and errors is None,
        errors=errors or {},
        action=links.register,
        form={key: values.get(key, "") for key in REFILLED},
    )


def _registration_closed(request: Request, profile: ProfileContent, links: web.PortalLinks) -> HTTPResponse:
    if profile.settings.force_sso:
        message = profile.settings.sso_help_text or (
            "You sign in with your organization's account, so there is nothing to register here."
        )
    else:
        message = "Online registration is not offered here. Please contact support to get a portal login."
    return public.message_page(
        request,
        profile,
        links,
        "Registration is not available",
        message,
        status=404,
        action=public.back_to_sign_in(links),
    )


@bp.get("/register")
@openapi.exclude()
async def register_page(request: Request) -> HTTPResponse:
    """Show the self-registration form when the profile allows it."""
    if away := public.signed_in_elsewhere(request):
        return away
    profile, links = await public.public_profile(request)
    if not profile.settings.registration_enabled:
        return _registration_closed(request, profile, links)
    return _register_page(request, profile, links)


@bp.post("/register")
@openapi.exclude()
async def register_submit(request: Request) -> HTTPResponse:
    """Create a pending login for a proven account and send the verification email."""
    posted = read_form(request, REGISTER_FORM)
    profile, links = await public.public_profile(request)
    if posted.refused:
        return _register_page(
            request, profile, links, status=posted.status, form=posted.refill(), errors=posted.errors
        )
    if not profile.settings.registration_enabled:
        return _registration_closed(request, profile, links)
    registration = service.Registration(
        account_number=posted.get("account_number"),
        fact=posted.get("last_name"),
        email=posted.get("email"),
        username=posted.get("username"),
        password=posted.get("password"),
        password_confirm=posted.get("password_confirm"),
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
    except RegistrationClosed as closed:
        return _registration_closed(request, closed.profile, await public.profile_links(closed.profile))
    except FormProblem as problem:
        return _register_page(
            request, profile, links, status=problem.status, form=posted.refill(), errors=problem.fields
        )
    # From here on the pages wear the brand of the account's profile, as its mail does.
    user_profile, user_links = await public.branded_for(user)
    return web.render(
        request,
        "register_sent.html",
        user_profile,
        links=user_links,
        email=user.email,
        link_days=public.verify_link_days(request),
    )


def _verify_problem(
    request: Request, profile: ProfileContent, links: web.PortalLinks, reason: str
) -> HTTPResponse:
    return public.link_problem_page(
        request,
        profile,
        links,
        reason,
        f"/verify/resend{web.profile_query(public.login_profile(request))}",
        "Enter your email address and we will send a new verification link.",
    )


@bp.get("/verify/<token:str>")
@openapi.exclude()
async def verify_page(request: Request, token: str) -> HTTPResponse:
    """Show a verification link's confirm button; opening the link alone uses nothing up.

    Corporate mail scanners fetch every link in a mail before the subscriber sees it.
    """
    try:
        user = await check_link(token, "verify", public.now(request))
    except LinkProblem as problem:
        profile, links = await public.public_profile(request)
        return _verify_problem(request, profile, links, problem.reason)
    profile, links = await public.branded_for(user)
    return _confirm_page(request, profile, links, token, user.email)


def _confirm_page(
    request: Request,
    profile: ProfileContent,
    links: web.PortalLinks,
    token: str,
    email: str,
    *,
    status: int = 200,
    form_error: str | None = None,
) -> HTTPResponse:
    return public.message_page(
        request,
        profile,
        links,
        "Confirm your email address",
        f"Select the button to confirm that {email} is your address and finish setting up your account.",
        status=status,
        confirm={"action": f"/verify/{token}", "label": "Confirm my email address"},
        form_error=form_error,
    )


@bp.post("/verify/<token:str>")
@openapi.exclude()
async def verify(request: Request, token: str) -> HTTPResponse:
    """Use a verification link: the login becomes active."""
    posted = read_form(request, CONFIRM_FORM)
    try:
        user = await check_link(token, "verify", public.now(request))
        profile, links = await public.branded_for(user)
        if posted.refused:
            return _confirm_page(
                request,
                profile,
                links,
                token,
                user.email,
                status=posted.status,
                form_error=posted.errors["_form"],
            )
        await service.verify_email(token, address=client_address(request), now=public.now(request))
    except LinkProblem as problem:
        profile, links = await public.public_profile(request)
        return _verify_problem(request, profile, links, problem.reason)
    return web.redirect_to(request, public.sign_in_after(links, "verified"))


@bp.post("/verify/resend")
@openapi.exclude()
async def verify_resend(request: Request) -> HTTPResponse:
    """Send a new verification link; the answer is the same whether or not one was sent."""
    posted = read_form(request, RESEND_FORM)
    profile, links = await public.public_profile(request)
    resend_action = f"/verify/resend{web.profile_query(public.login_profile(request))}"
    if posted.refused:
        return public.message_page(
            request,
            profile,
            links,
            "Send a new verification link",
            "Enter the email address you registered with and we will send a new link.",
            status=posted.status,
            resend_action=resend_action,
            resend_email=posted.get("email"),
            resend_errors={k: v for k, v in posted.errors.items() if k != "_form"},
            form_error=posted.errors.get("_form"),
            action=public.back_to_sign_in(links),
        )
    try:
        issued = await service.new_verification_link(
            posted.get("email"),
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
            resend_action=resend_action,
            resend_email=posted.get("email"),
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
