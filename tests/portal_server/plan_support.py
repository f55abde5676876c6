"""Capture the SQL the server runs, and read each statement's query plan on SQLite or PostgreSQL.

Capture listens to Tortoise's ``tortoise.db_client`` logger: every client (SQLite, asyncpg, and
the transaction wrappers, which share their parent's logger) logs each ``execute_query``,
``execute_insert`` and ``execute_many`` as ``"%s: %s"`` with the SQL and the values it sends to
the driver, before running it. So what is read here is the very text and values the database got.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

_flow: contextvars.ContextVar[str | None] = contextvars.ContextVar("plan_flow", default=None)
_TABLE = re.compile(r'\b(?:FROM|JOIN|UPDATE|INTO)\s+"?(\w+)"?', re.IGNORECASE)
_EXPLAINED = ("SELECT", "WITH", "UPDATE", "DELETE")


@contextmanager
def flow(label: str) -> Iterator[None]:
    """Attribute the statements run inside the block (and tasks it starts) to a named flow."""
    token = _flow.set(label)
    try:
        yield
    finally:
        _flow.reset(token)


@dataclass(frozen=True)
class Statement:
    """One statement as the driver received it, and the flow that ran it."""

    sql: str
    values: tuple[Any, ...]
    flow: str | None

    @property
    def kind(self) -> str:
        """Return the statement's first keyword (SELECT, UPDATE, …)."""
        return self.sql.lstrip(" (\n").split(None, 1)[0].upper()

    @property
    def explained(self) -> bool:
        """Tell whether the statement has a plan worth reading (INSERT … VALUES has none)."""
        return self.kind in _EXPLAINED or (self.kind == "INSERT" and " SELECT " in self.sql.upper())

    def tables(self) -> set[str]:
        """Return the tables the SQL reads or writes."""
        return set(_TABLE.findall(self.sql))


