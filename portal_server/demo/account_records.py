"""Demo accounts as plain records, drawn deterministically from their account numbers.

Each account's facts depend only on its number and on "now", never on how many accounts are
made at once or in which batch, so 1,000 accounts made in one run are the same as 500 made in
two. The bulk writer turns these records into rows, one table at a time; whatever else an
account comes to carry (bills, usage, payments) is one more field here and one more table there.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from portal_server.demo.names_and_places import (
    DEMO_MARKETS,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    PLAN_PRICES,
    ZIP_AREAS,
)

# Demo account numbers start here; the base demo takes the first few.
FIRST_DEMO_NUMBER = 100001

_ZIP_PREFIXES: dict[str, tuple[int, ...]] = {
    market: tuple(prefix for first, last in areas for prefix in range(first, last + 1))
    for market, areas in ZIP_AREAS.items()
}
_CENT = Decimal("0.01")
_DAY = 86400


@dataclass(frozen=True, slots=True)
class LoginRecord:
    """The portal login of a demo account."""

    id: int
    email: str
    username: str
    display_name: str
    password_hash: str
    created_at: datetime
    email_verified_at: datetime
    last_login_at: datetime | None
    bill_notifications: bool


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """A demo billing account, and its login when it has one."""

    id: int
    number: str
    holder_name: str
    last_name: str
    first_name: str
    postal_code: str
    market: str
    balance: Decimal
    due_date: date | None
    created_at: datetime
    login: LoginRecord | None = None


def demo_market(number: int) -> str:
    """Return the market of a demo account: the four demo markets in turn."""
    return DEMO_MARKETS[(number - FIRST_DEMO_NUMBER) % len(DEMO_MARKETS)]


def demo_account(
    number: int, now: datetime, *, account_id: int = 0, rng: random.Random | None = None
) -> AccountRecord:
    """Return the facts of demo account ``number`` as of ``now`` (no login)."""
    rng = rng or random.Random()
    # Seeded by the number alone, so the account is the same whichever run or batch makes it.
    rng.seed(number)
    first = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
    last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
    market = demo_market(number)
    prefixes = _ZIP_PREFIXES[market]
    postal_code = f"{prefixes[rng.randrange(len(prefixes))]:03d}{rng.randrange(100):02d}"
    balance, due_date = _balance(rng, now.date())
    # Customers for anything from a month to twelve years.
    created_at = now - timedelta(seconds=rng.randrange(30 * _DAY, 12 * 365 * _DAY))
    return AccountRecord(
        id=account_id,
        number=str(number),
        holder_name=f"{first} {last}",
        last_name=last,
        first_name=first,
        postal_code=postal_code,
        market=market,
        balance=balance,
        due_date=due_date,
        created_at=created_at,
    )


def _balance(rng: random.Random, today: date) -> tuple[Decimal, date | None]:
    roll = rng.random()
    if roll < 0.12:
        # Paid ahead, or a refund still on the account.
        return -(Decimal(rng.randrange(100, 6000)) * _CENT), None
    if roll < 0.27:
        return Decimal("0.00"), None
    # A plan, its taxes and fees, sometimes a second month or an add-on on top.
    amount = PLAN_PRICES[rng.randrange(len(PLAN_PRICES))] * Decimal(rng.choice((1, 1, 1, 1, 2)))
    amount += Decimal(rng.randrange(150, 2500)) * _CENT
    due_in = rng.randrange(-20, 28) if rng.random() < 0.06 else rng.randrange(1, 28)
    return amount.quantize(_CENT), today + timedelta(days=due_in)


def demo_email(account: AccountRecord, *, styled: bool) -> str:
    """Return the address of an account's login; ``styled`` lets some keep the capitals people type."""
    local = f"{account.first_name}.{account.last_name}.{account.number}"
    domain = EMAIL_DOMAINS[int(account.number) % len(EMAIL_DOMAINS)] if styled else EMAIL_DOMAINS[0]
    # About one in five addresses is stored as typed, "Ava.Garcia…": lookups go by the folded key.
    if styled and int(account.number) % 5 == 0:
        return f"{local}@{domain}"
    return f"{local}@{domain}".lower()


def demo_username(account: AccountRecord) -> str:
    """Return the username of an account's bulk login: initial, last name, number."""
    return f"{account.first_name[0]}{account.last_name}{account.number}".lower()


def demo_login(
    account: AccountRecord, login_id: int, password_hash: str, now: datetime, rng: random.Random
) -> LoginRecord:
    """Return the login of a demo account: active, verified, with a plausible sign-in history."""
    rng.seed(-int(account.number))  # a stream of its own: adding logins never moves account facts
    customer_for = max(1, int((now - account.created_at).total_seconds()))
    created_at = now - timedelta(seconds=rng.randrange(min(customer_for, 3 * 365 * _DAY)))
    verified_at = min(now, created_at + timedelta(seconds=rng.randrange(60, 6 * 3600)))
    last_login_at = None
    if rng.random() < 0.7:
        since_created = max(1, int((now - verified_at).total_seconds()))
        last_login_at = now - timedelta(seconds=rng.randrange(min(since_created, 90 * _DAY)))
    return LoginRecord(
        id=login_id,
        email=demo_email(account, styled=True),
        username=demo_username(account),
        display_name=account.holder_name,
        password_hash=password_hash,
        created_at=created_at,
        email_verified_at=verified_at,
        last_login_at=last_login_at,
        bill_notifications=rng.random() < 0.85,
    )


@dataclass(frozen=True)
class BulkStart:
    """Where a bulk run begins: the first account number and the first free ids of each table."""

    number: int
    account_id: int
    login_id: int


def demo_accounts_with_logins(
    start: BulkStart, count: int, now: datetime, password_hash: str
) -> Iterator[AccountRecord]:
    """Yield ``count`` demo accounts from ``start`` on, each with a login sharing one password hash."""
    rng = random.Random()
    for offset in range(count):
        account = demo_account(start.number + offset, now, account_id=start.account_id + offset, rng=rng)
        login = demo_login(account, start.login_id + offset, password_hash, now, rng)
        yield _with_login(account, login)


def _with_login(account: AccountRecord, login: LoginRecord) -> AccountRecord:
    return AccountRecord(
        id=account.id,
        number=account.number,
        holder_name=account.holder_name,
        last_name=account.last_name,
        first_name=account.first_name,
        postal_code=account.postal_code,
        market=account.market,
        balance=account.balance,
        due_date=account.due_date,
        created_at=account.created_at,
        login=login,
    )
