"""Portal pages for signing in and out, registering, verifying email and resetting passwords."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, HTTPResponse, Request
from sanic_ext import openapi

from common.profile import ProfileContent
from common.validation import CONTROL_CHARACTERS
from portal_server.http import client_address
from portal_server.notifications import service as notifications
from portal_server.portal import web
from portal_server.portal_users.models import PortalUser
from portal_server.profiles import service as profiles
from portal_server.subscriber_auth import service
from portal_server.subscriber_auth.service import FormProblem, LinkProblem, SignInRefused

bp = Blueprint("subscriber_auth")

SIGN_IN_REFUSED = "The email, username or password is not right, or the account is locked. Try again later."
THROTTLED = "Too many sign-in attempts from your network. Wait a few minutes and try again."
LINK_PROBLEMS = {
    "unknown": "This link is not valid. It may have been mistyped or replaced by a newer one.",
    "used": "This link has already been used. Each link works once.",
    "expired": "This link has expired.",
}


def _now(request: Request) -> Any:
    return request.app.ctx.clock.now()


def _timeouts(request: Request) -> service.Timeouts:
    return request.app.ctx.timeouts


def _login_profile(request: Request) -> str | None:
    # Forms post back to their page's URL, so the query string carries the name on posts too.
    name = (request.args.get("loginProfile") or "").strip()
    return name[:80] or None


async def _public_profile(request: Request) -> tuple[ProfileContent, web.PortalLinks]:
    name = _login_profile(request)
    profile = await profiles.profile_named(name)
    return profile, web.links_for(profile, name)


async def _refused_post(request: Request, status: int, heading: str, message: str) -> HTTPResponse:
    profile, links = await _public_profile(request)
    return web.render(
        request, "error.html", profile, links=links, status=status, heading=heading, message=message
    )


async def _form(request: Request) -> dict[str, str] | HTTPResponse:
    """Return the posted form as {name: first value}, or the page to answer a bad post with."""
    if len(request.body or b"") > web.MAX_FORM_BYTES:
        return await _refused_post(
            request, 413, "That was too much", "The form was larger than we accept. Go back and try again."
        )
    values = {key: (items[0] if items else "") for key, items in (request.form or {}).items()}
    if any(CONTROL_CHARACTERS.search(value) for value in values.values()):
        return await _refused_post(
            request,
            400,
            "That did not work",
            "The form held characters we cannot accept. Go back, check what you typed and try again.",
        )
    if not web.csrf_ok(request, values):
        return await _refused_post(
            request,
            403,
            "Please try again",
            "This form expired or came from somewhere else. Reload the page and send it again.",
        )
    return values


def _message_page(
    request: Request,
    profile: ProfileContent,
    links: web.PortalLinks,
    heading: str,
    message: str,
    *,
    status: int = 200,
    action: dict[str, str] | None = None,
    resend_action: str | None = None,
) -> HTTPResponse:
    """Render a message page: ``action`` is its way forward, ``resend_action`` asks for a new link."""
    resend = None
    if resend_action is not None:
        resend = {
            "action": resend_action,
            "csrf_token": web.csrf_token(request),
            "email_label": "Email address",
        }
    return web.render(
        request,
        "message.html",
        profile,
        links=links,
        status=status,
        heading=heading,
        message=message,
        resend=resend,
        action=action,
    )


def _back_to_sign_in(links: web.PortalLinks) -> dict[str, str]:
    return {"href": links.login, "label": "Back to sign in"}


def _reset_link_hours(request: Request) -> int:
    return int(_timeouts(request).reset_link.total_seconds() // 3600)


def _verify_link_days(request: Request) -> int:
    return int(_timeouts(request).verify_link.total_seconds() // 86400)


async def _send_verification(request: Request, user: PortalUser, token: str) -> None:
    await send_mail(
        request,
        await _user_profile(user),
        "registration",
        user,
        link=f"{request.app.ctx.config.base_url}/verify/{token}",
        link_days=_verify_link_days(request),
    )


async def send_mail(
    request: Request, profile: ProfileContent, kind: str, user: PortalUser, **context: Any
) -> None:
    """Send a branded email to a portal user, in the background of the response."""
    config = request.app.ctx.config
    await notifications.send_to(
        profile,
        kind,
        notifications.Recipient(user.email, user.display_name),
        mailer=request.app.ctx.mailer,
        base_url=config.base_url,
        sender=config.mail_sender,
        logo_url=f"{config.base_url}{web.logo_urls(profile)['login']}",
        when=_now(request).strftime("%-d %B %Y, %H:%M UTC"),
        **context,
    )


async def _user_profile(user: PortalUser) -> ProfileContent:
    account = await user.account
    return await profiles.profile_for_market(account.market)


# --- sign in / out --------------------------------------------------------------------------


def _login_page(
    request: Request,
    profile: ProfileContent,
    links: web.PortalLinks,
    *,
    status: int = 200,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
) -> HTTPResponse:
    return web.render(
        request,
        "login.html",
        profile,
        links=links,
        status=status,
        form={"identifier": (form or {}).get("identifier", "")},
        errors=errors or {},
        notice=notice,
        action=links.login,
        registration_enabled=profile.settings.registration_enabled,
        sso_help_text=profile.settings.sso_help_text,
    )


@bp.get("/login")
@openapi.exclude()
async def login_page(request: Request) -> HTTPResponse:
    """Show the sign-in form, branded by ?loginProfile= or the default profile."""
    if web.current_session(request) is not None:
        return web.redirect_to(request, "/")
    profile, links = await _public_profile(request)
    notice = {
        "verified": "Your email address is verified. Sign in to continue.",
        "password": "Your password is changed. Sign in with the new one.",
        "signed-out": "You are signed out.",
    }.get(request.args.get("done", ""))
    return _login_page(request, profile, links, notice=notice)


@bp.post("/login")
@openapi.exclude()
async def login_submit(request: Request) -> HTTPResponse:
    """Check the credentials and start a new session."""
    form = await _form(request)
    if isinstance(form, HTTPResponse):
        return form
    profile, links = await _public_profile(request)
    address = client_address(request)
    try:
        user = await service.sign_in(
            form.get("identifier", ""), form.get("password", ""), address=address, now=_now(request)
        )
    except SignInRefused as refused:
        if refused.reason == "email not verified" and refused.user is not None:
            return _message_page(
                request,
                profile,
                links,
                "Verify your email first",
                f"We sent a link to {refused.user.email}. "
                "Open it to finish registering, or ask for a new one.",
                status=403,
                resend_action="/verify/resend",
            )
        message = THROTTLED if refused.reason == "throttled" else SIGN_IN_REFUSED
        return _login_page(
            request,
            profile,
            links,
            status=429 if refused.reason == "throttled" else 401,
            form=form,
            errors={"_form": message},
        )
    # A new session id at every sign-in: a cookie planted before sign-in is worthless after it.
    await service.end_session(request.cookies.get(web.SESSION_COOKIE), now=_now(request))
    token = await service.start_session(
        user,
        address=address,
        user_agent=request.headers.get("user-agent", ""),
        now=_now(request),
        timeouts=_timeouts(request),
    )
    user_profile = await profiles.profile_for_market(user.account.market)
    response = web.redirect_to(request, web.landing_url(user_profile))
    web.set_session_cookie(request, response, token)
    return response


@bp.post("/logout")
@openapi.exclude()
async def logout(request: Request) -> HTTPResponse:
    """End the session on the server and forget the cookie."""
    form = await _form(request)
    if isinstance(form, HTTPResponse):
        return form
    await service.end_session(request.cookies.get(web.SESSION_COOKIE), now=_now(request))
    response = web.redirect_to(request, "/login?done=signed-out")
    web.clear_session_cookie(request, response)
    return response


# --- registration and verification ------------------------------------------------------------


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
    return _message_page(
        request,
        profile,
        links,
        "Registration is not available",
        "Online registration is not offered here. Please contact support to get a portal login.",
        status=404,
        action=_back_to_sign_in(links),
    )


@bp.get("/register")
@openapi.exclude()
async def register_page(request: Request) -> HTTPResponse:
    """Show the self-registration form when the profile allows it."""
    profile, links = await _public_profile(request)
    if not profile.settings.registration_enabled:
        return _registration_closed(request, profile, links)
    return _register_page(request, profile, links)


@bp.post("/register")
@openapi.exclude()
async def register_submit(request: Request) -> HTTPResponse:
    """Create a pending login for a proven account and send the verification email."""
    form = await _form(request)
    if isinstance(form, HTTPResponse):
        return form
    profile, links = await _public_profile(request)
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
    try:
        user, token = await service.register(
            registration,
            address=client_address(request),
            now=_now(request),
            timeouts=_timeouts(request),
        )
    except FormProblem as problem:
        return _register_page(request, profile, links, status=422, form=form, errors=problem.fields)
    await _send_verification(request, user, token)
    return web.render(
        request,
        "register_sent.html",
        profile,
        links=links,
        email=user.email,
        link_days=_verify_link_days(request),
    )


def _link_problem_page(
    request: Request,
    profile: ProfileContent,
    links: web.PortalLinks,
    reason: str,
    resend_action: str,
    again: str,
) -> HTTPResponse:
    return _message_page(
        request,
        profile,
        links,
        "This link cannot be used",
        f"{LINK_PROBLEMS[reason]} {again}",
        status=410 if reason != "unknown" else 404,
        action=_back_to_sign_in(links),
        resend_action=resend_action,
    )


@bp.get("/verify/<token:str>")
@openapi.exclude()
async def verify(request: Request, token: str) -> HTTPResponse:
    """Use a verification link."""
    profile, links = await _public_profile(request)
    try:
        await service.verify_email(token, address=client_address(request), now=_now(request))
    except LinkProblem as problem:
        return _link_problem_page(
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
    form = await _form(request)
    if isinstance(form, HTTPResponse):
        return form
    profile, links = await _public_profile(request)
    issued = await service.new_verification_link(
        form.get("email", ""), now=_now(request), timeouts=_timeouts(request)
    )
    if issued is not None:
        await _send_verification(request, *issued)
    return _message_page(
        request,
        profile,
        links,
        "Check your email",
        "If that address belongs to a login waiting for verification, a new link is on its way. "
        f"It works once and expires in {_verify_link_days(request)} days.",
        action=_back_to_sign_in(links),
    )


# --- forgotten and new passwords ------------------------------------------------------------------


@bp.get("/forgot-password")
@openapi.exclude()
async def forgot_page(request: Request) -> HTTPResponse:
    """Ask for the email address to send a reset link to."""
    profile, links = await _public_profile(request)
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
    form = await _form(request)
    if isinstance(form, HTTPResponse):
        return form
    profile, links = await _public_profile(request)
    email = form.get("email", "").strip()
    if problem := service.email_problem(email.lower()):
        return web.render(
            request,
            "forgot_password.html",
            profile,
            links=links,
            status=422,
            form={"email": email},
            errors={"email": problem},
            action=links.forgot_password,
        )
    request.app.add_task(_send_reset(request, email))
    hours = _reset_link_hours(request)
    return _message_page(
        request,
        profile,
        links,
        "Check your email",
        f"If {email} belongs to a portal login, we sent it a link to choose a new password. "
        f"The link works once and expires in {hours} hour{'s' if hours != 1 else ''}.",
        action=_back_to_sign_in(links),
    )


async def _send_reset(request: Request, email: str) -> None:
    issued = await service.request_password_reset(email, now=_now(request), timeouts=_timeouts(request))
    if issued is None:
        return
    user, token = issued
    hours = _reset_link_hours(request)
    await send_mail(
        request,
        await _user_profile(user),
        "password_reset",
        user,
        link=f"{request.app.ctx.config.base_url}/reset-password/{token}",
        link_hours=hours,
    )


async def _password_form(request: Request, token: str, purpose: str, heading: str) -> HTTPResponse:
    profile, links = await _public_profile(request)
    action = f"/{'reset-password' if purpose == 'reset' else 'invite'}/{token}"
    if request.method == "GET":
        try:
            await service.check_link(token, purpose, _now(request))
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
    form = await _form(request)
    if isinstance(form, HTTPResponse):
        return form
    try:
        user = await service.set_password_by_link(
            token,
            purpose,
            form.get("password", ""),
            form.get("password_confirm", ""),
            address=client_address(request),
            now=_now(request),
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
    await send_mail(request, await _user_profile(user), "password_changed", user)
    response = web.redirect_to(request, "/login?done=password")
    web.clear_session_cookie(request, response)
    return response


def _problem_for(
    request: Request, profile: ProfileContent, links: web.PortalLinks, reason: str, purpose: str
) -> HTTPResponse:
    if purpose == "reset":
        return _link_problem_page(
            request,
            profile,
            links,
            reason,
            links.forgot_password,
            "Enter your email address and we will send a new link.",
        )
    return _message_page(
        request,
        profile,
        links,
        "This invitation cannot be used",
        f"{LINK_PROBLEMS[reason]} Ask your provider's support team to send a new invitation, "
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
