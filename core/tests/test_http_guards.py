"""Issue 11: Content-Security-Policy, ``Cache-Control: no-store`` on personal pages, the
request size cap, and a locked SQLite database answered 503 instead of 500."""

import json
import re
import sqlite3
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import RequestFactory

from accounts.models import ApiToken
from core import api as core_api
from core import photos
from core.middleware import DatabaseBusyMiddleware
from incidents.domain import reports

ROOT = Path(__file__).resolve().parents[2]


# --- Content-Security-Policy ----------------------------------------------------------------


def test_it_sends_a_policy_without_inline_script(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["connect-src"] == "'self'"
    assert directives["img-src"] == "'self' data: blob:"
    assert "unsafe-eval" not in policy


def test_it_gives_the_api_docs_their_own_policy(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy + ";"


def test_it_has_no_inline_script_or_inline_handler_in_any_template():
    """The policy would block them: every script is a static file."""
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attributes = match.group(1)
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                offenders.append(f"{template.relative_to(ROOT)}: inline <script>")
        if re.search(r"\son[a-z]+=[\"']", text) or "hx-on" in text or "js:" in text:
            offenders.append(f"{template.relative_to(ROOT)}: inline handler or eval")
    assert offenders == []


# --- no-store -------------------------------------------------------------------------------


def test_it_forbids_storing_a_signed_in_users_pages(world, login):
    client = login(world.branch)
    response = client.get(f"/members/{world.member_person.pk}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.get("/")["Cache-Control"]


def test_it_forbids_storing_api_answers_to_a_token(world, client):
    token = ApiToken.issue(world.branch)
    response = client.get("/api/members/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_leaves_public_answers_cacheable(client, db):
    assert "Cache-Control" not in client.get("/open311/discovery.json")
    assert "Cache-Control" not in client.get("/healthz?probe=web")


# --- The request size cap -------------------------------------------------------------------


def test_it_holds_the_largest_photo_upload_under_the_cap():
    largest = max(core_api.MAX_PHOTOS, reports.MAX_PHOTOS) * photos.MAX_BYTES
    assert largest + 1024 * 1024 <= settings.REQUEST_MAX_BYTES


def test_it_refuses_a_too_large_body_with_413_before_reading_it(world, login):
    client = login(world.grid_worker)
    too_big = str(settings.REQUEST_MAX_BYTES + 1)
    page = client.post("/incidents/new/", data=b"", content_type="multipart/form-data; boundary=x",
                       CONTENT_LENGTH=too_big)  # fmt: skip
    assert page.status_code == 413
    assert "提交的内容太大" in page.content.decode()
    api = client.post("/api/incidents/", data=b"", content_type="application/json",
                      CONTENT_LENGTH=too_big)  # fmt: skip
    assert api.status_code == 413
    assert "提交的内容太大" in api.json()["detail"]


def test_it_answers_413_for_a_form_or_json_over_the_memory_limit(world, login):
    client = login(world.grid_worker)
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    form = client.post("/incidents/new/", f"description={big}",
                       content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert form.status_code == 413
    api = client.post("/api/incidents/", {"description": big}, content_type="application/json")
    assert api.status_code == 413


# --- SQLite under a long write --------------------------------------------------------------


@pytest.fixture
def unblocked(django_db_blocker):
    """Connections of the test's own to a file database (not the test database)."""
    with django_db_blocker.unblock():
        yield


def file_connection(path: Path, timeout: float | None = None) -> DatabaseWrapper:
    """A connection to a file database with the settings' SQLite options (WAL, busy
    timeout, BEGIN IMMEDIATE)."""
    options = dict(settings.DATABASES["default"].get("OPTIONS", {}))
    if timeout is not None:
        options["timeout"] = timeout
    wrapper = DatabaseWrapper(
        {**settings.DATABASES["default"], "NAME": str(path), "OPTIONS": options}, alias="file"
    )
    return wrapper


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's locking",
)
def test_it_runs_sqlite_in_wal_with_a_busy_timeout(tmp_path, unblocked):
    connection = file_connection(tmp_path / "db.sqlite3")
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
    connection.close()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's locking",
)
def test_it_answers_a_locked_database_with_503_and_retry_after(tmp_path, unblocked):
    """Two connections to one file: while the first holds the write lock, the second's write
    fails with SQLite's own error, which the middleware answers 503, never 500."""
    path = tmp_path / "db.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    # While the lock is held, a reader still reads (WAL) ...
    other = file_connection(path, timeout=0.2)
    with other.cursor() as cursor:
        assert cursor.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    # ... and a writer waits, then fails.
    with pytest.raises(OperationalError) as locked, other.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (2)")
    holder.execute("ROLLBACK")
    other.close()
    assert "database is locked" in str(locked.value)

    middleware = DatabaseBusyMiddleware(lambda request: None)
    post = RequestFactory().post("/incidents/new/", {"description": "x"})
    page = middleware.process_exception(post, locked.value)
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    text = page.content.decode()
    assert "系统繁忙，请稍后重试" in text and "再次提交" in text
    api = middleware.process_exception(RequestFactory().get("/api/members/"), locked.value)
    assert api.status_code == 503 and "系统繁忙" in json.loads(api.content)["detail"]
    assert middleware.process_exception(post, OperationalError("no such table: x")) is None


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's locking",
)
def test_it_waits_for_a_short_write_instead_of_failing(tmp_path, unblocked):
    """The busy timeout: a write that meets another's short transaction waits for it."""
    path = tmp_path / "db.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    threading.Timer(0.5, lambda: holder.execute("COMMIT")).start()
    other = file_connection(path)
    with other.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (2)")
        assert cursor.execute("SELECT count(*) FROM t").fetchone()[0] == 2
    other.close()
