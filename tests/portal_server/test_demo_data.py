"""Bulk demo accounts (`demo-data --subscribers N`) on the suite's database, SQLite or PostgreSQL."""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import datetime

import httpx
import pytest

from common.email_rules import email_key
from portal_server.accounts.models import Account
from portal_server.clock import FakeClock
from portal_server.config import ServerConfig
from portal_server.demo.account_records import BulkStart, demo_account, demo_accounts_with_logins, demo_email
from portal_server.demo.base import BASE_ACCOUNTS, SIGNED_UP, load_base_subscribers, load_demo_data
from portal_server.demo.bulk_load import BulkFailed, BulkRefused, load_bulk_subscribers
from portal_server.demo.credentials import bulk_password, bulk_ranges, read_credentials, record_bulk
from portal_server.demo.loader import load_demo
from portal_server.demo.progress import Progress
from portal_server.portal_users import service as portal_users
from portal_server.portal_users.models import PortalUser
from portal_server.security.passwords import verify_password
from tests.portal_server.subscriber_support import post_form

SHARED = "shared-demo-pass-1"
BATCH = 400  # 1,500 accounts cross four batches


class SteppingClock:
    """A monotonic clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def _progress(total: int) -> tuple[Progress, io.StringIO]:
    stream = io.StringIO()
    return Progress(total, "demo accounts", stream=stream, clock=SteppingClock(), interval=1.0), stream


async def _base(config: ServerConfig, now: datetime) -> None:
    await load_demo_data(config.data_dir, now)
    await load_base_subscribers(config.data_dir, now)


async def _bulk(count: int, now: datetime, *, password: str = SHARED):
    progress, stream = _progress(count)
    result = await load_bulk_subscribers(count, password, now=now, progress=progress, batch_size=BATCH)
    return result, stream.getvalue()


async def _numbers() -> list[int]:
    return sorted(int(n) for n in await Account.all().values_list("number", flat=True))


@pytest.mark.usefixtures("app")
async def test_bulk_accounts_continue_after_the_highest_number(
    config: ServerConfig, clock: FakeClock
) -> None:
    now = clock.now()
    await _base(config, now)
    first, shown = await _bulk(1500, now)
    assert (first.first_number, first.last_number, first.count) == (100041, 101540, 1500)
    assert shown.count("\n") >= 4  # a line per batch with the stepping clock, and the total
    assert "demo accounts: 1,500 of 1,500 in" in shown.splitlines()[-1]

    second, _ = await _bulk(700, now)
    assert (second.first_number, second.last_number) == (101541, 102240)
    assert await _numbers() == list(range(100001, 102241))
    assert await Account.all().count() == BASE_ACCOUNTS + 2200
    assert await PortalUser.all().count() == SIGNED_UP + 2200

    # Every bulk account has exactly one login, and the markets are spread over all four.
    bulk = await Account.filter(number__gte="100041").values_list("id", "market")
    owners = Counter(
        await PortalUser.filter(account_id__in=[i for i, _ in bulk]).values_list("account_id", flat=True)
    )
    assert len(owners) == 2200 and set(owners.values()) == {1}
    assert Counter(market for _, market in bulk) == {
        "EAST": 550,
        "NORTHEAST": 550,
        "WEST": 550,
        "CENTRAL": 550,
    }

    # Ids run on without gaps, and the database hands out the next ones after them.
    account_ids = sorted(await Account.all().values_list("id", flat=True))
    assert account_ids == list(range(1, BASE_ACCOUNTS + 2201))
    login_ids = sorted(await PortalUser.all().values_list("id", flat=True))
    assert login_ids == list(range(1, SIGNED_UP + 2201))
    later = await Account.create(
        number="A-1",
        holder_name="Pat Later",
        last_name="Later",
        postal_code="10001",
        market="EAST",
        created_at=now,
    )
    assert later.id == BASE_ACCOUNTS + 2201
    login = await PortalUser.create(
        account=later,
        email="pat.later@example.com",
        display_name="Pat Later",
        status="active",
        created_at=now,
    )
    assert login.id == SIGNED_UP + 2201


@pytest.mark.usefixtures("app")
async def test_every_bulk_login_is_active_verified_and_found_by_its_keys(
    config: ServerConfig, clock: FakeClock
) -> None:
    now = clock.now()
    await _base(config, now)
    await _bulk(1500, now)
    rows = await PortalUser.filter(account__number__gte="100041").values(
        "email", "email_key", "username", "username_key", "status", "email_verified_at", "password_hash"
    )
    assert len(rows) == 1500
    assert len({row["email_key"] for row in rows}) == 1500
    assert len({row["username_key"] for row in rows}) == 1500
    assert len({row["password_hash"] for row in rows}) == 1  # one hash shared by all
    assert await verify_password(rows[0]["password_hash"], SHARED)
    for row in rows:
        assert row["email_key"] == email_key(row["email"])
        assert row["username_key"] == row["username"].casefold()
        assert row["status"] == "active" and row["email_verified_at"] is not None
    # Some addresses keep the capitals people type; lookups still find them by the folded key.
    assert any(row["email"] != row["email_key"] for row in rows)
    for row in random.Random(7).sample(rows, 25):
        for identifier in (row["email"].upper(), row["email_key"], row["username"].upper()):
            found = await portal_users.user_by_identifier(identifier)
            assert found is not None and found.email == row["email"], identifier


async def test_bulk_logins_sign_in_through_the_sign_in_page(
    client: httpx.AsyncClient, config: ServerConfig, clock: FakeClock
) -> None:
    now = clock.now()
    await _base(config, now)
    await _bulk(1500, now)
    styled = await PortalUser.filter(account__number="100045").first()  # a "Kiara.Young…" style address
    assert styled is not None and styled.email != styled.email.lower()
    picks = [
        (styled.email.lower(), "100045"),
        (demo_email(demo_account(100999, now), styled=True), "100999"),
        ((await PortalUser.get(account__number="101540")).username or "", "101540"),
    ]
    for identifier, number in picks:
        signed_in = await post_form(client, "/login", {"identifier": identifier, "password": SHARED})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/", identifier
        home = await client.get("/")
        account = await Account.get(number=number)
        assert home.status_code == 200
        assert account.holder_name in home.text and number in home.text
        assert (await post_form(client, "/logout", {}, page="/")).status_code == 303
    refused = await post_form(client, "/login", {"identifier": picks[0][0], "password": "not-the-password"})
    assert refused.status_code != 303


@pytest.mark.usefixtures("app")
async def test_the_base_demo_stays_as_it_is_when_loaded_again(config: ServerConfig, clock: FakeClock) -> None:
    now = clock.now()
    first = await load_demo(
        config.data_dir, now, subscribers=1500, batch_size=BATCH, progress_stream=io.StringIO()
    )
    again = await load_demo(config.data_dir, now)
    assert again.staff == first.staff and again.subscribers == first.subscribers
    assert len(again.subscribers) == SIGNED_UP
    assert again.accounts == first.accounts == BASE_ACCOUNTS + 1500
    assert await PortalUser.all().count() == SIGNED_UP + 1500
    # Base accounts past the printed ones are left for a newcomer to register.
    assert again.unregistered == (100001 + SIGNED_UP, 100000 + BASE_ACCOUNTS)
    base = await Account.filter(number__lte=str(100000 + BASE_ACCOUNTS)).values_list("id", flat=True)
    assert await PortalUser.filter(account_id__in=base).count() == SIGNED_UP
    # The shared password is kept with the ranges it opens, and reused by the next run.
    assert again.bulk is not None and again.bulk.ranges == [(100041, 101540)]
    more = await load_demo(
        config.data_dir, now, subscribers=10, batch_size=BATCH, progress_stream=io.StringIO()
    )
    assert more.bulk is not None and more.bulk.password == again.bulk.password
    assert more.bulk.ranges == [(100041, 101550)] and more.bulk.logins == 1510
    stored = read_credentials(config.data_dir)
    assert stored["_bulk"]["password"] == more.bulk.password
    newest = await PortalUser.get(account__number="101550")
    assert await verify_password(newest.password_hash, more.bulk.password)
    assert more.bulk.example_email == (await PortalUser.get(account__number="100041")).email


@pytest.mark.usefixtures("app")
async def test_a_failing_batch_is_not_half_saved_and_the_ones_before_are_kept(
    config: ServerConfig, clock: FakeClock
) -> None:
    now = clock.now()
    await _base(config, now)
    # Someone already uses the address account 100541 (the second batch) is about to get.
    taken = demo_email(demo_account(100541, now), styled=True)
    holder = await Account.get(number="100010")
    await PortalUser.create(
        account=holder, email=taken, display_name="Early Bird", status="active", created_at=now
    )
    progress, _ = _progress(1500)
    with pytest.raises(BulkFailed) as failed:
        await load_bulk_subscribers(1500, SHARED, now=now, progress=progress, batch_size=500)
    assert "accounts from 100541 on were not added" in failed.value.message
    assert "the 500 accounts before them were saved" in failed.value.message
    assert failed.value.saved is not None and failed.value.saved.last_number == 100540
    assert await _numbers() == list(range(100001, 100541))
    bulk = await Account.filter(number__gte="100041").values_list("id", flat=True)
    assert await PortalUser.filter(account_id__in=bulk).count() == 500
    # A second run carries on after the saved ones.
    await PortalUser.filter(email=taken).delete()
    again, _ = await _bulk(1000, now)
    assert (again.first_number, again.last_number) == (100541, 101540)


@pytest.mark.usefixtures("app")
async def test_a_bulk_run_needs_a_count(clock: FakeClock) -> None:
    with pytest.raises(BulkRefused):
        await load_bulk_subscribers(0, SHARED, now=clock.now(), progress=_progress(0)[0])
    assert await Account.all().count() == 0


def test_an_account_is_the_same_whichever_run_makes_it(clock: FakeClock) -> None:
    now = clock.now()
    whole = list(demo_accounts_with_logins(BulkStart(100041, 41, 5), 50, now, "hash"))
    halves = [
        *demo_accounts_with_logins(BulkStart(100041, 41, 5), 20, now, "hash"),
        *demo_accounts_with_logins(BulkStart(100061, 61, 25), 30, now, "hash"),
    ]
    assert whole == halves
    assert len({account.holder_name for account in whole}) > 40  # names vary
    for account in whole:
        assert account.login is not None and account.login.created_at >= account.created_at
        assert account.login.email_verified_at <= now
        assert (account.due_date is None) == (account.balance <= 0)
        assert len(account.postal_code) == 5 and account.postal_code.isdigit()


def test_progress_on_a_terminal_redraws_one_line() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(1000, "demo accounts", stream=stream, clock=SteppingClock())
    progress.advance(250)
    progress.advance(250)
    progress.finish()
    text = stream.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n") and text.count("\n") == 1
    assert "250 of 1,000" in text and "500 of 1,000" in text and "50%" in text
    assert "/s" in text and "left" in text
    assert "demo accounts: 500 of 1,000 in 3.0 s" in text


def test_progress_in_a_log_writes_plain_lines_now_and_then() -> None:
    clock = SteppingClock()
    stream = io.StringIO()
    progress = Progress(100, "demo accounts", stream=stream, clock=clock)
    assert progress.interval == 5.0
    for _ in range(10):
        progress.advance(10)
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert 1 <= len(lines) - 1 <= 3  # ten steps of a second each, a line every five
    assert lines[-1].startswith("demo accounts: 100 of 100 in 11.0 s")


def test_a_damaged_bulk_entry_is_read_as_none() -> None:
    for damaged in ({"_bulk": "x"}, {"_bulk": {"password": ""}}, {"_bulk": {"password": 5}}):
        assert bulk_ranges(damaged) == []
        assert bulk_password(damaged) != ""
    odd = {"_bulk": {"password": "pw-pw-pw-pw", "accounts": [{"first": "10"}, {"first": "1", "last": "5"}]}}
    assert bulk_ranges(odd) == [(1, 5)]
    assert bulk_password(odd) == "pw-pw-pw-pw"
    record_bulk(odd, "pw-pw-pw-pw", 6, 9)
    assert odd["_bulk"] == {"password": "pw-pw-pw-pw", "logins": 9, "accounts": [{"first": "1", "last": "9"}]}
    record_bulk(odd, "another-one", 20, 29)  # a new password starts a new list
    assert odd["_bulk"]["accounts"] == [{"first": "20", "last": "29"}]
