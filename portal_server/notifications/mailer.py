"""Mail transports: an outbox folder by default, SMTP (aiosmtplib) when SMTP_URL is set.

A transport only delivers; the sender task (``sender.py``) decides when, retries and logs.
"""

from __future__ import annotations

import asyncio
import secrets
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlparse

import aiosmtplib

SMTP_TIMEOUT = 15.0


class Mailer(Protocol):
    """Anything that can deliver an email message."""

    async def send(self, message: EmailMessage) -> str:
        """Deliver one message and return where it went (for the log, never an address)."""
        ...


class OutboxMailer:
    """Writes each message as an .eml file under a folder (the default for ``make run``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _write(self, message: EmailMessage) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        # Time first so a listing sorts oldest first; the random part keeps two senders writing
        # in the same microsecond apart.
        name = f"{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}-{secrets.token_hex(3)}"
        partial = self.folder / f".{name}.part"
        partial.write_bytes(bytes(message))
        # A reader of the folder sees a whole .eml file or none.
        return partial.rename(self.folder / f"{name}.eml")

    async def send(self, message: EmailMessage) -> str:
        """Write the message to the outbox folder and return the file's path."""
        return str(await asyncio.to_thread(self._write, message))


class SmtpMailer:
    """Sends through an SMTP server: smtp://[user:pass@]host[:port][?starttls=1] or smtps://."""

    def __init__(self, url: str, timeout: float = SMTP_TIMEOUT) -> None:
        parsed = urlparse(url)
        if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname:
            raise ValueError("SMTP_URL must look like smtp://host:port or smtps://host:port")
        self.host = parsed.hostname
        self.secure = parsed.scheme == "smtps"
        self.port = parsed.port or (465 if self.secure else 25)
        self.username = unquote(parsed.username) if parsed.username else None
        self.password = unquote(parsed.password) if parsed.password else None
        self.starttls = parse_qs(parsed.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
        self.timeout = timeout

    async def send(self, message: EmailMessage) -> str:
        """Send the message in one SMTP session; every network step has the timeout."""
        with_login = bool(self.username and self.password)
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self.username if with_login else None,
            password=self.password if with_login else None,
            use_tls=self.secure,
            # Only when asked for: an opportunistic upgrade would fail on relays with private CAs.
            start_tls=self.starttls,
            tls_context=ssl.create_default_context() if self.secure or self.starttls else None,
            timeout=self.timeout,
        )
        return f"smtp {self.host}:{self.port}"


@dataclass(frozen=True)
class Failure:
    """Why a delivery failed: a short name for the log, a detail to store, whether to retry."""

    summary: str
    detail: str
    permanent: bool


def failure_of(exc: BaseException) -> Failure:
    """Classify a transport error: only a recipient refused with a 5xx code is not retried."""
    name = type(exc).__name__
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [refusal.code for refusal in exc.recipients]
        first = exc.recipients[0] if exc.recipients else None
        detail = f"{name} {first.code}: {first.message}" if first else name
        permanent = bool(codes) and all(500 <= code < 600 for code in codes)
        return Failure(f"recipient refused {','.join(map(str, codes))}", detail, permanent)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return Failure(f"{name} {exc.code}", f"{name} {exc.code}: {exc.message}", False)
    if isinstance(exc, TimeoutError):
        return Failure("timed out", f"{name}: no answer in time", False)
    return Failure(name, f"{name}: {exc}" if str(exc) else name, False)


def mailer_for(smtp_url: str | None, data_dir: Path) -> Mailer:
    """Return the SMTP mailer when a URL is set, else the outbox under data_dir."""
    if smtp_url:
        return SmtpMailer(smtp_url)
    return OutboxMailer(Path(data_dir) / "outbox")
