"""Signing in and out."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse, Request
from sanic_ext import openapi

from common.profile import ProfileContent
from portal_server.http import client_address
from portal_server.portal import web
from portal_server.portal.forms import Field, FormSpec, read_form
from portal_server.profiles import service as profiles
from portal_server.subscriber_auth.pages import public
from portal_server.subscriber_auth.service import sessions
from portal_server.subscriber_auth.service import sign_in as service
from portal_server.subscriber_auth.service.sign_in import SignInRefused

bp = Blueprint("subscriber_sign_in")

SIGN_IN_REFUSED = "The email, username or password is not right, or the account is locked. Try again later."
THROTTLED = "Too many sign-in attempts from your network. Wait a few minutes and try again."
# No limits at the edge: an over-long identifier gets the usual "not right" answer.
SIGN_IN_FORM = FormSpec(Field("identifier"), Field("password", secret=True))
SIGN_OUT_FORM = FormSpec()


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
        shared=form is None and errors is None,
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
    profile, links = await public.public_profile(request)
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
    posted = read_form(request, SIGN_IN_FORM)
    profile, links = await public.public_profile(request)
    if posted.refused:
        return _login_page(
            request, profile, links, status=posted.status, form=posted.refill(), errors=posted.errors
        )
    address = client_address(request)
    try:
        user = await service.sign_in(
            posted.get("identifier"),
            posted.get("password"),
            address=address,
            now=public.now(request),
            throttle=request.app.ctx.throttle,
            notifier=request.app.ctx.notifier,
            timeouts=public.timeouts(request),
        )
    except SignInRefused as refused:
        if refused.reason == "email not verified" and refused.user is not None:
            user_profile, user_links = await public.branded_for(refused.user)
            resend_query = web.profile_query(await profiles.login_profile_name(user_profile))
            return public.message_page(
                request,
                user_profile,
                user_links,
                "Verify your email first",
                f"We sent a link to {refused.user.email}. "
                "Open it to finish registering, or ask for a new one.",
                status=403,
                resend_action=f"/verify/resend{resend_query}",
                resend_email=refused.user.email,
                action=public.back_to_sign_in(user_links),
            )
        message = THROTTLED if refused.reason == "throttled" else SIGN_IN_REFUSED
        return _login_page(
            request,
            profile,
            links,
            status=429 if refused.reason == "throttled" else 401,
            form=posted.refill(),
            errors={"_form": message},
        )
    # A new session id at every sign-in: a cookie planted before sign-in is worthless after it.
    await sessions.end_session(request.cookies.get(web.SESSION_COOKIE), now=public.now(request))
    token = await sessions.start_session(
        user,
        address=address,
        user_agent=request.headers.get("user-agent", ""),
        now=public.now(request),
        timeouts=public.timeouts(request),
    )
    user_profile = await profiles.profile_for_market(user.account.market)
    response = web.redirect_to(request, web.landing_url(user_profile))
    web.set_session_cookie(request, response, token)
    return response


@bp.post("/logout")
@openapi.exclude()
async def logout(request: Request) -> HTTPResponse:
    """End the session on the server and forget the cookie."""
    posted = read_form(request, SIGN_OUT_FORM)
    if posted.refused and web.current_session(request) is not None:
        # An expired page: ask once more with a fresh form rather than signing out on a stale one.
        profile, links = await public.public_profile(request)
        return public.message_page(
            request,
            profile,
            links,
            "Sign out?",
            "That page had expired. Select Sign out to end your session.",
            status=posted.status,
            confirm={"action": "/logout", "label": "Sign out"},
        )
    await sessions.end_session(request.cookies.get(web.SESSION_COOKIE), now=public.now(request))
    response = web.redirect_to(request, "/login?done=signed-out")
    web.clear_session_cookie(request, response)
    return response
