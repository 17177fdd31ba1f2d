import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db):
    """The test county with its personas (see ``tests/world.py``)."""
    from tests.world import build_world

    return build_world()


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as that persona and returns the client."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in its thread (``LocaleMiddleware`` does not
    switch back), which would leak into the next test's direct calls; end in the default."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _expected_database(django_db_setup, django_db_blocker):
    """``LINGYAN_EXPECT_DB`` (set by scripts/test.sh) makes a pass fail rather than quietly
    run on the wrong database."""
    expected = os.environ.get("LINGYAN_EXPECT_DB")
    if expected:
        from django.db import connection

        assert connection.vendor == expected, f"expected {expected}, running on {connection.vendor}"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded photos and evidence go to a throwaway folder, never into ``var/media``."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_ledger_triggers():
    """The points ledger's triggers refuse DELETE (``points.ledger_guard``); SQLite's flush
    between transactional tests (browser, concurrency) deletes every row, so it lifts them
    for the flush. PostgreSQL's flush is a TRUNCATE, which the row triggers do not see."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from points import ledger_guard

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        connection = self.connection
        if connection.vendor != "sqlite":
            return original(self, sql_list)
        with ledger_guard.maintenance(connection):
            return original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original
