"""The scheduled sweeps' heartbeat: each finished run is written to ``SweepRun`` (one row per
sweep), whether huey's consumer or cron's management command ran it, and ``/healthz`` reports
a sweep as overdue when its last run is more than twice its interval plus ``GRACE`` old
(counted from the web process's start when that is later: a consumer just started has time
for its first run).

A sweep declares itself with ``register(name, interval)`` in its app's ``tasks.py``;
``/healthz`` imports every app's ``tasks`` module to know them all."""

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

GRACE = timedelta(minutes=10)
STARTED = timezone.now()  # this process's start (the web server's, for /healthz)
SWEEPS: dict[str, timedelta] = {}
F_ = TypeVar("F_", bound=Callable[..., Any])


def register(name: str, interval: timedelta) -> None:
    SWEEPS[name] = interval


@contextmanager
def recording(name: str) -> Iterator[None]:
    """Record a successful run of ``name`` when the block finishes without an error."""
    from core.models import SweepRun

    began = time.monotonic()
    yield
    duration = int((time.monotonic() - began) * 1000)
    updated = SweepRun.objects.filter(name=name).update(
        last_run_at=timezone.now(), duration_ms=duration, runs=F("runs") + 1
    )
    if not updated:
        SweepRun.objects.update_or_create(
            name=name,
            defaults={"last_run_at": timezone.now(), "duration_ms": duration, "runs": 1},
        )


def recorded(name: str) -> Callable[[F_], F_]:
    """Decorator form of ``recording`` for a task's job function."""

    def decorate(job: F_) -> F_:
        @functools.wraps(job)
        def run(*args: Any, **kwargs: Any) -> Any:
            with recording(name):
                return job(*args, **kwargs)

        return run  # type: ignore[return-value]

    return decorate


@dataclass(frozen=True)
class SweepHealth:
    name: str
    interval: timedelta
    last_run_at: datetime | None
    overdue: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "interval_seconds": int(self.interval.total_seconds()),
            "last_run_at": self.last_run_at.isoformat() if self.last_run_at else None,
            "overdue": self.overdue,
        }


def assess(
    sweeps: dict[str, timedelta],
    last_runs: dict[str, datetime],
    now: datetime,
    started: datetime,
) -> list[SweepHealth]:
    """Each sweep's health: overdue when ``now`` is past twice its interval plus ``GRACE``
    after its last run, or after ``started`` when that is later (or there is no run)."""
    health = []
    for name, interval in sorted(sweeps.items()):
        last = last_runs.get(name)
        since = max(last, started) if last else started
        health.append(SweepHealth(name, interval, last, now - since > 2 * interval + GRACE))
    return health


def current_health(now: datetime | None = None) -> list[SweepHealth]:
    from core.models import SweepRun

    autodiscover_modules("tasks")
    last_runs = dict(SweepRun.objects.values_list("name", "last_run_at"))
    return assess(SWEEPS, last_runs, now or timezone.now(), STARTED)
