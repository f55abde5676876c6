"""Headers every answer carries: no-store on the admin API, HSTS behind https, Allow on 405."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import httpx
from sanic import Sanic

from portal_server.app import create_app
from portal_server.config import ServerConfig
from portal_server.headers import HSTS, admin_cache_control
from tests.portal_server.test_permission_matrix import EXPECTED, admin_routes

HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
_PARAM = re.compile(r"<(\w+)(?::([^>]*))?>")


def _concrete(path: str, values: dict[str, str]) -> str:
    """Fill a router path's <name:type> parameters."""

    def value(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2) or "str"
        return values.get(name, "1" if kind == "int" else "abc")

    return "/" + _PARAM.sub(value, path.lstrip("/"))


def _no_store(response: httpx.Response) -> bool:
    directives = {d.strip().lower() for d in response.headers.get("cache-control", "").split(",")}
    return "no-store" in directives


# --- Cache-Control on the admin API ------------------------------------------------------------------


async def test_every_admin_answer_says_no_store(app: Sanic, client: httpx.AsyncClient, admin) -> None:
    routes = sorted(admin_routes(app))
    # The sign-out goes last: the passes after it would no longer be signed in.
    routes.sort(key=lambda key: key == ("DELETE", "/api/v1/admin/auth/token"))
    assert {key for key in routes if key[0] not in ("HEAD", "OPTIONS")} == set(EXPECTED)
    missing = {"profile_id": "999999", "user_id": "999999", "number": "999", "market": "NOWHERE"}
    statuses: dict[int, int] = {}
    failures = []

    async def check(method: str, url: str, **kwargs: Any) -> None:
        response = await client.request(method, url, **kwargs)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if not _no_store(response):
            failures.append(f"{method} {url}: {response.status_code} {response.headers.get('cache-control')}")

    for method, path in routes:
        await check(method, _concrete(path, missing))  # anonymous: 401 (204 for OPTIONS)
    for method, path in routes:
        kwargs: dict[str, Any] = {"headers": admin.headers}
        if method in ("POST", "PUT", "PATCH"):
            kwargs["json"] = {}
        await check(method, _concrete(path, missing), **kwargs)  # signed in, nothing there: 404, 422
    for method, url in [
        ("GET", "/api/v1/admin/audit?page=0"),
        ("GET", "/api/v1/admin/portal-users?page_size=100000"),
        ("GET", "/api/v1/admin/no-such-thing"),
        ("DELETE", "/api/v1/admin/audit"),
        ("GET", "/api/v1/admin"),
    ]:
        await check(method, url, headers=admin.headers)
    assert not failures, "\n".join(failures)
    for status in (200, 204, 401, 404, 405, 422):
        assert statuses.get(status), f"no {status} among {statuses}"
    # Only the admin API: files outside it keep the caching they chose.
    css = await client.get("/static/css/portal.css")
    assert css.status_code == 200, css.text
    assert not _no_store(css)


async def test_the_sign_in_answer_and_its_refusal_say_no_store(client: httpx.AsyncClient) -> None:
    token = await client.post(
        "/api/v1/admin/auth/token", json={"username": "rep", "password": "rep-password-22"}
    )
    refused = await client.post("/api/v1/admin/auth/token", json={"username": "rep", "password": "wrong"})
    assert (token.status_code, refused.status_code) == (200, 401)
    assert token.headers["cache-control"] == refused.headers["cache-control"] == "no-store"


def test_a_handler_may_be_stricter_than_no_store_but_never_weaker() -> None:
    weaker = [None, "", "public, max-age=31536000, immutable", "no-cache", "private, max-age=0"]
    stricter = ["private, no-store", "No-Store, max-age=0", "no-store, no-cache, must-revalidate"]
    assert [admin_cache_control(current) for current in weaker] == ["no-store"] * len(weaker)
    assert [admin_cache_control(current) for current in stricter] == stricter


# --- HSTS ----------------------------------------------------------------------------------------


SAMPLE_PATHS = ("/healthz", "/login", "/api/v1/admin/profiles", "/no-such-page", "/static/css/portal.css")


async def _answers(config: ServerConfig, paths: tuple[str, ...]) -> dict[str, httpx.Response]:
    """Start an app built from config, GET each path, stop it, and return the answers."""
    application = create_app(config)
    application.asgi = True
    await application._startup()
    await application._server_event("init", "before")
    await application._server_event("init", "after")
    try:
        transport = httpx.ASGITransport(app=application, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            return {path: await http.get(path) for path in paths}
    finally:
        await application._server_event("shutdown", "before")
        await application._server_event("shutdown", "after")


async def test_hsts_is_sent_on_every_answer_when_the_base_url_is_https_and_only_then(
    config: ServerConfig,
) -> None:
    assert HSTS == "max-age=31536000; includeSubDomains"
    for base_url, expected in [
        ("https://portal.example.com", HSTS),
        ("HTTPS://Portal.Example.com/", HSTS),
        ("http://portal.example.com", None),
        ("http://127.0.0.1:8000", None),
    ]:
        answers = await _answers(replace(config, base_url=base_url), SAMPLE_PATHS)
        for path, response in answers.items():
            where = f"{base_url} {path}: {response.status_code}"
            assert response.headers.get("strict-transport-security") == expected, where
        assert {answer.status_code for answer in answers.values()} >= {200, 401, 404}


# --- 405 and Allow --------------------------------------------------------------------------------


async def test_405_on_an_api_path_lists_the_allowed_methods(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/v1/admin/profiles/1/duplicate")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response.headers["allow"] == "OPTIONS, POST"


async def test_405_on_a_portal_path_lists_the_allowed_methods(client: httpx.AsyncClient) -> None:
    response = await client.put("/reset-password/some-token")
    assert response.status_code == 405
    assert "text/html" in response.headers["content-type"]
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"


async def test_every_route_answers_a_wrong_method_with_allow(app: Sanic, client: httpx.AsyncClient) -> None:
    accepted: dict[str, set[str]] = {}
    for route in app.router.routes:
        accepted.setdefault(route.path, set()).update(route.methods)
    checked = 0
    failures = []
    for path, methods in sorted(accepted.items()):
        wrong = next((m for m in HTTP_METHODS if m not in methods), None)
        url = _concrete(path, {"__file_uri__": "css/portal.css"})
        if wrong is None:
            continue
        response = await client.request(wrong, url)
        checked += 1
        allow = response.headers.get("allow", "")
        if response.status_code != 405 or set(allow.split(", ")) != methods:
            failures.append(
                f"{wrong} {url}: {response.status_code} Allow={allow!r}, expected {sorted(methods)}"
            )
        elif allow != ", ".join(sorted(methods)):
            failures.append(f"{wrong} {url}: Allow={allow!r} is not in a stable order")
    assert not failures, "\n".join(failures)
    assert checked == len(accepted) > 20


async def test_every_get_has_head_and_every_path_answers_options(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    groups = list(app.router.groups.values())
    assert all("HEAD" in group.methods for group in groups if "GET" in group.methods)
    assert all("OPTIONS" in group.methods for group in groups)
    page = await client.get("/login")
    head = await client.head("/login")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == page.headers["content-type"]
    options = await client.options("/login")
    assert options.status_code == 204
    assert set(options.headers["allow"].split(",")) == {"GET", "HEAD", "OPTIONS", "POST"}
