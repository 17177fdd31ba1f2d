"""The points system's quarter (the love supermarket's threshold is counted per quarter) and
the words for a cap's period; the calendar arithmetic is ``core.periods``."""

from dataclasses import dataclass
from datetime import date

from core.periods import QUARTER, containing


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
        return containing(self.start, QUARTER).end

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}季度"

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


PERIOD_WORDS = {"week": "本周", "month": "本月", "quarter": "本季度", "year": "本年"}
