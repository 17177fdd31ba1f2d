"""Scheduled jobs: thin, they only call the sweep. ``manage.py run_huey`` runs them (on SQLite
by default, on Redis in production; see docs/operations.md)."""

from datetime import timedelta

from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY, close_db

from core.sweeps import recorded, register
from orglife.domain.sweeps import run_sweep

SCHEDULE = crontab(minute="5")  # every hour, five minutes past
LOCK = "orglife-sweep"
register(LOCK, timedelta(hours=1))  # /healthz reports it overdue after twice that


@recorded(LOCK)
def sweep_job() -> None:
    """Every hour: new periods' due reports, then warnings for the overdue ones. A missed
    hour is caught up by the next, since both steps look at everything outstanding."""
    run_sweep()


def schedule(huey: Huey) -> TaskWrapper:
    """The hourly sweep as a periodic task of ``huey``, under a lock in huey's storage so
    that two consumers (or a slow run and the next hour's) never overlap: the second raises
    ``TaskLockedException`` and leaves the work to the first. ``call_local`` runs it here,
    still under the lock."""
    locked = huey.lock_task(LOCK)(sweep_job)
    task = huey.periodic_task(SCHEDULE, name="hourly_sweep")(close_db(locked))
    task.call_local = locked
    return task


hourly_sweep = schedule(HUEY)
