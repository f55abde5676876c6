"""The sender task: delivers the outbox table's due mail in the background of every worker.

Each worker runs one. It wakes at once when its own worker queues mail and otherwise looks every
few seconds, so mail queued by another worker or host, or left over from before a restart, goes
out too. Claims in the table (``mail_queue.claim``) keep two senders from sending one mail twice.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
from datetime import timedelta
from email.message import EmailMessage
from typing import cast

from sanic import HTTPResponse, Request, Sanic

from portal_server.clock import Clock
from portal_server.logs import masked_address
from portal_server.notifications import mail_queue
from portal_server.notifications.mailer import Mailer, failure_of
from portal_server.notifications.models import OutboxMail
from portal_server.periodic import PeriodicTask

log = logging.getLogger("portal.mail")

POLL_SECONDS = 5.0
BATCH = 20
# One delivery may take this long in all (connect, TLS, login, data) before it counts as failed.
SEND_LIMIT = 60.0
# A claim outlasts any delivery by far, so a slow send is never taken over by another worker;
# only a worker that died mid-send leaves a claim to run out.
LEASE = timedelta(minutes=5)


class MailSender:
    """Delivers due mail through a transport, retrying failures with a growing back-off."""

    def __init__(
        self,
        mailer: Mailer,
        clock: Clock,
        wakeup: asyncio.Event | None = None,
        *,
        poll_seconds: float = POLL_SECONDS,
        batch: int = BATCH,
        send_limit: float = SEND_LIMIT,
        lease: timedelta = LEASE,
    ) -> None:
        self.mailer = mailer
        self.clock = clock
        self.batch = batch
        self.send_limit = send_limit
        self.lease = lease
        # Shutdown waits for the delivery under way: cancelling it after the transport took the
        # mail would leave the row claimed, and another worker would send it a second time.
        self.loop = PeriodicTask(
            "mail sender",
            self.deliver_due,
            interval=poll_seconds,
            log=log,
            wakeup=wakeup,
            stop_grace=send_limit + 5,
        )

    @property
    def wakeup(self) -> asyncio.Event:
        """The event that asks for a pass (the notifier sets it when its worker queued mail)."""
        return self.loop.wakeup

    def start(self) -> None:
        """Start the background loop (its first pass delivers whatever is already due)."""
        self.loop.start()

    async def stop(self) -> None:
        """Finish the delivery under way, then end the loop (cancelled if it overruns).

        A mail cancelled mid-send stays claimed; another worker retries it once the claim ends.
        """
        await self.loop.stop()

    def wake(self) -> None:
        """Ask for a pass now instead of at the next poll."""
        self.loop.wake()

    async def flush(self) -> None:
        """Wake the sender and return once a pass that began after this call has finished."""
        await self.loop.flush()

    async def deliver_due(self) -> bool:
        """Deliver one batch of due mail; True when more may be waiting."""
        ids = await mail_queue.due_ids(self.clock.now(), self.batch)
        for mail_id in ids:
            if self.loop.stopping:
                return False
            mail = await mail_queue.claim(mail_id, now=self.clock.now(), lease=self.lease)
            if mail is not None:  # None: another sender won it
                await self._deliver(mail)
        return len(ids) == self.batch

    async def _deliver(self, mail: OutboxMail) -> None:
        facts = {
            "mail_id": mail.id,
            "kind": mail.kind,
            "to": masked_address(mail.recipient),
            "attempt": mail.attempts,
        }
        message = cast(EmailMessage, email.message_from_bytes(mail.message, policy=email.policy.default))
        try:
            where = await asyncio.wait_for(self.mailer.send(message), self.send_limit)
        except Exception as exc:  # every transport failure is recorded and retried or given up
            failure = failure_of(exc)
            outcome = await mail_queue.mark_failed(
                mail, failure.detail, now=self.clock.now(), final=failure.permanent
            )
            if outcome.gave_up:
                log.error("mail given up", extra={**facts, "error": failure.summary})
            else:
                log.warning(
                    "mail not sent, will retry",
                    extra={**facts, "error": failure.summary, "retry_at": outcome.retry_at},
                )
            return
        await mail_queue.mark_sent(mail, now=self.clock.now())
        log.info("mail sent", extra={**facts, "via": where})


def setup_mail_sender(app: Sanic) -> None:
    """Run a sender task in each worker from server start to shutdown."""

    @app.after_server_start
    async def _start_sender(app: Sanic) -> None:
        mailer = app.ctx.config.mailer
        assert mailer is not None  # ServerConfig always picks a transport
        sender = MailSender(
            mailer,
            app.ctx.clock,
            app.ctx.notifier.queued,
            poll_seconds=app.ctx.config.mail_poll_seconds,
        )
        app.ctx.mail_sender = sender
        sender.start()

    @app.before_server_stop
    async def _stop_sender(app: Sanic) -> None:
        sender = getattr(app.ctx, "mail_sender", None)
        if sender is not None:
            await sender.stop()

    @app.on_response
    async def _wake_for_committed_mail(request: Request, response: HTTPResponse) -> None:
        # The handler has returned, so the transactions it queued mail in have committed.
        request.app.ctx.notifier.after_request()
