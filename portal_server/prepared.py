"""Hot lookups whose SQL is written once and run with new values.

Tortoise builds a query's SQL anew on every ``await`` (filters, joins, pypika quoting) and turns
every selected column of every joined model into an instance field. On the lookup every
signed-in page makes — the session with its user and account — that cost more than the query.
A ``PreparedQuery`` is the SQL written once, with only the columns its callers read; each value is
still converted by its model field's own ``to_python_value``, so SQLite's text dates and
PostgreSQL's native ones come back alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.fields import Field
from tortoise.models import Model


@dataclass(frozen=True)
class Column:
    """One selected value: ``alias`` is the table's alias in the query, ``field`` the model's field."""

    key: str
    model: type[Model]
    alias: str
    field: str

    def meta_field(self) -> Field[Any]:
        """Return the model field, which knows the column name and how to convert its values."""
        return self.model._meta.fields_map[self.field]


class PreparedQuery:
    """A select whose SQL and converters are made once; ``{0}``, ``{1}``… mark its parameters.

    ``tables`` is the ``FROM`` clause with joins and ``where`` the condition, both written with the
    aliases the columns use; placeholders become ``?`` on SQLite and ``$n`` on PostgreSQL.
    """

    def __init__(self, columns: Sequence[Column], tables: str, where: str, *, limit: int = 1) -> None:
        self._columns = tuple(columns)
        self._converters = [(column.key, column.meta_field().to_python_value) for column in self._columns]
        select = ", ".join(
            f'{column.alias}."{column.meta_field().source_field or column.field}" AS "{column.key}"'
            for column in self._columns
        )
        # Every piece is the module's own constant text: values only ever travel as parameters.
        self._template = f"SELECT {select} FROM {tables} WHERE {where} LIMIT {int(limit)}"  # noqa: S608
        self._sql: dict[str, str] = {}

    def sql(self, dialect: str) -> str:
        """Return the statement with this dialect's placeholders."""
        found = self._sql.get(dialect)
        if found is None:
            count = self._template.count("{")
            marks = [f"${n + 1}" if dialect == "postgres" else "?" for n in range(count)]
            found = self._sql[dialect] = self._template.format(*marks)
        return found

    async def rows(self, model: type[Model], *values: Any) -> list[dict[str, Any]]:
        """Run the query on ``model``'s database; return each row as {key: converted value}."""
        db = model._meta.db
        _, raw = await db.execute_query(self.sql(db.capabilities.dialect), list(values))
        return [{key: convert(row[key]) for key, convert in self._converters} for row in raw]
