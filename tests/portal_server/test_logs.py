"""JSON log lines, and secrets kept out of them."""

from __future__ import annotations

import io
import json
import logging
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from tortoise.exceptions import IntegrityError

from portal_server.app import create_app
from portal_server.config import ServerConfig
from portal_server.logs import JsonFormatter, logging_config, mask_emails, mask_url, redact
from portal_server.portal_users.models import PortalUser
from portal_server.subscriber_auth.pages import passwords as password_pages
from portal_server.subscriber_auth.service.links import issue_link
from tests.portal_server.subscriber_support import make_account

SECRETS = (
    "hunter2-password",
    "tok-0123456789",
    "abc.def",
    "nested-secret-value",
    "deep-token-value",
    "listed-password",
    "session-cookie-value",
)


def _record(
    message: str = "signed in",
    args: Any = (),
    extra: dict[str, Any] | None = None,
    exc_info: Any = None,
    level: int = logging.INFO,
) -> logging.LogRecord:
    logger = logging.getLogger("portal.tests")
    return logger.makeRecord(logger.name, level, __file__, 1, message, args, exc_info, extra=extra)


def _format(record: logging.LogRecord) -> tuple[str, dict[str, Any]]:
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return line, json.loads(line)


def _assert_no_secrets(line: str) -> None:
    leaked = [secret for secret in SECRETS if secret in line]
    assert not leaked, f"{leaked} in {line}"


def test_a_record_full_of_secrets_shows_none_of_them() -> None:
    record = _record(
        "sign-in from %s with Bearer abc.def",
        ("10.0.0.7",),
        extra={
            "password": "hunter2-password",
            "token": "tok-0123456789",
            "authorization": "Bearer abc.def",
            "request": {
                "headers": {"Authorization": "Bearer abc.def", "Cookie": "session-cookie-value"},
                "body": {"user": "alice", "credentials": {"secret": "nested-secret-value"}},
                "steps": [{"access_token": "deep-token-value"}, {"Password": "listed-password"}],
            },
            "user": "alice",
        },
    )
    line, entry = _format(record)
    _assert_no_secrets(line)
    assert entry["message"] == "sign-in from 10.0.0.7 with Bearer ***"
    assert entry["user"] == "alice"
    assert entry["request"]["body"]["user"] == "alice"


def test_bearer_tokens_in_the_message_are_masked() -> None:
    line, entry = _format(_record("rejected Authorization: Bearer abc.def for %s", ("alice",)))
    assert "abc.def" not in line
    assert entry["message"] == "rejected Authorization: Bearer *** for alice"

    _, entry = _format(_record("header was bearer  abc.def"))
    assert entry["message"] == "header was bearer  ***"


def test_secrets_in_nested_extra_fields_are_masked() -> None:
    record = _record(
        extra={
            "request": {
                "headers": {"Authorization": "Bearer abc.def", "Cookie": "session-cookie-value"},
                "body": {"user": "alice", "credentials": {"secret": "nested-secret-value"}},
                "steps": [{"access_token": "deep-token-value"}, {"Password": "listed-password"}],
                "note": "retry with Bearer abc.def",
            },
            "user": "alice",
        }
    )
    line, entry = _format(record)
    _assert_no_secrets(line)
    request = entry["request"]
    assert request["headers"] == {"Authorization": "***", "Cookie": "***"}
    assert request["body"] == {"user": "alice", "credentials": {"secret": "***"}}
    assert request["steps"] == [{"access_token": "***"}, {"Password": "***"}]
    assert request["note"] == "retry with Bearer ***"
    assert entry["user"] == "alice"


def test_a_line_has_time_level_logger_message_and_extra_fields() -> None:
    _, entry = _format(_record("hello %s", ("world",), extra={"path": "/healthz", "status": 200}))
    assert entry["level"] == "info"
    assert entry["logger"] == "portal.tests"
    assert entry["message"] == "hello world"
    assert entry["path"] == "/healthz"
    assert entry["status"] == 200
    assert entry["time"].endswith("+00:00")
    assert "args" not in entry
    assert "msg" not in entry
    assert "error" not in entry


def _exc_info(message: str) -> Any:
    try:
        raise ValueError(message)
    except ValueError:
        return sys.exc_info()


