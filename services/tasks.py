"""Scheduled jobs: thin, they only call the sweep (docs/operations.md)."""

from datetime import timedelta

from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY, close_db

from core.sweeps import recorded, register
from services.domain.sweeps import sweep_overdue

SCHEDULE = crontab(minute="20")  # every hour, twenty past
LOCK = "services-overdue-sweep"
register(LOCK, timedelta(hours=1))  # /healthz reports it overdue after twice that


@recorded(LOCK)
def overdue_job() -> None:
    """Every hour: flag the requests that went past their due time. A missed hour is caught
    up by the next, since the sweep looks at every open request past due."""
    sweep_overdue()


def schedule(huey: Huey) -> TaskWrapper:
    """The hourly sweep as a periodic task of ``huey``, under a lock so that two consumers
    never overlap (see ``orglife.tasks.schedule``)."""
    locked = huey.lock_task(LOCK)(overdue_job)
    task = huey.periodic_task(SCHEDULE, name="services_overdue_sweep")(close_db(locked))
    task.call_local = locked
    return task


overdue_sweep = schedule(HUEY)
