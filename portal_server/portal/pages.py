"""The signed-in portal: the landing page, the session middleware, static files, error pages."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, HTTPResponse, Request, Sanic
from sanic_ext import openapi

from portal_server.portal import web
from portal_server.portal.page_cache import SharedPages
from portal_server.portal.static_files import setup_static
from portal_server.profiles import service as profiles
from portal_server.subscriber_auth.service import sessions
from portal_server.subscriber_auth.service.sessions import SignedInAccount

bp = Blueprint("portal")

_NOT_PORTAL = ("/api/", "/docs", "/media/", "/static/", "/branding/", "/healthz")


def is_portal_page(request: Request) -> bool:
    """Tell whether a request is for a portal page (HTML) rather than the API or a file."""
    return not request.path.startswith(_NOT_PORTAL)


def _account_view(account: SignedInAccount) -> dict[str, Any]:
    return {
        "number": account.number,
        "holder_name": account.holder_name,
        "balance": account.balance,
        "due_date": account.due_date,
        "status": account.status,
        "market": account.market,
    }


@bp.get("/")
@openapi.exclude()
async def home(request: Request) -> HTTPResponse:
    """The landing page: the subscriber's name, account, balance and enabled widgets."""
    session = web.current_session(request)
    if session is None:
        return web.redirect_to(request, "/login")
    profile = await profiles.profile_for_market(session.account.market)
    return web.render(
        request,
        "home.html",
        profile,
        current="account_summary",
        user={"display_name": session.display_name, "email": session.email},
        account=_account_view(session.account),
        available_widgets=["account_balance"],
        impersonation={"staff": session.impersonated_by} if session.impersonated_by else None,
    )


async def error_page(request: Request, status: int, heading: str, message: str) -> HTTPResponse:
    """Render a friendly error page in the default profile's branding."""
    try:
        profile = await profiles.default_profile()
    except Exception:  # the database may be what failed: fall back to the built-in look
        profile = profiles.out_of_box_default()
    return web.render(request, "error.html", profile, status=status, heading=heading, message=message)


def setup_portal(app: Sanic) -> None:
    """Mount the portal pages, static files and the session middleware."""
    app.ctx.html_error_page = error_page
    app.ctx.is_portal_page = is_portal_page
    app.ctx.shared_pages = SharedPages()
    setup_static(app)

    @app.on_request
    async def _load_session(request: Request) -> None:
        request.ctx.portal_session = None
        if not is_portal_page(request):
            return
        token = request.cookies.get(web.SESSION_COOKIE)
        if token:
            request.ctx.portal_session = await sessions.session_for(
                token, now=request.app.ctx.clock.now(), timeouts=request.app.ctx.timeouts
            )
