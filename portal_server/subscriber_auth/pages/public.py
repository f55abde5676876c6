"""What the pages before sign-in share: their profile and branding, message pages, branded mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sanic import HTTPResponse, Request
from tortoise.backends.base.client import BaseDBAsyncClient

from common.profile import ProfileContent
from portal_server.notifications.notifier import Recipient
from portal_server.portal import web
from portal_server.portal_users.models import PortalUser
from portal_server.profiles import service as profiles
from portal_server.subscriber_auth.service import Timeouts

LINK_PROBLEMS = {
    "unknown": "This link is not valid. It may have been mistyped or replaced by a newer one.",
    "used": "This link has already been used. Each link works once.",
    "expired": "This link has expired.",
}


def now(request: Request) -> datetime:
    """Return the server clock's time."""
    return request.app.ctx.clock.now()


def timeouts(request: Request) -> Timeouts:
    """Return how long sessions and links live on this server."""
    return request.app.ctx.timeouts


def login_profile(request: Request) -> str | None:
    """Return the ?loginProfile= name (forms post back to their URL, so posts carry it too)."""
    name = (request.args.get("loginProfile") or "").strip()
    return name[:80] or None


async def public_profile(request: Request) -> tuple[ProfileContent, web.PortalLinks]:
    """Return the profile a public page is branded with, and its links."""
    name = login_profile(request)
    profile = await profiles.profile_named(name)
    return profile, web.links_for(profile, name)


async def profile_links(profile: ProfileContent) -> web.PortalLinks:
    """Return public links that keep a profile's branding on the pages they lead to."""
    return web.links_for(profile, await profiles.login_profile_name(profile))


async def branded_for(user: PortalUser) -> tuple[ProfileContent, web.PortalLinks]:
    """Return the profile of a user's account and links that keep its branding."""
    profile = await user_profile(user)
    return profile, await profile_links(profile)


def signed_in_elsewhere(request: Request) -> HTTPResponse | None:
    """Send a signed-in subscriber from a page for signed-out visitors to the portal's start."""
    if web.current_session(request) is None:
        return None
    return web.redirect_to(request, "/")


def message_page(
    request: Request,
    profile: ProfileContent,
    links: web.PortalLinks,
    heading: str,
    message: str,
    *,
    status: int = 200,
    action: dict[str, str] | None = None,
    resend_action: str | None = None,
    resend_email: str = "",
    resend_errors: dict[str, str] | None = None,
    confirm: dict[str, str] | None = None,
    form_error: str | None = None,
) -> HTTPResponse:
    """Render a message page: ``action`` is its way forward, ``resend_action`` asks for a new link
    (with the address filled in), ``confirm`` is a one-button form, ``form_error`` a problem."""
    resend = None
    if resend_action is not None:
        resend = {
            "action": resend_action,
            "csrf_token": web.csrf_token(request),
            "email_label": "Email address",
            "email": resend_email,
            "errors": resend_errors or {},
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
        confirm=confirm,
        form_error=form_error,
    )


def link_problem_page(
    request: Request,
    profile: ProfileContent,
    links: web.PortalLinks,
    reason: str,
    resend_action: str,
    again: str,
) -> HTTPResponse:
    """Explain why a verification or reset link cannot be used and offer a new one."""
    return message_page(
        request,
        profile,
        links,
        "This link cannot be used",
        f"{LINK_PROBLEMS[reason]} {again}",
        status=410 if reason != "unknown" else 404,
        action=back_to_sign_in(links),
        resend_action=resend_action,
    )


def sign_in_after(links: web.PortalLinks, done: str) -> str:
    """Return the sign-in page's URL saying what was just done, keeping the links' branding."""
    path, _, query = links.login.partition("?")
    return f"{path}?done={done}" + (f"&{query}" if query else "")


def back_to_sign_in(links: web.PortalLinks) -> dict[str, str]:
    """Return the way forward that leads back to the sign-in page."""
    return {"href": links.login, "label": "Back to sign in"}


def reset_link_hours(request: Request) -> int:
    """Return how many hours a reset link works."""
    return int(timeouts(request).reset_link.total_seconds() // 3600)


def verify_link_days(request: Request) -> int:
    """Return how many days a verification link works."""
    return int(timeouts(request).verify_link.total_seconds() // 86400)


async def user_profile(user: PortalUser) -> ProfileContent:
    """Return the profile of the user's account (its market's, else the default)."""
    account = await user.account
    return await profiles.profile_for_market(account.market)


async def send_mail(
    request: Request,
    kind: str,
    user: PortalUser,
    *,
    connection: BaseDBAsyncClient | None = None,
    **context: Any,
) -> None:
    """Queue a branded mail to a portal user in the profile of the user's account.

    With ``connection`` the mail is queued in that transaction.
    """
    await request.app.ctx.notifier.send(
        await user_profile(user),
        kind,
        Recipient(user.email, user.display_name),
        connection=connection,
        **context,
    )


async def send_verification(
    request: Request, user: PortalUser, token: str, connection: BaseDBAsyncClient | None = None
) -> None:
    """Queue a verification link to a user (in ``connection``'s transaction when given)."""
    await send_mail(
        request,
        "registration",
        user,
        connection=connection,
        link=request.app.ctx.notifier.url(f"/verify/{token}"),
        link_days=verify_link_days(request),
    )
