"""The periods of the points system (周采分、月计分、季评议、年总结): weeks from Monday,
months, quarters and years, as closed date ranges in Asia/Shanghai days."""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return month_end(date(self.year, 3 * self.number, 1))

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}季度"

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


def month_end(day: date) -> date:
    first_of_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_of_next - timedelta(days=1)


def bounds(period: str, day: date) -> tuple[date, date]:
    """The first and last day of the ``week``/``month``/``quarter``/``year`` holding ``day``."""
    if period == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        return day.replace(day=1), month_end(day)
    if period == "quarter":
        quarter = Quarter.of(day)
        return quarter.start, quarter.end
    if period == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    raise ValueError(f"unknown period {period!r}")


PERIOD_WORDS = {"week": "本周", "month": "本月", "quarter": "本季度", "year": "本年"}
