"""The organizational-life sweep as one call: generate due reports up to today, then raise
the warnings that are overdue. Both steps are idempotent, so the schedule, a command run by
hand and a catch-up after downtime are the same thing."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from core.periods import local_date
from orglife.domain.compliance import generate_due
from orglife.domain.warnings import SweepResult, sweep


@dataclass
class RunResult:
    due_created: int
    warnings: SweepResult


def run_sweep(now: datetime | None = None) -> RunResult:
    now = now or timezone.now()
    due = generate_due(local_date(now))
    return RunResult(due, sweep(now))
