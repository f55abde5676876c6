"""The outbox table's operations: queue a message, find due mail, claim it, record how it went.

Every decision about time takes ``now`` from the caller (the app's clock), so tests move a fake
clock instead of waiting for a back-off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F, Q

from portal_server.notifications.models import FAILED, QUEUED, SENDING, SENT, OutboxMail

# 1, 2, 4 … minutes between attempts, never more than an hour; the tenth failure gives up,
# about four hours after the first attempt: long enough to ride out a relay's restart or a
# full disk, short enough that a reset link (valid one hour) is not delivered days late.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
MAX_ATTEMPTS = 10
MAX_ERROR_LENGTH = 200


@dataclass(frozen=True)
class Outcome:
    """What became of a failed attempt: queued again for ``retry_at``, or given up."""

    attempts: int
    retry_at: datetime | None

    @property
    def gave_up(self) -> bool:
        """Tell whether the mail will not be tried again."""
        return self.retry_at is None


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait after the given number of failed attempts."""
    delay = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(delay, LONGEST_RETRY)


async def enqueue(
    message: EmailMessage,
    *,
    kind: str,
    recipient: str,
    now: datetime,
    connection: BaseDBAsyncClient | None = None,
) -> OutboxMail:
    """Store a composed message, due at once; inside ``connection``'s transaction when given."""
    return await OutboxMail.create(
        kind=kind,
        recipient=recipient,
        message=bytes(message),
        status=QUEUED,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
        using_db=connection,
    )


def _claimable(now: datetime) -> Q:
    return Q(status=QUEUED, next_attempt_at__lte=now) | Q(status=SENDING, claimed_until__lt=now)


async def due_ids(now: datetime, limit: int) -> list[int]:
    """Return the ids of mail that may be sent now: claims that ran out, then the longest due.

    Two queries, each walking its own index in order and stopping at ``limit``, so even a
    backlog of many thousands costs the same per batch.
    """
    stale = [
        row["id"]
        for row in await OutboxMail.filter(status=SENDING, claimed_until__lt=now).limit(limit).values("id")
    ]
    if len(stale) >= limit:
        return stale
    due = (
        OutboxMail.filter(status=QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .limit(limit - len(stale))
    )
    return [*stale, *(row["id"] for row in await due.values("id"))]


async def claim(mail_id: int, *, now: datetime, lease: timedelta) -> OutboxMail | None:
    """Take one due mail for this worker until ``now + lease``; None when another worker has it.

    The single conditional UPDATE is the lock: of two workers racing for a row, the database
    lets exactly one change it, and only the one whose update counted sends the mail.
    """
    won = await OutboxMail.filter(Q(id=mail_id) & _claimable(now)).update(
        status=SENDING, claimed_until=now + lease, attempts=F("attempts") + 1
    )
    if not won:
        return None
    return await OutboxMail.get_or_none(id=mail_id)


# A delivered or abandoned mail keeps its facts but not its body: the body holds one-time links
# in the clear, which the database otherwise keeps only as digests.
DROPPED_BODY = b""


async def mark_sent(mail: OutboxMail, *, now: datetime) -> None:
    """Record that the transport took the mail."""
    await OutboxMail.filter(id=mail.id, status=SENDING).update(
        status=SENT, sent_at=now, claimed_until=None, last_error=None, message=DROPPED_BODY
    )


async def mark_failed(mail: OutboxMail, error: str, *, now: datetime, final: bool = False) -> Outcome:
    """Record a failed attempt: queue it again after the back-off, or give up after the last one."""
    short = error[:MAX_ERROR_LENGTH]
    if final or mail.attempts >= MAX_ATTEMPTS:
        await OutboxMail.filter(id=mail.id, status=SENDING).update(
            status=FAILED, claimed_until=None, last_error=short, message=DROPPED_BODY
        )
        return Outcome(mail.attempts, None)
    retry_at = now + retry_delay(mail.attempts)
    await OutboxMail.filter(id=mail.id, status=SENDING).update(
        status=QUEUED, claimed_until=None, next_attempt_at=retry_at, last_error=short
    )
    return Outcome(mail.attempts, retry_at)
