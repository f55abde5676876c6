"""The one notifier: builds every branded subscriber mail and puts it in the outbox table.

``create_app`` makes one and keeps it on ``app.ctx.notifier``; pages and services receive it as an
argument, so no flow builds mail settings of its own. Nothing here talks to a mail server: the
sender task (``sender.py``) delivers what is queued, so a request never waits for SMTP.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from email.utils import format_datetime as mail_date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from common import formats
from common.profile import ProfileContent
from portal_server.clock import Clock
from portal_server.notifications import mail_queue, service
from portal_server.notifications.service import Recipient
from portal_server.portal.web import logo_urls

__all__ = ["Notifier", "Recipient"]

log = logging.getLogger("portal.mail")


@dataclass
class Notifier:
    """Queues branded mail with the server's base URL, sender address and clock."""

    base_url: str
    sender: str
    clock: Clock
    # Set when this worker queued mail, so its sender task delivers it at once instead of
    # at its next poll.
    queued: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)
    _queued_in_transaction: bool = field(default=False, init=False, repr=False)

    def url(self, path: str) -> str:
        """Return the absolute URL of a portal path, as mails link to it."""
        return f"{self.base_url}{path}"

    async def send(
        self,
        profile: ProfileContent,
        kind: str,
        to: Recipient,
        *,
        connection: BaseDBAsyncClient | None = None,
        **context: Any,
    ) -> bool:
        """Compose one mail of a kind in the profile's branding and queue it for delivery.

        With ``connection`` (a transaction) the mail is queued in that transaction, so a change
        that is rolled back sends nothing. False when the mail could not be composed.
        """
        now = self.clock.now()
        try:
            message = service.compose(
                profile,
                kind,
                to,
                base_url=self.base_url,
                sender=self.sender,
                logo_url=self.url(logo_urls(profile)["login"]),
                # The clock tells UTC; the profile's locale writes it.
                when=f"{formats.format_datetime(now, profile.settings.locale)} UTC",
                **context,
            )
        except Exception as exc:  # a broken template must not undo the subscriber's action
            log.error("mail could not be composed", extra={"kind": kind, "error": type(exc).__name__})
            return False
        # The time it was written, not the time a retry finally got it through.
        message["Date"] = mail_date(now)
        await mail_queue.enqueue(message, kind=kind, recipient=to.email, now=now, connection=connection)
        if connection is None:
            self.queued.set()
        else:
            # The sender cannot see the row before the transaction commits; the request's
            # response (see ``after_request``) wakes it once the handler has finished.
            self._queued_in_transaction = True
        return True

    def after_request(self) -> None:
        """Wake the sender for mail queued inside transactions that have committed since."""
        if self._queued_in_transaction:
            self._queued_in_transaction = False
            self.queued.set()
