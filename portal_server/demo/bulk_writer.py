"""Writing demo accounts in batches, as fast as each database takes rows.

Rows go in with explicit ids, one transaction per batch: SQLite through ``executemany`` on the
connection, PostgreSQL through ``COPY`` (asyncpg's ``copy_records_to_table``). Before the first
batch the id range is reserved in the table's id counter, so that a server running meanwhile
hands out ids after it; afterwards the counter is checked to be past every stored id.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import asyncpg
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from portal_server.demo.bulk_tables import BulkTable, Row

# The highest all-digit account number; longer ones are no demo numbers (nor fit 64 bits).
_SQLITE_HIGHEST_NUMBER = (
    "SELECT MAX(CAST(number AS INTEGER)) AS highest FROM account "
    "WHERE number <> '' AND number NOT GLOB '*[^0-9]*' AND length(number) <= 18"
)
_POSTGRES_HIGHEST_NUMBER = "SELECT MAX(number::bigint) AS highest FROM account WHERE number ~ '^[0-9]{1,18}$'"
# Page cache while loading, in KiB as PRAGMA cache_size takes it when negative: 256 MiB.
_SQLITE_LOAD_CACHE_KIB = -256 * 1024
# Table names in the statements below are this package's constants, never input.
_POSTGRES_RESERVE = """
    WITH s AS (SELECT pg_get_serial_sequence('{table}', 'id')::regclass AS seq)
    SELECT setval(seq, GREATEST(
        (SELECT COALESCE(MAX(id), 0) FROM "{table}"), COALESCE(pg_sequence_last_value(seq), 0)
    ) + $1) AS last FROM s
"""
_POSTGRES_SETTLE = """
    WITH s AS (SELECT pg_get_serial_sequence('{table}', 'id')::regclass AS seq)
    SELECT setval(seq, GREATEST(
        (SELECT COALESCE(MAX(id), 1) FROM "{table}"), COALESCE(pg_sequence_last_value(seq), 1)
    )) FROM s
"""


class BulkWriter(ABC):
    """Batch writes of demo accounts for one database dialect."""

    highest_number_sql: str

    def __init__(self, client: BaseDBAsyncClient) -> None:
        self.client = client

    async def write_batch(self, tables: Sequence[BulkTable], rows: Sequence[list[Row]]) -> None:
        """Write each table's rows of one batch (parents first) in one transaction: all or nothing."""
        async with in_transaction(self.client.connection_name) as transaction:
            for table, table_rows in zip(tables, rows, strict=True):
                if table_rows:
                    await self._write_rows(transaction, table, table_rows)

    async def highest_number(self) -> int | None:
        """Return the highest all-digit account number, or None when there is none."""
        rows = await self.client.execute_query_dict(self.highest_number_sql)
        value = rows[0]["highest"] if rows else None
        return None if value is None else int(value)

    @abstractmethod
    async def reserve_ids(self, table: str, count: int) -> int:
        """Move a table's id counter past ``count`` new ids and return the first of them."""

    @abstractmethod
    async def settle_ids(self, table: str) -> None:
        """Make sure a table's id counter is past every id stored in it."""

    @abstractmethod
    async def before_load(self) -> None:
        """Prepare the connection for many rows at once."""

    @abstractmethod
    async def after_load(self, tables: Sequence[BulkTable]) -> None:
        """Do what the database needs after many rows arrived at once, and undo ``before_load``."""

    @abstractmethod
    async def _write_rows(
        self, transaction: BaseDBAsyncClient, table: BulkTable, rows: list[Row]
    ) -> None: ...


