"""What every portal page handler shares: branding, links, CSRF, the session cookie."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlencode

from sanic import HTTPResponse, Request
from sanic.response import html, redirect

from common.profile import LogoSlot, ProfileContent
from common.render import PortalLinks, landing_page, render_page
from portal_server.security.tokens import same_text
from portal_server.subscriber_auth.service.sessions import SignedIn

SESSION_COOKIE = "portal_session"
CSRF_COOKIE = "portal_csrf"

# Menu pages the portal has built so far: a menu item shows only when its page exists.
PAGES: dict[str, str] = {"account_summary": "/"}

_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
}


def logo_urls(profile: ProfileContent) -> dict[str, str]:
    """Return each logo slot's URL: the uploaded image, or the default branding's."""
    urls = {}
    for slot in LogoSlot:
        ref = getattr(profile.logos, slot.value)
        urls[slot.value] = f"/media/logos/{ref.sha256}" if ref else f"/branding/default/{slot.value}.svg"
    return urls


def profile_query(login_profile: str | None) -> str:
    """Return ``?loginProfile=NAME`` for a profile name ('' for none)."""
    return f"?{urlencode({'loginProfile': login_profile}, quote_via=quote)}" if login_profile else ""


def links_for(profile: ProfileContent, login_profile: str | None = None) -> PortalLinks:
    """Return the server's URLs for a profile's pages (keeping ?loginProfile= on public pages)."""
    query = profile_query(login_profile)
    return PortalLinks(
        static="/static",
        home="/",
        login=f"/login{query}",
        logout="/logout",
        register=f"/register{query}",
        forgot_password=f"/forgot-password{query}",
        logos=logo_urls(profile),
        pages=PAGES,
    )


def served_links(request: Request, links: PortalLinks) -> PortalLinks:
    """Point a page's static files and default logos at their fingerprinted, long-cached URLs."""
    urls: Mapping[str, str] = request.app.ctx.static_files.urls
    logos = {slot: urls.get(url, url) for slot, url in links.logos.items()}
    return replace(links, assets=urls, logos=logos)


def landing_url(profile: ProfileContent) -> str:
    """Return the URL of the first menu page that exists."""
    key = landing_page(profile, links_for(profile))
    return PAGES.get(key or "", "/")


def cookie_is_secure(request: Request) -> bool:
    """Cookies are Secure everywhere but plain http on the loopback address during `make run`."""
    base = request.app.ctx.config.base_url
    return not (base.startswith("http://127.0.0.1") or base.startswith("http://localhost"))


def _csrf_for(request: Request, seed: str) -> str:
    key = request.app.ctx.config.secret_key.encode()
    return hmac.new(key, f"csrf:{seed}".encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """Return the CSRF token for forms on this page, making a cookie seed when there is none."""
    seed = request.cookies.get(CSRF_COOKIE) or getattr(request.ctx, "new_csrf_seed", None)
    if not seed or len(seed) > 100:
        seed = secrets.token_urlsafe(32)
        request.ctx.new_csrf_seed = seed
    return _csrf_for(request, seed)


def csrf_ok(request: Request, form: Mapping[str, Any]) -> bool:
    """Tell whether a posted form carries the token bound to this browser's CSRF cookie."""
    seed = request.cookies.get(CSRF_COOKIE)
    sent = form.get("csrf_token") or ""
    if not seed or not isinstance(sent, str) or len(seed) > 100:
        return False
    return same_text(_csrf_for(request, seed), sent)


def finish(request: Request, response: HTTPResponse) -> HTTPResponse:
    """Attach the page headers and any CSRF cookie a page minted."""
    for name, value in _PAGE_HEADERS.items():
        response.headers.setdefault(name, value)
    seed = getattr(request.ctx, "new_csrf_seed", None)
    if seed:
        response.add_cookie(
            CSRF_COOKIE,
            seed,
            httponly=True,
            samesite="Lax",
            secure=cookie_is_secure(request),
            path="/",
        )
    return response


def render(
    request: Request,
    template: str,
    profile: ProfileContent,
    *,
    status: int = 200,
    links: PortalLinks | None = None,
    current: str | None = None,
    shared: bool = False,
    **extra: Any,
) -> HTTPResponse:
    """Render a portal page with the profile's branding and this browser's CSRF token.

    ``shared`` says the page holds nothing of this request but the token (a blank form): it is
    then rendered once per profile version and served from ``app.ctx.shared_pages``.
    """
    shared_pages = request.app.ctx.shared_pages
    links = links or shared_pages.entry(profile, "links", lambda: links_for(profile))
    served = shared_pages.entry(profile, ("served links", links.login), lambda: served_links(request, links))
    license = request.app.ctx.config.license
    # Besides the profile, a layout shows its links (?loginProfile=) and the licence's banner.
    variant = (links.login, license)

    def render_with(token: str) -> str:
        return render_page(
            template,
            profile,
            served,
            license=license,
            current=current,
            fragments=shared_pages.fragments(profile, variant),
            csrf_token=token,
            status=status,
            **extra,
        )

    token = csrf_token(request)
    if shared:
        # repr() of the page's few plain values (strings, flags, empty dicts) is a stable key.
        key = (template, status, current, variant, repr(sorted(extra.items())))
        body = shared_pages.page(profile, key, render_with, token)
    else:
        body = render_with(token)
    return finish(request, html(body, status=status))


def redirect_to(request: Request, location: str) -> HTTPResponse:
    """Redirect (303 after a form) with the page headers."""
    return finish(request, redirect(location, status=303))


def set_session_cookie(request: Request, response: HTTPResponse, token: str) -> None:
    """Give the browser its session cookie (and a fresh CSRF seed bound to the new session)."""
    secure = cookie_is_secure(request)
    response.add_cookie(SESSION_COOKIE, token, httponly=True, samesite="Lax", secure=secure, path="/")
    response.add_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(32),
        httponly=True,
        samesite="Lax",
        secure=secure,
        path="/",
    )


def clear_session_cookie(request: Request, response: HTTPResponse) -> None:
    """Remove the session cookie from the browser."""
    response.delete_cookie(SESSION_COOKIE, path="/")


def current_session(request: Request) -> SignedIn | None:
    """Return the session the request came with (loaded by the session middleware)."""
    return getattr(request.ctx, "portal_session", None)
