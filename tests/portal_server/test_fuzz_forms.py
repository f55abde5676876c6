"""Arbitrary text into every public form and every admin query parameter: never a 5xx or a stack
trace, and a refused form always comes back holding what was typed (passwords excepted).

The text mixes any Unicode (but lone surrogates, which no browser can send), right-to-left
marks, combining marks, NUL and other control characters, and lengths from empty to far past
every column behind the fields. How the examples reach the app is told in ``fuzzing.py``.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from common.validation import CONTROL_CHARACTERS
from tests.portal_server.fuzzing import (
    LONG,
    ODD_CHARACTERS,
    SEEDS,
    OnTestLoop,
    check_response,
    fuzz_settings,
)
from tests.portal_server.subscriber_support import CSRF, link_in, make_account, wait_for_mail

# What a browser can put in a form: anything but lone surrogates.
FORM_CHARACTERS = st.one_of(
    st.characters(exclude_categories=["Cs"]),
    st.characters(max_codepoint=0x1F),
    st.sampled_from([c for c in ODD_CHARACTERS if not 0xD800 <= ord(c) <= 0xDFFF]),
)
FORM_SEEDS = [*SEEDS, "200001", "Whitfield", "30301", "dana@example.com", "Müller", "ﬁ@example.com"]
FORM_TEXT = st.one_of(
    st.text(FORM_CHARACTERS, max_size=30),
    st.sampled_from(FORM_SEEDS),
    st.builds(lambda a, b: a + b, st.sampled_from(FORM_SEEDS), st.text(FORM_CHARACTERS, max_size=6)),
    st.sampled_from([*LONG, 254, 255, 256, 257, 312]).map(lambda size: "ü" * size),
)
REFUSED = {401, 403, 404, 410, 422, 429}


@dataclass(frozen=True)
class Form:
    """A public form: where it posts, the page it comes from, and its fields."""

    path: str
    page: str
    kept: tuple[str, ...]  # fields a refused form must bring back as typed
    secret: tuple[str, ...] = ()


async def _links(client: httpx.AsyncClient, admin: Any, config: Any, clock: Any) -> tuple[str, str]:
    """A live invitation token and a live verification token to aim two forms at."""
    await make_account(clock, "300300")
    invited = await client.post(
        "/api/v1/admin/portal-users",
        json={"account_number": "300300", "email": "sam@example.com"},
        headers=admin.headers,
    )
    assert invited.status_code == 201, invited.text
    await make_account(clock, "300301", last_name="Okafor")
    page = await client.get("/register")
    token = CSRF.search(page.text)
    assert token
    registered = await client.post(
        "/register",
        data={
            "account_number": "300301",
            "last_name": "Okafor",
            "email": "ada@example.com",
            "username": "",
            "password": "correct horse battery",
            "password_confirm": "correct horse battery",
            "csrf_token": token.group(1),
        },
    )
    assert registered.status_code == 200, registered.text
    mails = await wait_for_mail(config.data_dir, 2)
    tokens = dict(link_in(mail) for mail in mails)
    return tokens["invite"], tokens["verify"]


def _forms(invite: str, verify: str, reset: str = "not-a-token") -> list[Form]:
    return [
        Form("/login", "/login", ("identifier",), ("password",)),
        Form(
            "/register",
            "/register",
            ("account_number", "last_name", "email", "username"),
            ("password", "password_confirm"),
        ),
        Form("/forgot-password", "/forgot-password", ("email",)),
        Form("/verify/resend", "/forgot-password", ("email",)),
        Form(f"/invite/{invite}", f"/invite/{invite}", (), ("password", "password_confirm")),
        Form(f"/reset-password/{reset}", "/forgot-password", (), ("password", "password_confirm")),
        Form(f"/verify/{verify}", f"/verify/{verify}", ()),
        Form("/logout", "/login", ()),
    ]


def _shows(page: str, value: str) -> bool:
    """Tell whether a page holds a typed value (escaped as the templates escape it)."""
    return str(escape(CONTROL_CHARACTERS.sub("", value))) in page


async def test_arbitrary_text_in_every_public_form_gets_a_page_and_keeps_what_was_typed(
    client: httpx.AsyncClient, admin, config, clock
) -> None:
    invite, verify = await _links(client, admin, config, clock)
    forms = _forms(invite, verify)
    tokens = {}
    for form in forms:
        page = await client.get(form.page)
        match = CSRF.search(page.text)
        assert match, f"no form on {form.page}"
        tokens[form.path] = match.group(1)
    on_loop = OnTestLoop()

    @fuzz_settings(160, shrink=False)
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        form = data.draw(st.sampled_from(forms), label="form")
        values = {name: data.draw(FORM_TEXT, label=name) for name in (*form.kept, *form.secret)}
        with_token = data.draw(st.integers(0, 9), label="token") > 0
        posted = {**values, **({"csrf_token": tokens[form.path]} if with_token else {})}
        response = on_loop(client.post(form.path, data=posted))
        request = f"POST {form.path} {posted!r}"[:2000]
        assert response.status_code < 500, f"{request} -> {response.status_code}"
        assert "Traceback" not in response.text, request
        if response.status_code in REFUSED and "<form" in response.text:
            for name in form.kept:
                assert _shows(response.text, values[name]), f"{name} was lost: {request}"
        for name in form.secret:
            secret = values[name]
            elsewhere = any(secret in values[other] for other in form.kept) or secret in FORM_SEEDS
            if len(secret) >= 4 and not elsewhere:
                assert str(escape(secret)) not in response.text, f"{name} came back: {request}"

    await asyncio.to_thread(fuzz)


# --- every admin query parameter ---------------------------------------------------------------

# Longer query strings than this do not fit in a request line (8 KB), in any client.
QUERY_TEXT = st.one_of(
    FORM_TEXT.filter(lambda text: len(text) <= 2500),
    st.sampled_from(["-1", "0", "1", "2147483648", "1e9", "name", "-name", "locked", "active", "profile:1"]),
)


def _query_parameters(spec: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/v1/admin"):
            continue
        get = operations.get("get")
        if not isinstance(get, dict):
            continue
        for parameter in get.get("parameters", []):
            if parameter.get("in") == "query":
                found.append((path, parameter["name"]))
    return found


async def test_arbitrary_text_in_every_admin_query_parameter_gets_a_proper_answer(
    client: httpx.AsyncClient, admin
) -> None:
    spec = (await client.get("/docs/openapi.json")).json()
    parameters = [(path, name) for path, name in _query_parameters(spec) if "{" not in path]
    assert {("/api/v1/admin/audit", "object"), ("/api/v1/admin/portal-users", "q")} <= set(parameters)
    on_loop = OnTestLoop()

    @fuzz_settings(150, shrink=False)
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        path, name = data.draw(st.sampled_from(parameters), label="parameter")
        value = data.draw(QUERY_TEXT, label="value")
        response = on_loop(client.get(path, params={name: value}, headers=admin.headers))
        check_response(response, f"GET {path}?{name}={value!r}"[:2000])
        if response.status_code == 422:
            assert name in response.json()["error"]["fields"], response.text

    await asyncio.to_thread(fuzz)


def test_the_form_list_covers_every_public_form() -> None:
    """A new public form must join the fuzzing: compare with the router's POST routes."""
    from portal_server.app import create_app
    from portal_server.config import ServerConfig

    app = create_app(ServerConfig(database_url="sqlite://:memory:", secret_key="x"))
    posted = {
        "/" + re.sub(r"<[^>]+>", "*", route.path.lstrip("/"))
        for route in app.router.routes
        if "POST" in route.methods and not route.path.lstrip("/").startswith("api/")
    }
    covered = {form.path.replace("/T", "/*") for form in _forms("T", "T", "T")}
    assert posted == covered