def test_an_exception_record_has_error_and_trace() -> None:
    record = _record("request failed", exc_info=_exc_info("boom"), level=logging.ERROR)
    _, entry = _format(record)
    assert entry["level"] == "error"
    assert entry["message"] == "request failed"
    assert entry["error"] == "ValueError"
    assert entry["trace"].startswith("Traceback (most recent call last):")
    assert "ValueError: boom" in entry["trace"]
    assert "_exc_info" in entry["trace"]


def test_secrets_in_an_exception_trace_are_masked() -> None:
    record = _record("failed", exc_info=_exc_info("bad header Bearer abc.def"))
    line, _ = _format(record)
    assert "abc.def" not in line


def test_a_logger_with_the_formatter_writes_one_json_object_per_line() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("portal.tests.stream")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        logger.info("first", extra={"request": {"token": "tok-0123456789"}})
        logger.warning("second with Bearer abc.def")
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert [json.loads(line)["message"] for line in lines] == [
        "first",
        "second with Bearer ***",
    ]
    _assert_no_secrets(stream.getvalue())


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "Password",
        "new_pass",
        "client_secret",
        "access_token",
        "Authorization",
        "set-cookie",
        "session_id",
    ],
)
def test_redact_masks_keys_that_name_secrets(key: str) -> None:
    assert redact({key: "value", "name": "alice"}) == {key: "***", "name": "alice"}


def test_redact_walks_lists_and_tuples_and_leaves_other_values() -> None:
    value = {
        "items": [{"token": "t"}, ("Bearer abc.def", 3)],
        "count": 2,
        "ratio": 0.5,
        "flag": None,
    }
    assert redact(value) == {
        "items": [{"token": "***"}, ["Bearer ***", 3]],
        "count": 2,
        "ratio": 0.5,
        "flag": None,
    }
    assert redact("plain text") == "plain text"
    assert redact(42) == 42


# --- one-time tokens in URLs ----------------------------------------------------------------------

TOKEN = "Zq3xK9-live_token_0123456789abcdefghijklmnopq"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"/verify/{TOKEN}", "/verify/***"),
        (f"/reset-password/{TOKEN}", "/reset-password/***"),
        (f"/invite/{TOKEN}", "/invite/***"),
        (f"/impersonate/{TOKEN}", "/impersonate/***"),
        (
            f"GET http://127.0.0.1:8000/reset-password/{TOKEN}?x=1",
            "GET http://127.0.0.1:8000/reset-password/***?x=1",
        ),
        (f"https://portal.example.com/invite/{TOKEN}#top", "https://portal.example.com/invite/***#top"),
        (f"/reset-password/{TOKEN}/", "/reset-password/***/"),
        (f"/login?next=%2Freset-password%2F{TOKEN}", "/login?next=%2Freset-password%2F***"),
        (f"/verify?token={TOKEN}", "/verify?token=***"),
        (f"/auth/callback?code={TOKEN}&state=s-{TOKEN}", "/auth/callback?code=***&state=***"),
        (
            f"/auth/callback?state=s{TOKEN}&iss=https%3A%2F%2Fidp",
            "/auth/callback?state=***&iss=https%3A%2F%2Fidp",
        ),
        (f"/x?a=1&access_token={TOKEN}&b=2", "/x?a=1&access_token=***&b=2"),
        (f"/x?a=1&amp;id_token={TOKEN}", "/x?a=1&amp;id_token=***"),
        (f"/x?password={TOKEN}&session_id={TOKEN}", "/x?password=***&session_id=***"),
        (f"failed at '/reset-password/{TOKEN}' for a", "failed at '/reset-password/***' for a"),
        ("postgres://portal:pg-pass-word@db:5432/portal", "postgres://portal:***@db:5432/portal"),
    ],
)
def test_mask_url_hides_one_time_tokens_in_paths_and_queries(text: str, masked: str) -> None:
    assert mask_url(text) == masked
    assert TOKEN not in mask_url(text)


@pytest.mark.parametrize(
    "ordinary",
    [
        "/verify/resend",
        "/login?loginProfile=Retail%20East",
        "/api/v1/admin/portal-users?q=whitfield&status=active&page=2",
        "/api/v1/admin/profiles/3/versions/2",
        "/impersonation/end",
        "/billing/bills/12.pdf",
        "http://127.0.0.1:8000/healthz",
    ],
)
def test_mask_url_masks_only_the_token_next_to_ordinary_urls(ordinary: str) -> None:
    text = f"{ordinary} after /reset-password/{TOKEN}"
    assert mask_url(text) == f"{ordinary} after /reset-password/***"


