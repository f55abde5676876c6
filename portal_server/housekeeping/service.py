"""The purge rules: what goes, when, and the batched delete every rule uses.

Each rule is a function of ``now``, a batch size and how long the rows are kept, returning how
many rows went. Every selection is a range on an indexed column (see the README's retention
table and ``tests/portal_server/test_housekeeping.py``, which checks the query plans), and rows
go ``batch`` at a time, each batch one short statement, so a large backlog never holds a long
lock. Deleting is idempotent: several workers may run the rules at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Subquery
from tortoise.queryset import DeleteQuery, QuerySet

from portal_server.actor import Actor
from portal_server.audit import service as audit
from portal_server.audit.models import AuditEvent
from portal_server.housekeeping.retention import Retention
from portal_server.notifications.models import FAILED, QUEUED, SENDING, OutboxMail
from portal_server.portal_users.models import OneTimeLink
from portal_server.security.models import Attempt
from portal_server.staff.models import StaffToken
from portal_server.subscriber_auth.models import PortalSession

BATCH = 5000
HOUSEKEEPING = Actor.system("housekeeping")


def expired_sessions(cutoff: datetime) -> QuerySet[Any]:
    """Sessions that expired before ``cutoff``; revoked ones expire 12 hours after sign-in at most."""
    return PortalSession.filter(expires_at__lt=cutoff)


def expired_links(cutoff: datetime) -> QuerySet[Any]:
    """One-time links that expired before ``cutoff``, used or not."""
    return OneTimeLink.filter(expires_at__lt=cutoff)


def old_attempts(cutoff: datetime) -> QuerySet[Any]:
    """Throttle attempts made before ``cutoff``."""
    return Attempt.filter(at__lt=cutoff)


def expired_staff_tokens(cutoff: datetime) -> QuerySet[Any]:
    """Staff tokens that expired before ``cutoff``; a revoked one expires 8 hours after sign-in at most."""
    return StaffToken.filter(expires_at__lt=cutoff)


def old_sent_mail(cutoff: datetime) -> QuerySet[Any]:
    """Mail delivered before ``cutoff``.

    Only delivered mail has a ``sent_at``; the status test makes "never queued or sending" hold
    whatever the outbox does later. It is a NOT IN so that the range on ``mail_outbox_sent`` is
    what a planner without statistics (SQLite) picks, rather than the status index, which would
    visit every delivered mail there is.
    """
    return OutboxMail.filter(sent_at__lt=cutoff, status__not_in=[QUEUED, SENDING])


def old_failed_mail(cutoff: datetime) -> QuerySet[Any]:
    """Mail given up on that was queued before ``cutoff``.

    Served by the status indexes: failed mail is rare, so visiting all of it costs little, and
    unlike a range on ``created_at`` it does not wade through old delivered mail when that is
    kept longer (or for ever).
    """
    return OutboxMail.filter(status=FAILED, created_at__lt=cutoff)


def old_audit_events(cutoff: datetime) -> QuerySet[Any]:
    """Audit events recorded before ``cutoff``."""
    return AuditEvent.filter(at__lt=cutoff)


# Every selection the rules delete from, by kind (the index test walks them all).
SELECTIONS: dict[str, Callable[[datetime], QuerySet[Any]]] = {
    "sessions": expired_sessions,
    "links": expired_links,
    "attempts": old_attempts,
    "staff_tokens": expired_staff_tokens,
    "sent_mail": old_sent_mail,
    "failed_mail": old_failed_mail,
    "audit": old_audit_events,
}


def delete_statement(selection: QuerySet[Any], batch: int) -> DeleteQuery:
    """Return ``DELETE … WHERE id IN (SELECT id … LIMIT batch)``, valid on SQLite and PostgreSQL."""
    chosen = selection.limit(batch).values("id")
    return selection.model.filter(id__in=Subquery(chosen)).delete()


async def delete_in_batches(selection: QuerySet[Any], batch: int) -> AsyncIterator[int]:
    """Delete the selected rows ``batch`` at a time, yielding how many each statement deleted.

    An indexed look first: when nothing is due, no write is even begun.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    if not await selection.exists():
        return
    while True:
        gone = await delete_statement(selection, batch)
        yield gone
        # Fewer than a batch: nothing was left (or another worker took part of it).
        if gone < batch:
            return


async def _purge(selection: QuerySet[Any], batch: int) -> int:
    return sum([gone async for gone in delete_in_batches(selection, batch)])


async def purge_sessions(now: datetime, batch: int, kept: timedelta | None) -> int:
    """Delete sessions that expired more than ``kept`` ago; live ones are never touched."""
    return 0 if kept is None else await _purge(expired_sessions(now - kept), batch)


async def purge_links(now: datetime, batch: int, kept: timedelta | None) -> int:
    """Delete one-time links that expired more than ``kept`` ago."""
    return 0 if kept is None else await _purge(expired_links(now - kept), batch)


async def purge_attempts(now: datetime, batch: int, kept: timedelta | None) -> int:
    """Delete throttle attempts older than ``kept``."""
    return 0 if kept is None else await _purge(old_attempts(now - kept), batch)


async def purge_staff_tokens(now: datetime, batch: int, kept: timedelta | None) -> int:
    """Delete staff tokens that expired more than ``kept`` ago."""
    return 0 if kept is None else await _purge(expired_staff_tokens(now - kept), batch)


async def purge_sent_mail(now: datetime, batch: int, kept: timedelta | None) -> int:
    """Delete outbox rows delivered more than ``kept`` ago."""
    return 0 if kept is None else await _purge(old_sent_mail(now - kept), batch)


async def purge_failed_mail(now: datetime, batch: int, kept: timedelta | None) -> int:
    """Delete outbox rows given up on and queued more than ``kept`` ago."""
    return 0 if kept is None else await _purge(old_failed_mail(now - kept), batch)


async def purge_audit(now: datetime, batch: int, kept: timedelta | None) -> int:
    """Delete audit events older than ``kept`` and record the cut as an audit event of its own."""
    if kept is None:
        return 0
    cutoff = now - kept
    gone = 0
    try:
        async for deleted in delete_in_batches(old_audit_events(cutoff), batch):
            gone += deleted
    finally:
        # Also after a failed batch: the trail says it was cut, and by how much so far.
        if gone:
            await audit.record(
                HOUSEKEEPING,
                "audit.purged",
                "audit",
                None,
                at=now,
                label="audit trail",
                after={"deleted": gone, "older_than": cutoff.isoformat()},
            )
    return gone


PURGES: dict[str, Callable[[datetime, int, timedelta | None], Awaitable[int]]] = {
    "sessions": purge_sessions,
    "links": purge_links,
    "attempts": purge_attempts,
    "staff_tokens": purge_staff_tokens,
    "sent_mail": purge_sent_mail,
    "failed_mail": purge_failed_mail,
    "audit": purge_audit,
}


@dataclass(frozen=True)
class Report:
    """What one run deleted, per kind, and which kinds failed (with the error's type)."""

    at: datetime
    deleted: dict[str, int] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


async def run_once(now: datetime, retention: Retention, batch: int = BATCH) -> Report:
    """Apply every rule with one ``now``; a failing rule does not keep the others from running."""
    report = Report(at=now)
    for kind, purge in PURGES.items():
        try:
            report.deleted[kind] = await purge(now, batch, getattr(retention, kind))
        except Exception as exc:  # a locked table or a lost connection: the next run retries
            report.failures[kind] = type(exc).__name__
    return report
