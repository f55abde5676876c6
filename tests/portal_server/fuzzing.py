"""What the fuzz tests share: bounded, reproducible Hypothesis settings, a way to reach the app's
event loop from the thread Hypothesis runs in, the API's error-shape checks, and text strategies
full of the characters that break things."""

from __future__ import annotations

import asyncio
import operator
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

T = TypeVar("T")


def fuzz_settings(max_examples: int, *, shrink: bool = True) -> settings:
    """Bounded, reproducible Hypothesis settings for one property."""
    phases = [Phase.explicit, Phase.generate, *([Phase.shrink] if shrink else [])]
    return settings(
        max_examples=max_examples,
        phases=phases,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )


class OnTestLoop:
    """Run coroutines on the test's event loop from the thread Hypothesis runs in."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()

    def __call__(self, coroutine: Coroutine[Any, Any, T]) -> T:
        # The limit only keeps a hung request from hanging the suite; it asserts nothing.
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=300)


def describe(method: str, url: str, body: bytes | None) -> str:
    """A request, short enough for an assertion message."""
    shown = repr(body[:300]) + ("..." if len(body) > 300 else "") if body else "no body"
    return f"{method} {url} with {shown}"


def check_error_body(response: httpx.Response, request: str) -> dict[str, Any]:
    """Assert the response is the API's JSON error document and return its ``error``."""
    where = f"{request} -> {response.status_code} {response.text[:500]!r}"
    assert "Traceback" not in response.text, where
    assert response.headers.get("content-type", "").startswith("application/json"), where
    body = response.json()
    assert isinstance(body, dict) and list(body) == ["error"], where
    error = body["error"]
    assert isinstance(error, dict), where
    assert isinstance(error.get("code"), str) and error["code"], where
    assert isinstance(error.get("message"), str) and error["message"], where
    fields = error.get("fields")
    assert isinstance(fields, dict), where
    for name, reason in fields.items():
        assert name and isinstance(reason, str) and reason, where
    if response.status_code == 422:
        assert fields, f"a 422 must name the fields at fault: {where}"
    return error


def check_response(response: httpx.Response, request: str) -> None:
    """No 5xx, no stack trace, and every error in the error shape."""
    assert response.status_code < 500, f"{request} -> {response.status_code} {response.text[:500]}"
    if response.status_code >= 400:
        check_error_body(response, request)


SEEDS = [
    "",
    " ",
    "Default",
    "Fuzz target",
    "https://example.com/",
    "http://",
    "support@example.com",
    "+1 555 0100",
    "#0a3d73",
    "#FFF",
    "fa6s.house",
    "system.registration",
    "friendly.password_reset",
    "teamsupport",
    "widget-1",
    "by_category",
    "gray",
    "days",
    "login",
    "0" * 64,
    "image/png",
    "usage",
    "settings",
    "account_summary",
]
LONG = [5, 6, 40, 41, 60, 61, 80, 81, 300, 301, 500, 501, 2000, 2001, 270_000]
ODD_CHARACTERS = [
    "\x00",
    "\x01",
    "\x1b",
    "\x1f",
    "\x7f",
    "\n",
    "\r",
    "\t",
    "\u0085",
    "\u2028",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\U0001f600",
    "\u0301",
    "İ",
    "ß",
    "'",
    '"',
    "\\",
    "<",
    "%",
    "/",
]
CHARACTERS = st.one_of(
    st.characters(),
    st.characters(categories=["Cs"]),
    st.characters(max_codepoint=0x1F),
    st.sampled_from(ODD_CHARACTERS),
)
SHORT_TEXT = st.text(CHARACTERS, max_size=8)
TEXT = st.one_of(
    st.text(CHARACTERS, max_size=20),
    st.sampled_from(SEEDS),
    st.builds(operator.add, st.sampled_from(SEEDS), SHORT_TEXT),
    st.builds(operator.add, SHORT_TEXT, st.sampled_from(SEEDS)),
    st.sampled_from(LONG).map(lambda size: "x" * size),
)
