"""``demo-data --subscribers N``: N more demo accounts, each with a portal login, in batches.

All N logins share one password, hashed once per run: hashing a million passwords with argon2
would take days. Accounts are drawn from their numbers (``account_records``), turned into rows
table by table (``bulk_tables``) and written a batch per transaction (``bulk_writer``), so a
failure keeps the batches written before it and never leaves an account without its login.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from tortoise import Tortoise
from tortoise.exceptions import BaseORMException

from portal_server.demo.account_records import (
    FIRST_DEMO_NUMBER,
    AccountRecord,
    BulkStart,
    demo_accounts_with_logins,
)
from portal_server.demo.bulk_tables import DEMO_TABLES, BulkTable, Row
from portal_server.demo.bulk_writer import BulkWriter, writer_for
from portal_server.demo.progress import Progress
from portal_server.security.passwords import hash_password

DEFAULT_BATCH_SIZE = 10_000
# Ids are 32-bit everywhere the suite runs; more accounts than this would not get one.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class BulkResult:
    """What a bulk run added: ``count`` accounts numbered first..last, and how long it took."""

    first_number: int
    last_number: int
    count: int
    seconds: float


class BulkRefused(ValueError):
    """A bulk run that cannot start, with the reason."""


class BulkFailed(RuntimeError):
    """A bulk run the database stopped; ``saved`` holds the batches written before (or None)."""

    def __init__(self, message: str, saved: BulkResult | None) -> None:
        super().__init__(message)
        self.message = message
        self.saved = saved


async def load_bulk_subscribers(
    count: int,
    password: str,
    *,
    now: datetime,
    progress: Progress,
    batch_size: int = DEFAULT_BATCH_SIZE,
    tables: tuple[BulkTable, ...] = DEMO_TABLES,
) -> BulkResult:
    """Add ``count`` demo accounts after the highest account number, each with a login using ``password``."""
    if count < 1 or batch_size < 1:
        raise BulkRefused("the number of accounts and the batch size must be at least 1")
    writer = writer_for(Tortoise.get_connection("default"))
    highest = await writer.highest_number()
    first_number = max(FIRST_DEMO_NUMBER, (highest or 0) + 1)
    password_hash = await hash_password(password)
    account_id = await writer.reserve_ids("account", count)
    login_id = await writer.reserve_ids("portal_user", count)
    if max(account_id, login_id) + count - 1 > MAX_ID:
        raise BulkRefused(f"{count:,} more accounts would run past the highest id the database can store")
    start = BulkStart(number=first_number, account_id=account_id, login_id=login_id)
    batches = _prepared_batches(
        demo_accounts_with_logins(start, count, now, password_hash), tables, batch_size
    )
    await writer.before_load()
    try:
        written = await _write_all(writer, tables, batches, progress)
    finally:
        for table in tables:
            await writer.settle_ids(table.name)
        await writer.after_load(tables)
    seconds = progress.finish()
    return BulkResult(first_number, first_number + written - 1, written, seconds)


@dataclass(frozen=True)
class _PreparedBatch:
    first_number: int
    accounts: int
    rows: list[list[Row]]  # one list per table, in the tables' order


def _prepared_batches(
    records: Iterator[AccountRecord], tables: tuple[BulkTable, ...], size: int
) -> Iterator[_PreparedBatch]:
    while batch := list(islice(records, size)):
        rows = [[row for account in batch for row in table.rows(account)] for table in tables]
        yield _PreparedBatch(int(batch[0].number), len(batch), rows)


async def _write_all(
    writer: BulkWriter, tables: tuple[BulkTable, ...], batches: Iterator[_PreparedBatch], progress: Progress
) -> int:
    # The next batch is drawn on a thread while the database writes the current one: SQLite and
    # asyncpg let go of the interpreter while they work, so both cores are busy.
    current = await asyncio.to_thread(next, batches, None)
    first_number = current.first_number if current else 0
    written = 0
    while current is not None:
        upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
        try:
            await writer.write_batch(tables, current.rows)
        except BaseException as exc:
            await asyncio.gather(upcoming, return_exceptions=True)
            if not isinstance(exc, BaseORMException):
                raise
            raise _failed(exc, current, first_number, written, progress) from exc
        written += current.accounts
        progress.advance(current.accounts)
        current = await upcoming
    return written


def _failed(
    exc: Exception, batch: _PreparedBatch, first_number: int, written: int, progress: Progress
) -> BulkFailed:
    seconds = progress.finish()
    saved = BulkResult(first_number, first_number + written - 1, written, seconds) if written else None
    kept = f"the {written:,} accounts before them were saved" if saved else "none were saved"
    reason = str(exc).strip() or type(exc).__name__
    message = f"accounts from {batch.first_number} on were not added ({reason}); {kept}"
    return BulkFailed(message, saved)
