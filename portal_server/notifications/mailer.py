"""Mail transports: an outbox folder by default, SMTP when SMTP_URL is set."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlparse

log = logging.getLogger("portal.mail")


class Mailer(Protocol):
    """Anything that can deliver an email message."""

    async def send(self, message: EmailMessage) -> None:
        """Deliver one message."""
        ...


class OutboxMailer:
    """Writes each message as an .eml file under a folder and logs a line per mail."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _write(self, message: EmailMessage) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = self.folder / f"{stamp}.eml"
        path.write_bytes(bytes(message))
        return path

    async def send(self, message: EmailMessage) -> None:
        """Write the message to the outbox."""
        path = await asyncio.to_thread(self._write, message)
        log.info(
            "mail written",
            extra={"to": message["To"], "subject": message["Subject"], "file": str(path)},
        )


class SmtpMailer:
    """Sends through an SMTP server: smtp://[user:pass@]host[:port][?starttls=1] or smtps://."""

    def __init__(self, url: str, timeout: float = 15.0) -> None:
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

    def _deliver(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if self.secure:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.starttls:
                client.starttls(context=context)
            if self.username and self.password:
                client.login(self.username, self.password)
            client.send_message(message)

    async def send(self, message: EmailMessage) -> None:
        """Send the message, off the event loop."""
        await asyncio.to_thread(self._deliver, message)
        log.info(
            "mail sent",
            extra={"to": message["To"], "subject": message["Subject"], "via": self.host},
        )


def mailer_for(smtp_url: str | None, data_dir: Path) -> Mailer:
    """Return the SMTP mailer when a URL is set, else the outbox under data_dir."""
    if smtp_url:
        return SmtpMailer(smtp_url)
    return OutboxMailer(Path(data_dir) / "outbox")
