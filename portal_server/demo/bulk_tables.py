"""The tables a bulk demo run fills, each as its columns and the rows one account gives it.

Tables are listed parents first, so every batch can be written in this order inside one
transaction. A later part of an account's history (bills, usage, payments) is one more
``BulkTable`` whose ``rows`` yields several rows per account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from common.email_rules import email_key
from portal_server.demo.account_records import AccountRecord
from portal_server.portal_users.models import username_key

Row = tuple[Any, ...]


@dataclass(frozen=True)
class BulkTable:
    """A table a bulk run writes: its name, its columns and the rows one account gives it."""

    name: str
    columns: tuple[str, ...]
    rows: Callable[[AccountRecord], Iterable[Row]]


def _account_rows(account: AccountRecord) -> Iterable[Row]:
    yield (
        account.id,
        account.number,
        account.holder_name,
        account.last_name,
        account.postal_code,
        account.market,
        "active",
        account.balance,
        account.due_date,
        account.created_at,
    )


def _login_rows(account: AccountRecord) -> Iterable[Row]:
    login = account.login
    if login is None:
        return
    yield (
        login.id,
        account.id,
        login.email,
        email_key(login.email),
        login.username,
        username_key(login.username),
        login.display_name,
        login.password_hash,
        "active",
        login.email_verified_at,
        login.bill_notifications,
        0,
        None,
        login.last_login_at,
        login.created_at,
    )


ACCOUNTS = BulkTable(
    "account",
    (
        "id",
        "number",
        "holder_name",
        "last_name",
        "postal_code",
        "market",
        "status",
        "balance",
        "due_date",
        "created_at",
    ),
    _account_rows,
)
PORTAL_USERS = BulkTable(
    "portal_user",
    (
        "id",
        "account_id",
        "email",
        "email_key",
        "username",
        "username_key",
        "display_name",
        "password_hash",
        "status",
        "email_verified_at",
        "bill_notifications",
        "failed_logins",
        "locked_until",
        "last_login_at",
        "created_at",
    ),
    _login_rows,
)

# Parents first: a batch is written in this order.
DEMO_TABLES: tuple[BulkTable, ...] = (ACCOUNTS, PORTAL_USERS)