class SqliteWriter(BulkWriter):
    """SQLite: ``executemany`` of one prepared INSERT per table inside the batch's transaction."""

    highest_number_sql = _SQLITE_HIGHEST_NUMBER
    _cache_size = -2000  # SQLite's default, until before_load reads the connection's own

    async def _write_rows(self, transaction: BaseDBAsyncClient, table: BulkTable, rows: list[Row]) -> None:
        marks = ", ".join("?" for _ in table.columns)
        names = ", ".join(f'"{column}"' for column in table.columns)
        # Table and column names are this module's constants, never input.
        sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'  # noqa: S608
        await transaction.execute_many(sql, rows)  # type: ignore[arg-type]

    async def reserve_ids(self, table: str, count: int) -> int:
        """Raise the AUTOINCREMENT counter in sqlite_sequence past the reserved range."""
        async with in_transaction(self.client.connection_name) as transaction:
            first = await self._next_free_id(transaction, table)
            await self._set_counter(transaction, table, first + count - 1)
        return first

    async def settle_ids(self, table: str) -> None:
        """SQLite raises the counter itself whenever a larger id is inserted: nothing to do."""

    async def before_load(self) -> None:
        """Give the connection a page cache that holds the indexes a million logins grow."""
        rows = await self.client.execute_query_dict("PRAGMA cache_size")
        self._cache_size = int(rows[0]["cache_size"])
        # Emails and usernames arrive in no order, so each insert lands on a random index page;
        # with SQLite's 2 MB default most of those pages would be read again from the file.
        await self.client.execute_script(f"PRAGMA cache_size = {_SQLITE_LOAD_CACHE_KIB}")

    async def after_load(self, tables: Sequence[BulkTable]) -> None:
        """Give the connection its usual page cache back."""
        await self.client.execute_script(f"PRAGMA cache_size = {self._cache_size}")

    async def _next_free_id(self, transaction: BaseDBAsyncClient, table: str) -> int:
        stored = await transaction.execute_query_dict(f'SELECT COALESCE(MAX(id), 0) AS n FROM "{table}"')  # noqa: S608
        counter = await transaction.execute_query_dict(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", [table]
        )
        # AUTOINCREMENT never reuses an id, not even one whose row was deleted.
        return max(int(stored[0]["n"]), int(counter[0]["seq"]) if counter else 0) + 1

    async def _set_counter(self, transaction: BaseDBAsyncClient, table: str, value: int) -> None:
        changed, _ = await transaction.execute_query(
            "UPDATE sqlite_sequence SET seq = ? WHERE name = ?", [value, table]
        )
        if not changed:
            await transaction.execute_query(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, value]
            )


class PostgresWriter(BulkWriter):
    """PostgreSQL: one COPY per table inside the batch's transaction; serial sequences moved by hand."""

    highest_number_sql = _POSTGRES_HIGHEST_NUMBER

    async def _write_rows(self, transaction: BaseDBAsyncClient, table: BulkTable, rows: list[Row]) -> None:
        async with transaction.acquire_connection() as connection:
            try:
                await connection.copy_records_to_table(table.name, records=rows, columns=list(table.columns))
            except asyncpg.IntegrityConstraintViolationError as exc:
                raise IntegrityError(exc) from exc

    async def reserve_ids(self, table: str, count: int) -> int:
        """Advance the table's serial sequence past the reserved range, as nextval would."""
        # Beyond both the stored ids and what the sequence already handed out.
        rows = await self.client.execute_query_dict(_POSTGRES_RESERVE.format(table=table), [count])
        return int(rows[0]["last"]) - count + 1

    async def settle_ids(self, table: str) -> None:
        """Reset the serial sequence to the highest stored id, unless it is already past it."""
        await self.client.execute_query(_POSTGRES_SETTLE.format(table=table))

    async def before_load(self) -> None:
        """COPY needs nothing set up: PostgreSQL sizes its own buffers."""

    async def after_load(self, tables: Sequence[BulkTable]) -> None:
        """Refresh the planner's statistics: a million new rows change the best plans."""
        names = ", ".join(f'"{table.name}"' for table in tables)
        await self.client.execute_script(f"ANALYZE {names}")


def writer_for(client: BaseDBAsyncClient) -> BulkWriter:
    """Return the batch writer for the database behind a connection."""
    dialect = client.capabilities.dialect
    if dialect == "sqlite":
        return SqliteWriter(client)
    if dialect == "postgres":
        return PostgresWriter(client)
    raise ValueError(f"demo accounts can be bulk-loaded into SQLite or PostgreSQL, not {dialect}")
