"""Reporting periods (months and quarters) and their deadlines, computed in Asia/Shanghai.

A period is a closed range of calendar days. Its report is on time when the server receives
it before midnight (Asia/Shanghai) at the end of the day that is N days after the period
ends — so the deadline is the start of day ``end + N + 1``. DHIS2 defines timeliness the same
way ("received within N days after the period")."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

LOCAL = ZoneInfo("Asia/Shanghai")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("每年")


MONTHS_PER_PERIOD = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    @property
    def label(self) -> str:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        if months == 1:
            return f"{self.start.year}年{self.start.month}月"
        if months == 3:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_start(day: date, months_per_period: int) -> date:
    first_month = (day.month - 1) // months_per_period * months_per_period + 1
    return date(day.year, first_month, 1)


def _add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def period_containing(day: date, frequency: str) -> Period:
    size = MONTHS_PER_PERIOD[Frequency(frequency)]
    start = _month_start(day, size)
    return Period(start, _add_months(start, size) - timedelta(days=1))


def running_periods(day: date) -> list[Period]:
    """The periods of every frequency that contain ``day``: the month, the quarter, the year.
    A due report for ``day`` starts on one of their first days, which lets lookups by
    organization use the due reports' (activity type, period start, organization) key."""
    return [period_containing(day, frequency) for frequency in Frequency]


def periods_between(first: date, last: date, frequency: str) -> list[Period]:
    """Every period of ``frequency`` that overlaps the days ``first``..``last``."""
    periods = []
    period = period_containing(first, frequency)
    while period.start <= last:
        periods.append(period)
        period = period_containing(period.end + timedelta(days=1), frequency)
    return periods


def deadline(period_end: date, on_time_days: int) -> datetime:
    """The instant (aware, UTC-comparable) a report for the period stops being on time."""
    return datetime.combine(period_end + timedelta(days=on_time_days + 1), time.min, tzinfo=LOCAL)


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def month_of(day: date) -> date:
    """The first day of ``day``'s month: how rollups group periods (by the month they end)."""
    return date(day.year, day.month, 1)
