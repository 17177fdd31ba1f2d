"""Bulk writers: how generated rows reach the database fast.

The demo loader hands a writer rows whose primary keys are already set. On SQLite they go in
with one ``executemany`` of ``INSERT`` per table and county; on PostgreSQL with ``COPY …
FROM STDIN``, which streams rows to the server while the next ones are being generated.
Afterwards the tables' id sequences are moved past the explicit keys and, on PostgreSQL, the
planner's statistics are refreshed.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.management.color import no_style
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class Writer(ABC):
    """Writes rows of a model's table in bulk (rows as tuples in ``columns`` order)."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    @abstractmethod
    def write(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> int:
        """Insert ``rows``; returns how many were written."""

    def reset_sequences(self, tables: Iterable[type[models.Model]]) -> None:
        """Make the next automatic id of each table follow its largest explicit one."""
        statements = self.connection.ops.sequence_reset_sql(no_style(), list(tables))
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def analyze(  # noqa: B027
        self, tables: Iterable[type[models.Model]], vacuum: bool = False
    ) -> None:
        """Refresh the planner's statistics after a bulk load (nothing to do on SQLite,
        whose planner reads no statistics unless asked)."""


class SqliteWriter(Writer):
    """``executemany`` of one ``INSERT`` statement; dates are passed as ISO text, the way
    Django stores them. A load is one transaction of a few million rows: the page cache is
    raised to 256 MB for the connection, so that SQLite does not spill the transaction's
    index pages to disk and read them back (it halves the points system's load)."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        super().__init__(connection)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")

    def write(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> int:
        fields = {field.column: field for field in model._meta.concrete_fields}
        dates = [
            index
            for index, column in enumerate(columns)
            if isinstance(fields[column], models.DateField)
        ]
        quote = self.connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(model._meta.db_table),
            ", ".join(quote(column) for column in columns),
            ", ".join(["%s"] * len(columns)),
        )

        def as_text(row: tuple[Any, ...]) -> list[Any]:
            values = list(row)
            for index in dates:
                value = values[index]
                if isinstance(value, date):
                    values[index] = value.isoformat()
            return values

        with self.connection.cursor() as cursor:
            cursor.executemany(sql, [as_text(row) for row in rows])
            return cursor.rowcount


class PostgresWriter(Writer):
    """``COPY … FROM STDIN`` (psycopg 3), one row at a time into the stream. The cursor's
    ``copy`` is psycopg's own, so its errors are translated to Django's here."""

    def write(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> int:
        quote = self.connection.ops.quote_name
        sql = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
        )
        written = 0
        with (
            self.connection.wrap_database_errors,
            self.connection.cursor() as cursor,
            cursor.copy(sql) as copy,
        ):
            for row in rows:
                copy.write_row(row)
                written += 1
        return written

    def analyze(self, tables: Iterable[type[models.Model]], vacuum: bool = False) -> None:
        """With ``vacuum``, ``VACUUM ANALYZE`` when outside a transaction (after a load's
        commit): it also sets the visibility map and hint bits, so the first queries do not
        pay for them (the organizational-life pages and rollups read these tables right after
        a load). Inside a transaction (the tests) only ``ANALYZE`` is possible."""
        names = ", ".join(self.connection.ops.quote_name(t._meta.db_table) for t in tables)
        vacuum = vacuum and not self.connection.in_atomic_block
        command = "VACUUM ANALYZE" if vacuum else "ANALYZE"
        with self.connection.cursor() as cursor:
            cursor.execute(f"{command} {names}")


def writer_for(connection: BaseDatabaseWrapper) -> Writer:
    """The fastest writer for the connection's database."""
    if connection.vendor == "postgresql":
        return PostgresWriter(connection)
    if connection.vendor == "sqlite":
        return SqliteWriter(connection)
    raise ValueError(f"no bulk writer for the {connection.vendor} database")
