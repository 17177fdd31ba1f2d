"""The points system's periods (seed 004: 周采分、月计分、季评议、年总结), in Asia/Shanghai.

A period is a closed range of calendar days with a span — an ISO week (Monday to Sunday), a
calendar month, a quarter or a year (``core.periods``) — and a key that names
it in URLs and exports (``2026-W05``, ``2026-03``, ``2026-Q1``, ``2026``). A ledger row counts
in the periods that contain its ``occurred_on``."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.numbers import year_in_range
from core.periods import Period, containing


class Span(models.TextChoices):
    WEEK = "week", _("周采分")
    MONTH = "month", _("月计分")
    QUARTER = "quarter", _("季评议")
    YEAR = "year", _("年总结")


KEY_PATTERNS = {
    Span.WEEK: re.compile(r"^(\d{4})-W(\d{2})$"),
    Span.MONTH: re.compile(r"^(\d{4})-(\d{2})$"),
    Span.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    Span.YEAR: re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True, order=True)
class PointsPeriod:
    start: date
    end: date
    span: str

    @property
    def key(self) -> str:
        if self.span == Span.WEEK:
            year, week, _weekday = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.span == Span.MONTH:
            return f"{self.start:%Y-%m}"
        if self.span == Span.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def span_label(self) -> str:
        return str(Span(self.span).label)

    @property
    def label(self) -> str:
        """The period's Chinese name, as the boards and the exports print it."""
        return Period(self.start, self.end).label

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> "PointsPeriod":
        return period_of(self.start - timedelta(days=1), self.span)

    def next(self) -> "PointsPeriod":
        return period_of(self.end + timedelta(days=1), self.span)


def period_of(day: date, span: str) -> PointsPeriod:
    """The period of ``span`` that contains ``day``."""
    span = Span(span)
    days = containing(day, span.value)
    return PointsPeriod(days.start, days.end, span)


def current(span: str) -> PointsPeriod:
    """The period of ``span`` running today in Asia/Shanghai."""
    return period_of(timezone.localdate(), span)


def parse_period(span: str, key: str | None) -> PointsPeriod | None:
    """The period named ``key`` (``2026-W05``, ``2026-03``, ``2026-Q1``, ``2026``), or
    ``None`` when the key is missing or malformed for the span."""
    try:
        span = Span(span)
    except ValueError:
        return None
    match = KEY_PATTERNS[span].match(key or "")
    if match is None:
        return None
    year = int(match.group(1))
    if not year_in_range(year):
        return None  # year 1 or 9999: the period's neighbours would not exist
    try:
        if span == Span.WEEK:
            return period_of(date.fromisocalendar(year, int(match.group(2)), 1), span)
        if span == Span.MONTH:
            return period_of(date(year, int(match.group(2)), 1), span)
        if span == Span.QUARTER:
            return period_of(date(year, (int(match.group(2)) - 1) * 3 + 1, 1), span)
        return period_of(date(year, 1, 1), span)
    except ValueError:
        return None
