"""Scheduled job: the incident escalation sweep, thin like ``orglife/tasks.py`` (huey on
SQLite by default, on Redis in production; see docs/operations.md)."""

from datetime import timedelta

from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY, close_db

from core.sweeps import recorded, register
from incidents.domain.escalation import sweep

SCHEDULE = crontab(minute="*/10")  # every ten minutes: time limits are counted in hours
LOCK = "incidents-escalation"
register(LOCK, timedelta(minutes=10))  # /healthz reports it overdue after twice that


@recorded(LOCK)
def escalation_job() -> None:
    """Raise overdue open incidents one level and notify; a missed run is caught up."""
    sweep()


def schedule(huey: Huey) -> TaskWrapper:
    """The sweep as a periodic task of ``huey``, under a lock so runs never overlap."""
    locked = huey.lock_task(LOCK)(escalation_job)
    task = huey.periodic_task(SCHEDULE, name="incident_escalation")(close_db(locked))
    task.call_local = locked
    return task


escalation_sweep = schedule(HUEY)