def test_an_access_record_shows_no_token_in_any_field() -> None:
    # The fields Sanic's access logger puts on its record (sanic/http/http1.py, log_response).
    record = _record(
        "",
        extra={
            "status": 200,
            "byte": 3058,
            "host": "10.0.0.7:40412",
            "request": f"GET http://portal.example.com/reset-password/{TOKEN}?code={TOKEN}",
            "duration": " 5.1ms",
        },
    )
    line, entry = _format(record)
    assert TOKEN not in line
    assert entry["request"] == "GET http://portal.example.com/reset-password/***?code=***"
    assert entry["host"] == "10.0.0.7:40412"


def test_an_error_line_carrying_a_path_shows_no_token() -> None:
    record = _record(
        "unexpected error at %s",
        (f"/invite/{TOKEN}",),
        extra={"path": f"/invite/{TOKEN}", "where": {"url": f"/verify/{TOKEN}"}},
        exc_info=_exc_info(f"could not render https://portal.example.com/reset-password/{TOKEN}"),
        level=logging.ERROR,
    )
    line, entry = _format(record)
    assert TOKEN not in line
    assert entry["message"] == "unexpected error at /invite/***"
    assert entry["path"] == "/invite/***"
    assert "https://portal.example.com/reset-password/***" in entry["trace"]


class _Described:
    """An object json cannot encode, whose str() carries a URL and an address."""

    def __str__(self) -> str:
        return f"<Request GET /reset-password/{TOKEN} for dana@example.com>"


def test_objects_rendered_as_text_are_masked_too() -> None:
    line, entry = _format(_record(extra={"request": _Described()}))
    assert TOKEN not in line
    assert "dana@example.com" not in line
    assert entry["request"] == "<Request GET /reset-password/*** for d***@example.com>"


def test_a_stack_dump_is_masked() -> None:
    record = _record("where am I")
    record.stack_info = f'Stack (most recent call last):\n  File "x.py", in visit\n    get("/verify/{TOKEN}")'
    line, entry = _format(record)
    assert TOKEN not in line
    assert entry["stack"].endswith('get("/verify/***")')


# --- email addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("dana@example.com", "d***@example.com"),
        (
            "Dana Whitfield <dana.whitfield+bills@mail.example.co.uk>",
            "Dana Whitfield <d***@mail.example.co.uk>",
        ),
        ("Key (email)=(dana@example.com) already exists.", "Key (email)=(d***@example.com) already exists."),
        (
            "/api/v1/admin/portal-users?q=dana%40example.com",
            "/api/v1/admin/portal-users?q=d***%40example.com",
        ),
        ("to a@b.io and b@c.io", "to a***@b.io and b***@c.io"),
        ("@handles, 10@3 and dana@example.com", "@handles, 10@3 and d***@example.com"),
    ],
)
def test_mask_emails_keeps_the_first_letter_and_the_domain(text: str, masked: str) -> None:
    assert mask_emails(text) == masked


def test_email_addresses_are_masked_in_messages_extras_and_traces() -> None:
    failure = _exc_info("duplicate key value\nDETAIL:  Key (email)=(dana@example.com) already exists.")
    record = _record(
        "mail to %s bounced",
        ("dana@example.com",),
        extra={"to": "Dana Whitfield <dana@example.com>", "rows": [{"email": "lee@example.org"}]},
        exc_info=failure,
        level=logging.ERROR,
    )
    line, entry = _format(record)
    for address in ("dana@example.com", "lee@example.org"):
        assert address not in line
    assert entry["message"] == "mail to d***@example.com bounced"
    assert entry["to"] == "Dana Whitfield <d***@example.com>"
    assert entry["rows"] == [{"email": "l***@example.org"}]
    assert "Key (email)=(d***@example.com) already exists." in entry["trace"]


def test_failed_background_tasks_are_logged_through_the_formatter() -> None:
    # asyncio reports a failed background task (a mail that could not be sent) with its trace.
    config = logging_config()
    assert config["loggers"]["asyncio"]["handlers"] == ["json"]


