"""What ``portal-server demo-data`` does: the base demo, then any bulk accounts, and what to print."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from portal_server.accounts.models import Account
from portal_server.demo.account_records import FIRST_DEMO_NUMBER, demo_account, demo_email, demo_username
from portal_server.demo.base import (
    BASE_ACCOUNTS,
    SIGNED_UP,
    DemoSignIn,
    DemoSubscriber,
    load_base_subscribers,
    load_demo_data,
)
from portal_server.demo.bulk_load import DEFAULT_BATCH_SIZE, BulkFailed, BulkResult, load_bulk_subscribers
from portal_server.demo.credentials import (
    bulk_password,
    bulk_ranges,
    read_credentials,
    record_bulk,
    write_credentials,
)
from portal_server.demo.progress import Progress


@dataclass(frozen=True)
class BulkLogins:
    """The bulk logins made so far: their account ranges, the shared password and one example."""

    ranges: list[tuple[int, int]]
    logins: int
    password: str
    example_email: str
    example_username: str


@dataclass(frozen=True)
class DemoSummary:
    """What the demo holds after a run, for the command to print."""

    staff: list[DemoSignIn]
    subscribers: list[DemoSubscriber]
    unregistered: tuple[int, int]
    accounts: int
    added: BulkResult | None
    bulk: BulkLogins | None


async def load_demo(
    data_dir: Path,
    now: datetime,
    *,
    subscribers: int = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress_stream: TextIO | None = None,
) -> DemoSummary:
    """Load the base demo, add ``subscribers`` bulk accounts with logins, and sum up the sign-ins."""
    staff = await load_demo_data(data_dir, now)
    printed = await load_base_subscribers(data_dir, now)
    added = None
    if subscribers:
        stored = read_credentials(data_dir)
        password = bulk_password(stored)
        progress = Progress(subscribers, "demo accounts", stream=progress_stream)
        try:
            added = await load_bulk_subscribers(
                subscribers, password, now=now, progress=progress, batch_size=batch_size
            )
        except BulkFailed as failed:
            # The logins saved before the failure use this password: it must not be lost.
            if failed.saved is not None:
                record_bulk(stored, password, failed.saved.first_number, failed.saved.last_number)
                write_credentials(data_dir, stored)
            raise
        record_bulk(stored, password, added.first_number, added.last_number)
        write_credentials(data_dir, stored)
    return DemoSummary(
        staff=staff,
        subscribers=printed,
        unregistered=(FIRST_DEMO_NUMBER + SIGNED_UP, FIRST_DEMO_NUMBER + BASE_ACCOUNTS - 1),
        accounts=await Account.all().count(),
        added=added,
        bulk=_bulk_logins(read_credentials(data_dir), now),
    )


def _bulk_logins(stored: dict, now: datetime) -> BulkLogins | None:
    ranges = bulk_ranges(stored)
    if not ranges:
        return None
    example = demo_account(ranges[0][0], now, rng=random.Random())
    return BulkLogins(
        ranges=ranges,
        logins=sum(last - first + 1 for first, last in ranges),
        password=stored["_bulk"]["password"],
        example_email=demo_email(example, styled=True),
        example_username=demo_username(example),
    )
