"""Structured JSON logs, with secrets and email addresses kept out of them."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

MASK = "***"

_SECRET_KEYS = re.compile(r"pass(word)?|secret|token|authorization|cookie|session", re.IGNORECASE)
_BEARER = re.compile(r"((?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

# Paths whose next segment is a one-time token (DESIGN §6); the slash may arrive percent-encoded
# when the path travels inside another URL's query (?next=%2Freset-password%2F...).
_ONE_TIME_PATHS = ("verify", "reset-password", "invite", "impersonate")
_URL_STOP = r"/?#&\s\"'<>\\"
_TOKEN_PATH = re.compile(
    rf"((?:/|%2F)(?:{'|'.join(_ONE_TIME_PATHS)})(?:/|%2F))"
    rf"(?!resend(?:[{_URL_STOP}]|$))[^{_URL_STOP}]+",
    re.IGNORECASE,
)
# A query parameter (also after an HTML-escaped "&amp;"): its name decides whether the value is secret.
# Names are bounded so a long run of "?" or ";" without "=" cannot make the scan quadratic.
_QUERY_PARAM = re.compile(r"([?&;])([^=&#\s\"'<>?;]{1,64})=([^&#\s\"'<>\\]*)")
# OAuth/OpenID answers carry the one-time code and the state that binds it to a browser.
_SECRET_QUERY_NAMES = {"code", "state", "nonce", "key", "sig", "signature"}
_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]{0,30}://[^:/@\s]*:)[^@/\s]+@", re.IGNORECASE)
_EMAIL = re.compile(
    r"(?<![\w.%+-])([A-Za-z0-9_%+-])[A-Za-z0-9._%+-]*(@|%40)"
    r"([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b"
)


def _secret_query_name(name: str) -> bool:
    return name.lower() in _SECRET_QUERY_NAMES or bool(_SECRET_KEYS.search(name))


def _mask_param(match: re.Match[str]) -> str:
    sep, name, value = match.groups()
    return f"{sep}{name}={MASK}" if value and _secret_query_name(name) else match.group(0)


def mask_url(text: str) -> str:
    """Return text with one-time tokens in paths, secret query values and URL passwords masked.

    Works on a bare path, a whole URL, or any text with URLs inside (a log message, a trace).
    """
    text = _TOKEN_PATH.sub(rf"\1{MASK}", text)
    text = _QUERY_PARAM.sub(_mask_param, text)
    return _USERINFO.sub(rf"\1{MASK}@", text)


def mask_emails(text: str) -> str:
    """Return text with every email address shortened to its first letter and domain: d***@example.com."""
    return _EMAIL.sub(rf"\1{MASK}\2\3", text)


def scrub(text: str) -> str:
    """Return text with bearer tokens, one-time tokens in URLs and email addresses masked."""
    return mask_emails(mask_url(_BEARER.sub(rf"\1{MASK}", text)))


def masked_address(address: str) -> str:
    """Return an email address as a log may show it: first letter and domain (d***@example.com)."""
    local, at, domain = address.rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def redact(value: Any) -> Any:
    """Return value with values under secret-sounding keys masked and every string scrubbed."""
    if isinstance(value, dict):
        return {
            (scrub(k) if isinstance(k, str) else k): (MASK if _SECRET_KEYS.search(str(k)) else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return scrub(value)
    return value


def _scrubbed_str(value: Any) -> str:
    # json.dumps falls back to str() for objects it cannot encode; that text is emitted too.
    return scrub(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any extra fields.

    Every string of the line, whichever field it sits in, passes through redact(), so a URL or an
    address is masked wherever it was logged: a message, Sanic's access fields, an extra, a trace.
    """

    def format(self, record: logging.LogRecord) -> str:
        """Render a record as a JSON line."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (key, value)
            for key, value in vars(record).items()
            if key not in _STANDARD and not key.startswith("_")
        )
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            entry["trace"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(redact(entry), default=_scrubbed_str)


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """Return a dictConfig that sends Sanic's and our loggers to stderr as JSON lines."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    # asyncio reports background tasks that failed (mail sending, for one) with their traces.
    quiet = {"tortoise", "asyncio"}
    loggers = ["sanic.root", "sanic.error", "sanic.access", "sanic.server", "portal", *sorted(quiet)]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"json": handler},
        "loggers": {
            name: {
                "handlers": ["json"],
                "level": level if name not in quiet else "WARNING",
                "propagate": False,
            }
            for name in loggers
        },
    }
