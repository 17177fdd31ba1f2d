"""Calendar periods — weeks from Monday, months, quarters, years — as closed ranges of days
in Asia/Shanghai, where every period of the product is computed (organizational life's
reporting periods, the points system's weekly collection to annual summary).

A period's deadline N days after it ends is the start of day ``end + N + 1``: a report is on
time when received before midnight (Asia/Shanghai) of the N-th day after the period, the way
DHIS2 defines timeliness ("received within N days after the period")."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")

WEEK, MONTH, QUARTER, YEAR = "week", "month", "quarter", "year"
MONTHS_IN = {MONTH: 1, QUARTER: 3, YEAR: 12}


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    @property
    def label(self) -> str:
        if (self.end - self.start).days == 6 and self.start.weekday() == 0:
            year, week, _weekday = self.start.isocalendar()
            return f"{year}年第{week}周（{self.start:%m.%d}–{self.end:%m.%d}）"
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        if months == 1:
            return f"{self.start.year}年{self.start.month}月"
        if months == 3:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def add_months(first_of_month: date, months: int) -> date:
    total = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def month_end(day: date) -> date:
    return add_months(date(day.year, day.month, 1), 1) - timedelta(days=1)


def containing(day: date, unit: str) -> Period:
    """The ``week`` / ``month`` / ``quarter`` / ``year`` that holds ``day``."""
    if unit == WEEK:
        start = day - timedelta(days=day.weekday())
        return Period(start, start + timedelta(days=6))
    try:
        size = MONTHS_IN[unit]
    except KeyError:
        raise ValueError(f"unknown period {unit!r}") from None
    start = date(day.year, (day.month - 1) // size * size + 1, 1)
    return Period(start, add_months(start, size) - timedelta(days=1))


def between(first: date, last: date, unit: str) -> list[Period]:
    """Every period of ``unit`` that overlaps the days ``first``..``last``."""
    periods = []
    period = containing(first, unit)
    while period.start <= last:
        periods.append(period)
        period = containing(period.end + timedelta(days=1), unit)
    return periods


def deadline(period_end: date, on_time_days: int) -> datetime:
    """The instant (aware, UTC-comparable) a report for the period stops being on time."""
    return datetime.combine(period_end + timedelta(days=on_time_days + 1), time.min, tzinfo=LOCAL)


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def month_of(day: date) -> date:
    """The first day of ``day``'s month."""
    return date(day.year, day.month, 1)
