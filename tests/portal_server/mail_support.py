"""Helpers for mail tests: a real SMTP server on 127.0.0.1 the test steers, and apps to restart."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sanic import Sanic

from portal_server.app import create_app
from portal_server.config import ServerConfig
from portal_server.logs import JsonFormatter
from tests.e2e.support import free_port

# Long enough for any pass on a loaded machine; only reached when something hangs.
GUARD_SECONDS = 30


class SteeredHandler:
    """An aiosmtpd handler whose answers the test scripts; it keeps what it accepted."""

    def __init__(self) -> None:
        self.accepted: list[Message] = []
        self.data_attempts = 0
        self.data_replies: deque[str] = deque()  # answers to the next DATA commands, then 250
        self.always: str | None = None  # the answer to every DATA command
        self.rcpt_reply: str | None = None  # the answer to every RCPT command
        self.gate: threading.Event | None = None  # DATA waits for it while set up
        self.in_data = threading.Event()
        self.logins: list[tuple[str, str]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        """Refuse the recipient when told to, else take it."""
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Wait at the gate if there is one, then answer as scripted."""
        self.data_attempts += 1
        self.in_data.set()
        if self.gate is not None:
            await asyncio.to_thread(self.gate.wait, GUARD_SECONDS)
        reply = self.always or (self.data_replies.popleft() if self.data_replies else None)
        if reply:
            return reply
        content = envelope.original_content or envelope.content
        self.accepted.append(email.message_from_bytes(content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        """Accept one user name and password, and remember every login tried."""
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = (data.login.decode(), data.password.decode())
        self.logins.append(login)
        return AuthResult(success=login == ("portal", "s3cret pass"))


@contextmanager
def smtp_server(*, with_auth: bool = False) -> Iterator[tuple[SteeredHandler, int]]:
    """Run an SMTP server on 127.0.0.1 for one test; yield its handler and port."""
    handler = SteeredHandler()
    extra: dict[str, Any] = {}
    if with_auth:
        extra = {"authenticator": handler.authenticate, "auth_require_tls": False, "auth_required": True}
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=10, **extra)
    controller.start()
    try:
        yield handler, controller.port
    finally:
        if handler.gate is not None:
            handler.gate.set()  # never leave a sender hanging in DATA
        controller.stop()


@asynccontextmanager
async def running_app(config: ServerConfig, log: LogLines | None = None) -> AsyncIterator[Sanic]:
    """Start an app the way the ``app`` fixture does and stop it afterwards (a restart is two).

    ``log`` collects the mail log; it is attached once the app has set up logging, which
    replaces the handlers of the portal's loggers.
    """
    application = create_app(config)
    if log is not None:
        logging.getLogger("portal.mail").addHandler(log)
    application.asgi = True
    await application._startup()
    await application._server_event("init", "before")
    await application._server_event("init", "after")
    try:
        yield application
    finally:
        await application._server_event("shutdown", "before")
        await application._server_event("shutdown", "after")
        if log is not None:
            logging.getLogger("portal.mail").removeHandler(log)


async def settle(app: Sanic) -> None:
    """Wait until the app's sender has made a pass that began after this call."""
    await asyncio.wait_for(app.ctx.mail_sender.flush(), GUARD_SECONDS)


class LogLines(logging.Handler):
    """Collects the portal's mail log as the JSON lines the server would print."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record and its line."""
        self.records.append(record)
        self.lines.append(self.format(record))

    def messages(self) -> list[str]:
        """Return the messages logged, in order."""
        return [record.getMessage() for record in self.records]
