"""JSON log lines, and secrets kept out of them."""

from __future__ import annotations

import io
import json
import logging
import sys
from typing import Any

import pytest

from portal_server.logs import JsonFormatter, redact

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