class _Recorder(logging.Handler):
    def __init__(self, into: list[Statement]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if record.msg == "%s: %s" and isinstance(args, tuple) and len(args) == 2:
            sql, values = args
            self.into.append(Statement(str(sql), tuple(values or ()), _flow.get()))


@contextmanager
def capturing() -> Iterator[list[Statement]]:
    """Record every statement the ORM sends while the block runs."""
    statements: list[Statement] = []
    logger = logging.getLogger("tortoise.db_client")
    recorder = _Recorder(statements)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(recorder)
    logger.setLevel(logging.DEBUG)
    # Kept out of the test run's log capture: thousands of debug lines would bury a failure.
    logger.propagate = False
    try:
        yield statements
    finally:
        logger.removeHandler(recorder)
        logger.setLevel(level)
        logger.propagate = propagate


@dataclass
class Plan:
    """A statement's plan as the database printed it, and the full reads found in it."""

    statement: Statement
    lines: list[str]
    scans: list[str] = field(default_factory=list)


def sqlite_scans(rows: Sequence[Any]) -> list[str]:
    """Return the plan lines that read a whole table (or a whole index) on SQLite.

    ``SEARCH t USING [COVERING] INDEX i (a=?)`` is a seek. ``SCAN t`` reads every row, and so does
    ``SCAN t USING [COVERING] INDEX i``: a walk of a whole index is still a read of every row's
    entry, a full scan by another name at a million rows. So is a skip-scan, ``SEARCH … (ANY(a)
    AND b=?)``, which steps through every value of the index's first column. A ``SCAN`` of
    something the plan itself built (a ``MATERIALIZE``d subquery or CTE, a ``CO-ROUTINE``,
    ``(subquery-N)``, ``CONSTANT ROW``) reads only rows that an indexed part of the plan produced,
    and is fine; so is ``USE TEMP B-TREE FOR ORDER BY``, which sorts only the rows a search found.
    No table is excused, not even the small ones (profile, profile_market): every hot lookup of
    them is by a key that has an index.
    """
    details = [str(row["detail"]) for row in rows]
    built = {m.group(2) for d in details if (m := re.match(r"(MATERIALIZE|CO-ROUTINE) (\S+)", d))}
    scans = []
    for detail in details:
        if detail.startswith("SEARCH ") and "(ANY(" in detail:
            scans.append(detail)
            continue
        match = re.match(r"SCAN (\S+)", detail)
        if not match:
            continue
        name = match.group(1)
        if detail.startswith("SCAN CONSTANT ROW") or name.startswith("(") or name in built:
            continue
        scans.append(detail)
    return scans


# Rows added inside the transaction that reads the plans, and rolled back with it, so that the
# planner chooses between indexes as it would on a full database. On empty tables every index
# scan costs the same and PostgreSQL picks among equals arbitrarily: it read the per-address
# throttle count through attempt_subject, seeking on scope alone. Statistics from these rows
# (many addresses, subjects, tokens and logins; a day of attempts before the flows' time) end
# the tie. A few thousand rows are enough for that; more only slow the test.
FILLER_ROWS = 5_000
_POSTGRES_FILLER = """
INSERT INTO account (number, holder_name, last_name, postal_code, market, status, balance, created_at)
SELECT 'filler-' || g, 'Filler Holder ' || g, 'Holder', lpad((g % 90000)::text, 5, '0'),
       (ARRAY['EAST', 'WEST', 'NORTH', 'SOUTH'])[1 + g % 4], 'active', 0, now()
FROM generate_series(1, {rows}) AS g;

INSERT INTO portal_user (account_id, email, email_key, username, username_key, display_name, status,
                         bill_notifications, failed_logins, created_at)
SELECT id, 'filler' || id || '@example.net', 'filler' || id || '@example.net',
       CASE WHEN id % 3 = 0 THEN 'filler' || id END, CASE WHEN id % 3 = 0 THEN 'filler' || id END,
       holder_name, (ARRAY['active', 'active', 'active', 'pending', 'invited', 'disabled'])[1 + id % 6],
       true, 0, now()
FROM account WHERE number LIKE 'filler-%';

INSERT INTO portal_session (user_id, token_hash, created_at, last_seen_at, expires_at, revoked_at)
SELECT id, md5('session' || id) || md5('cookie' || id), now(), now(), now() + interval '12 hours',
       CASE WHEN id % 2 = 0 THEN now() END
FROM portal_user WHERE email LIKE 'filler%';

INSERT INTO one_time_link (user_id, token_hash, purpose, created_at, expires_at, used_at)
SELECT id, md5('link' || id) || md5('mail' || id), (ARRAY['verify', 'reset', 'invite'])[1 + id % 3],
       now(), now() + interval '1 hour', CASE WHEN id % 2 = 0 THEN now() END
FROM portal_user WHERE email LIKE 'filler%';

INSERT INTO attempt (scope, address, subject, at, outcome)
SELECT (ARRAY['sign_in', 'sign_in', 'sign_in', 'staff_sign_in', 'register', 'forgot_password',
              'verify_resend'])[1 + g % 7],
       '10.0.' || (g % 4000 / 250) || '.' || (g % 250), md5('subject' || (g % 15000)),
       base.at - (g % 1440) * interval '1 minute', (ARRAY['ok', 'failed', 'failed', 'refused'])[1 + g % 4]
FROM generate_series(1, {rows} * 3) AS g, (SELECT COALESCE(max(at), now()) AS at FROM attempt) AS base;

INSERT INTO staff_token (staff_id, token_hash, created_at, expires_at, revoked_at)
SELECT (SELECT min(id) FROM staff_user), md5('token' || g) || md5('bearer' || g), now(),
       now() + interval '8 hours', CASE WHEN g % 2 = 0 THEN now() END
FROM generate_series(1, {rows}) AS g;

INSERT INTO mail_outbox (kind, recipient, message, status, attempts, created_at, next_attempt_at, sent_at)
SELECT 'registration', 'filler' || g || '@example.net', '',
       CASE WHEN g % 100 = 0 THEN 'failed' ELSE 'sent' END, 1,
       now() - g * interval '1 second', now() - g * interval '1 second', now()
FROM generate_series(1, {rows}) AS g;

ANALYZE account, portal_user, portal_session, one_time_link, attempt, staff_token, mail_outbox;
"""
_POSTGRES_INDEX_COLUMNS = """
SELECT i.relname AS name, array_agg(a.attname::text ORDER BY k.n) AS columns
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_namespace ns ON ns.oid = i.relnamespace AND ns.nspname = current_schema()
CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
GROUP BY i.relname
"""
# An index column on the left of a condition, as PostgreSQL prints one: (at > …), ((status)::text = …).
_CONDITION_COLUMN = re.compile(r"\((\w+)\)?(?:::[a-z ]+)?\s(?:=|<>|<=|>=|<|>|~~|IS)\s")


def _postgres_text(plan: dict[str, Any], depth: int = 0) -> Iterator[str]:
    relation = f" on {plan['Relation Name']}" if "Relation Name" in plan else ""
    index = f" using {plan['Index Name']}" if "Index Name" in plan else ""
    yield f"{'  ' * depth}{plan['Node Type']}{index}{relation}"
    for key in ("Index Cond", "Recheck Cond", "Filter"):
        if key in plan:
            yield f"{'  ' * depth}  {key}: {plan[key]}"
    for child in plan.get("Plans", []):
        yield from _postgres_text(child, depth + 1)


def skipped_column(condition: str, columns: Sequence[str]) -> str | None:
    """Return the first index column a condition skips while using a later one, if any."""
    used = set(_CONDITION_COLUMN.findall(condition)) & set(columns)
    leading = 0
    while leading < len(columns) and columns[leading] in used:
        leading += 1
    return columns[leading] if used - set(columns[:leading]) else None


def _postgres_scans(plan: dict[str, Any], indexes: dict[str, list[str]]) -> Iterator[str]:
    """Yield the nodes that read a whole table (or a whole index, or most of one) on PostgreSQL.

    With ``enable_seqscan = off`` the planner takes any usable index, so a ``Seq Scan`` left in the
    plan means there is none. An ``Index Scan`` or ``Index Only Scan`` with no ``Index Cond``
    walks the whole index (the planner's way round the penalty, e.g. for an ORDER BY): still a
    read of every row. And an index whose condition skips one of its columns but uses a later one
    (``(scope, subject, at)`` sought on scope and at) seeks on the leading columns only and reads
    every entry under them. No table is excused: every hot lookup, of small tables too, is by a
    key that has an index.
    """
    node = plan["Node Type"]
    relation = plan.get("Relation Name", "")
    if node == "Seq Scan":
        yield f"Seq Scan on {relation}"
    elif node in ("Index Scan", "Index Only Scan", "Bitmap Index Scan"):
        condition = plan.get("Index Cond")
        name = plan.get("Index Name", "")
        if condition is None:
            yield f"{node} using {name} without an Index Cond"
        elif (skipped := skipped_column(condition, indexes.get(name, []))) is not None:
            yield f"{node} using {name} skips its column {skipped}: {condition}"
    for child in plan.get("Plans", []):
        yield from _postgres_scans(child, indexes)


async def read_plans(statements: Sequence[Statement]) -> list[Plan]:
    """Return the plan of each statement, read with its own parameters (filler rows rolled back after)."""
    connection = Tortoise.get_connection("default")
    postgres = connection.capabilities.dialect == "postgres"
    plans = []
    async with in_transaction("default") as transaction:
        if postgres:
            await transaction.execute_script(_POSTGRES_FILLER.format(rows=FILLER_ROWS))
            # Test tables are small, so the planner would rightly scan them all; with sequential
            # scans priced out it takes any index that serves the query, and scans only if none does.
            await transaction.execute_script("SET LOCAL enable_seqscan = off")
            _, rows = await transaction.execute_query(_POSTGRES_INDEX_COLUMNS)
            indexes = {row["name"]: list(row["columns"]) for row in rows}
        for statement in statements:
            values = list(statement.values)
            if postgres:
                _, rows = await transaction.execute_query(f"EXPLAIN (FORMAT JSON) {statement.sql}", values)
                document = rows[0]["QUERY PLAN"]
                root = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
                plans.append(
                    Plan(statement, list(_postgres_text(root)), list(_postgres_scans(root, indexes)))
                )
            else:
                _, rows = await transaction.execute_query(f"EXPLAIN QUERY PLAN {statement.sql}", values)
                plans.append(Plan(statement, [str(row["detail"]) for row in rows], sqlite_scans(rows)))
        await transaction.rollback()
    return plans


def brief(sql: str) -> str:
    """Return SQL with a long list of plain columns written as its length, for a listing people read."""
    match = re.match(r"SELECT (.+?) FROM ", sql)
    if not match or len(match.group(1)) <= 60 or "(" in match.group(1):
        return sql
    columns = match.group(1).count(",") + 1
    return f"SELECT <{columns} columns> FROM " + sql[match.end() :]  # noqa: S608 (read, never run)


def shown(values: Sequence[Any]) -> str:
    """Return parameters as a failure report shows them (long bytes shortened)."""
    parts = []
    for value in values:
        if isinstance(value, bytes) and len(value) > 40:
            parts.append(f"<{len(value)} bytes>")
        else:
            parts.append(repr(value))
    return "[" + ", ".join(parts) + "]"
