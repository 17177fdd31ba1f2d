"""Organizational life's reporting periods: the frequencies a requirement can have (monthly,
quarterly, yearly) over the calendar periods of ``core.periods`` (Asia/Shanghai days; a
report's deadline N days after its period ends is ``core.periods.deadline``)."""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from core import periods as calendar
from core.periods import Period


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("每年")


UNIT = {Frequency.MONTHLY: calendar.MONTH, Frequency.QUARTERLY: calendar.QUARTER,
        Frequency.YEARLY: calendar.YEAR}  # fmt: skip


def period_containing(day: date, frequency: str) -> Period:
    return calendar.containing(day, UNIT[Frequency(frequency)])


def running_periods(day: date) -> list[Period]:
    """The periods of every frequency that contain ``day``: the month, the quarter, the year.
    A due report for ``day`` starts on one of their first days, which lets lookups by
    organization use the due reports' (activity type, period start, organization) key."""
    return [period_containing(day, frequency) for frequency in Frequency]


def periods_between(first: date, last: date, frequency: str) -> list[Period]:
    """Every period of ``frequency`` that overlaps the days ``first``..``last``."""
    return calendar.between(first, last, UNIT[Frequency(frequency)])
