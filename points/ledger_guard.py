"""The database triggers that keep the points ledger append-only, below the ORM: any UPDATE
or DELETE of a ``points_pointentry`` row is refused by the database itself, on PostgreSQL and
SQLite alike. Migration 0002 installs them.

``maintenance()`` lifts them for wiping a whole database (the test runner's flush between
transactional tests on SQLite, a demo reload); nothing in serving code uses it."""

from collections.abc import Iterator
from contextlib import contextmanager

TABLE = "points_pointentry"
MESSAGE = "points ledger is append-only: correct an entry with a reversal"

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION points_ledger_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS points_ledger_append_only ON {TABLE}",
    f"""
    CREATE TRIGGER points_ledger_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION points_ledger_append_only()
    """,
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS points_ledger_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS points_ledger_append_only()",
]
SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS points_ledger_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS points_ledger_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS points_ledger_no_update",
    "DROP TRIGGER IF EXISTS points_ledger_no_delete",
]


def statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_REMOVE
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    raise NotImplementedError(f"no ledger triggers for {vendor}")


def run(connection, *, install: bool) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, install=install):
            cursor.execute(sql)


@contextmanager
def maintenance(connection) -> Iterator[None]:
    """Lift the triggers while the block runs (wiping a database), then put them back."""
    run(connection, install=False)
    try:
        yield
    finally:
        run(connection, install=True)
