"""The sweep's schedule: a huey periodic task, locked so two runs never overlap, on the
embedded SQLite queue by default and on Redis in production (docs/operations.md)."""

import os
import socket
import uuid
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from huey import RedisHuey, signals
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

from notifications.models import Notification
from orglife import tasks
from orglife.models import DueReport, Warning

AFTER_JANUARY = datetime(2026, 2, 6, 1, 0, tzinfo=UTC)  # 6 Feb 09:00 in Shanghai
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


@pytest.fixture(autouse=True)
def immediate_huey():
    """Tests run the project's huey in immediate mode: its storage (and so the lock) lives
    in memory, not in var/huey.sqlite3 that a running `make run` consumer shares."""
    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def periodic_names(huey, moment: datetime) -> set[str]:
    """The periodic tasks huey's scheduler would enqueue at ``moment`` (it passes naive UTC)."""
    return {task.name for task in huey.read_periodic(moment.replace(tzinfo=None))}


def test_the_sweep_is_registered_for_five_past_every_hour():
    name = tasks.hourly_sweep.name
    assert name == "hourly_sweep"
    for hour in (0, 3, 16, 23):
        assert name in periodic_names(HUEY, datetime(2026, 3, 10, hour, 5, tzinfo=UTC))
    for minute in (0, 4, 6, 35):
        assert name not in periodic_names(HUEY, datetime(2026, 3, 10, 3, minute, tzinfo=UTC))


def test_the_task_runs_the_sweep(world, orglife):
    with at(AFTER_JANUARY):
        tasks.hourly_sweep()  # enqueued; immediate mode executes it at once
    # January's committee meetings and theme days of the 3 branches are overdue.
    assert Warning.objects.count() == 6
    assert DueReport.objects.filter(period_start=date(2026, 2, 1)).exists()
    sent = Notification.objects.count()
    assert sent > 0
    with at(AFTER_JANUARY):
        tasks.hourly_sweep.call_local()  # the next hour: nothing new
    assert Warning.objects.count() == 6
    assert Notification.objects.count() == sent


def test_a_held_lock_stops_a_second_run(world, orglife):
    with HUEY.lock_task(tasks.LOCK), at(AFTER_JANUARY):
        with pytest.raises(TaskLockedException):
            tasks.hourly_sweep.call_local()
        assert not Warning.objects.exists()
        assert not DueReport.objects.exists()
    # Released when the first run ends (even by an exception): the next run goes ahead.
    assert not HUEY.is_locked(tasks.LOCK)
    with at(AFTER_JANUARY):
        tasks.hourly_sweep.call_local()
    assert Warning.objects.count() == 6
    assert not HUEY.is_locked(tasks.LOCK)


def redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_huey():
    if not redis_answers():
        message = f"Redis does not answer on {REDIS_HOST}:{REDIS_PORT}"
        if os.environ.get("LINGYAN_REQUIRE_REDIS"):
            pytest.fail(message + " (scripts/test.sh starts one; see scripts/redis.sh)")
        pytest.skip(message)
    huey = RedisHuey(
        f"lingyan-test-{uuid.uuid4().hex[:8]}", url=f"redis://{REDIS_HOST}:{REDIS_PORT}/0"
    )
    yield huey
    huey.flush()
    huey.flush_locks()


def test_the_task_runs_through_redis(world, orglife, redis_huey):
    """Production's queue: the same task definition, queued in Redis, run by huey's worker
    path (``execute``), with its lock in Redis."""
    task = tasks.schedule(redis_huey)
    assert task.name in periodic_names(redis_huey, datetime(2026, 3, 10, 3, 5, tzinfo=UTC))
    locked = []
    redis_huey.signal(signals.SIGNAL_LOCKED)(lambda signal, task, *a: locked.append(task.id))

    # While another run holds the lock in Redis, a queued sweep is skipped, not run twice.
    with redis_huey.lock_task(tasks.LOCK):
        assert redis_huey.is_locked(tasks.LOCK)
        redis_huey.enqueue(task.s())
        assert redis_huey.pending_count() == 1
        with at(AFTER_JANUARY):
            redis_huey.execute(redis_huey.dequeue())
    assert len(locked) == 1
    assert not Warning.objects.exists()

    redis_huey.enqueue(task.s())
    with at(AFTER_JANUARY):
        redis_huey.execute(redis_huey.dequeue())
    assert redis_huey.pending_count() == 0
    assert Warning.objects.count() == 6
    assert not redis_huey.is_locked(tasks.LOCK)
