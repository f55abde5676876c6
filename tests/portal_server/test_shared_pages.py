"""Blank forms and page frames are rendered once per profile version; nothing of a visitor is shared."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sanic import Sanic

from common.profile import default_content
from portal_server.clock import FakeClock
from portal_server.portal import web
from portal_server.portal.page_cache import SharedPages
from portal_server.portal_users.models import PortalUser
from portal_server.subscriber_auth.service import sessions
from tests.portal_server.subscriber_support import CSRF, make_account


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the name of every template the server renders (and still render it)."""
    names: list[str] = []
    real = web.render_page

    def counted(name: str, *args, **kwargs):
        names.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(web, "render_page", counted)
    return names


def _browser(app: Sanic) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40001))
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1")


async def _save_default_profile(client: httpx.AsyncClient, admin, changes: dict) -> None:
    listing = (await client.get("/api/v1/admin/profiles", headers=admin.headers)).json()["items"]
    profile_id = next(item["id"] for item in listing if item["is_default"])
    saved = await client.patch(f"/api/v1/admin/profiles/{profile_id}", json=changes, headers=admin.headers)
    assert saved.status_code == 200, saved.text


async def test_a_blank_form_is_rendered_once_and_each_browser_gets_its_own_token(
    app, client, admin, renders
) -> None:
    async with _browser(app) as first, _browser(app) as second:
        one = await first.get("/login")
        two = await second.get("/login")
        assert one.status_code == two.status_code == 200
        assert renders.count("login.html") == 1, "the second visitor got the page rendered before"
        token_one, token_two = CSRF.search(one.text).group(1), CSRF.search(two.text).group(1)
        assert token_one != token_two
        assert one.text.replace(token_one, "T") == two.text.replace(token_two, "T")
        # Each token is bound to its own browser's cookie: swapping them is refused.
        swapped = await first.post(
            "/login", data={"csrf_token": token_two, "identifier": "x", "password": "y"}
        )
        assert swapped.status_code == 403
        own = await first.post("/login", data={"csrf_token": token_one, "identifier": "x", "password": "y"})
        assert own.status_code == 401

    await _save_default_profile(client, admin, {"settings": {"browser_title": "Saved a moment ago"}})
    before = renders.count("login.html")
    fresh = await client.get("/login")
    assert "<title>Sign in · Saved a moment ago</title>" in fresh.text
    assert renders.count("login.html") == before + 1, "a saved profile renders its form afresh"
    await client.get("/login")
    assert renders.count("login.html") == before + 1


async def test_a_form_with_what_someone_typed_is_never_shared(app, renders) -> None:
    async with _browser(app) as someone, _browser(app) as next_visitor:
        token = CSRF.search((await someone.get("/login")).text).group(1)
        typed = {"csrf_token": token, "identifier": "typed.by.someone@example.com", "password": "x"}
        refused = await someone.post("/login", data=typed)
        assert refused.status_code == 401 and "typed.by.someone@example.com" in refused.text
        blank = await next_visitor.get("/login")
        assert "typed.by.someone@example.com" not in blank.text
        assert "is not right" not in blank.text


async def _signed_in(app: Sanic, clock: FakeClock, number: str, name: str) -> httpx.AsyncClient:
    account = await make_account(clock, number, holder=name, due=date(2026, 2, 1))
    user = await PortalUser.create(
        account=account,
        email=f"{number}@example.com",
        display_name=name,
        status="active",
        email_verified_at=clock.now(),
        created_at=clock.now(),
    )
    token = await sessions.start_session(
        user, address="127.0.0.1", user_agent="test", now=clock.now(), timeouts=app.ctx.timeouts
    )
    browser = _browser(app)
    browser.cookies.set(web.SESSION_COOKIE, token)
    return browser


async def test_signed_in_pages_share_their_frame_but_each_shows_its_own_subscriber(
    app, client, admin, clock
) -> None:
    dana = await _signed_in(app, clock, "300001", "Dana Whitfield")
    omar = await _signed_in(app, clock, "300002", "Omar Haddad")
    async with dana, omar:
        dana_home, omar_home = (await dana.get("/")).text, (await omar.get("/")).text
        assert "Welcome, Dana Whitfield" in dana_home and "Omar Haddad" not in dana_home
        assert "Welcome, Omar Haddad" in omar_home and "Dana Whitfield" not in omar_home
        assert "300001@example.com" in dana_home and "300002@example.com" not in dana_home
        assert CSRF.search(dana_home).group(1) != CSRF.search(omar_home).group(1)

        await _save_default_profile(client, admin, {"support": {"phone": "+1 555 0100 999"}})
        # The support menu and the footer are shared parts: the save reaches both at once.
        for browser in (dana, omar):
            page = (await browser.get("/")).text
            assert page.count("+1 555 0100 999") >= 2, "support menu and footer show the new number"


def test_the_store_is_bounded_and_never_serves_another_profile_version() -> None:
    pages = SharedPages(max_entries=3)
    made: list[str] = []

    def render(title: str):
        def make(mark: str) -> str:
            made.append(title)
            return f"<title>{title}</title><input value={mark}>"

        return make

    old = default_content("Default")
    assert pages.page(old, "login", render("old"), "t1") == "<title>old</title><input value=t1>"
    assert pages.page(old, "login", render("old"), "t2") == "<title>old</title><input value=t2>"
    new = old.model_copy(deep=True)
    assert pages.page(new, "login", render("new"), "t3") == "<title>new</title><input value=t3>"
    assert made == ["old", "new"]
    for n in range(5):
        pages.page(new, f"page {n}", render(f"page {n}"), "t")
    assert len(pages) == 3