# --- a real server with the access log on ----------------------------------------------------------


@dataclass
class Live:
    """A served app, its address and every JSON line its loggers wrote."""

    base_url: str
    stream: io.StringIO

    def entries(self) -> list[dict[str, Any]]:
        """Return the lines written so far, parsed."""
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


CAPTURED = ("sanic.access", "sanic.error", "portal", "asyncio")


@pytest.fixture
async def live(config: ServerConfig) -> AsyncIterator[Live]:
    """The app served over real HTTP (Sanic writes access lines only there) with PORTAL_ACCESS_LOG=1."""
    config.access_log = True
    application = create_app(config)
    # The handler create_app configured, so the lines are formatted exactly as in production.
    (configured,) = logging.getLogger("sanic.access").handlers
    assert isinstance(configured.formatter, JsonFormatter)
    stream = io.StringIO()
    capture = logging.StreamHandler(stream)
    capture.setFormatter(configured.formatter)
    for name in CAPTURED:
        logging.getLogger(name).addHandler(capture)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    server = await application.create_server(sock=sock, return_asyncio_server=True)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    await server.start_serving()
    try:
        yield Live(f"http://127.0.0.1:{port}", stream)
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
        for name in CAPTURED:
            logging.getLogger(name).removeHandler(capture)
        sock.close()


async def _live_reset_token(config: ServerConfig) -> str:
    """Return a working password-reset token for a subscriber, as the forgot-password mail holds."""
    account = await make_account(config.clock)  # type: ignore[arg-type]
    user = await PortalUser.create(
        account=account,
        email="dana@example.com",
        display_name="Dana Whitfield",
        status="active",
        email_verified_at=datetime(2026, 1, 1, tzinfo=UTC),
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return await issue_link(user, "reset", timedelta(hours=1), config.clock.now())


async def test_the_access_log_shows_no_one_time_token(live: Live, config: ServerConfig) -> None:
    token = await _live_reset_token(config)
    others = {name: f"{name}-{TOKEN}" for name in ("verify", "invite", "impersonate", "code", "state")}
    async with httpx.AsyncClient(base_url=live.base_url, timeout=10) as http:
        page = await http.get(f"/reset-password/{token}")
        assert page.status_code == 200, page.text
        assert "Choose a new password" in page.text
        for kind in ("verify", "invite", "impersonate"):
            await http.get(f"/{kind}/{others[kind]}")
        await http.get("/auth/callback", params={"code": others["code"], "state": others["state"]})
        await http.get("/login", params={"loginProfile": "Retail East", "token": token})
    text = live.stream.getvalue()
    for secret in (token, *others.values()):
        assert secret not in text, f"{secret} in\n{text}"
    access = [entry["request"] for entry in live.entries() if entry["logger"] == "sanic.access"]
    path = live.base_url
    assert access == [
        f"GET {path}/reset-password/***",
        f"GET {path}/verify/***",
        f"GET {path}/invite/***",
        f"GET {path}/impersonate/***",
        f"GET {path}/auth/callback?code=***&state=***",
        f"GET {path}/login?loginProfile=Retail+East&token=***",
    ]


async def test_a_failing_request_logs_its_trace_without_the_address_or_the_token(
    live: Live, config: ServerConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await _live_reset_token(config)

    async def failing_lookup(token: str, purpose: str, now: datetime) -> PortalUser:
        # What PostgreSQL says when a query's parameters break a constraint.
        raise IntegrityError(
            'duplicate key value violates unique constraint "portal_user_email_key"\n'
            "DETAIL:  Key (email)=(dana@example.com) already exists."
        )

    monkeypatch.setattr(password_pages, "check_link", failing_lookup)
    async with httpx.AsyncClient(base_url=live.base_url, timeout=10) as http:
        failed = await http.get(f"/reset-password/{token}")
    assert failed.status_code == 500
    assert "dana@example.com" not in failed.text
    text = live.stream.getvalue()
    assert token not in text
    assert "dana@example.com" not in text
    (error,) = [entry for entry in live.entries() if entry["logger"] == "portal.errors"]
    assert error["error"] == "IntegrityError"
    assert error["path"] == "/reset-password/***"
    assert "Key (email)=(d***@example.com) already exists." in error["trace"]
    assert "failing_lookup" in error["trace"]
