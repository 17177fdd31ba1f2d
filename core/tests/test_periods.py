"""The calendar periods every capability counts in (weeks from Monday, months, quarters,
years), at their edges."""

from datetime import date

import pytest

from core.periods import Period, between, containing, month_end


def test_weeks_run_monday_to_sunday_across_years():
    week = containing(date(2026, 1, 1), "week")  # a Thursday
    assert (week.start, week.end) == (date(2025, 12, 29), date(2026, 1, 4))
    assert week.label == "2026年第1周（12.29–01.04）"  # the ISO week of its Thursday
    assert containing(date(2026, 1, 4), "week") == week


def test_months_quarters_and_years_and_their_labels():
    assert containing(date(2024, 2, 10), "month") == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert month_end(date(2026, 12, 5)) == date(2026, 12, 31)
    quarter = containing(date(2026, 12, 31), "quarter")
    assert (quarter.start, quarter.end, quarter.label) == (
        date(2026, 10, 1), date(2026, 12, 31), "2026年第4季度",
    )  # fmt: skip
    assert containing(date(2026, 6, 30), "year").label == "2026年"
    assert containing(date(2026, 3, 9), "month").label == "2026年3月"


def test_between_lists_every_overlapping_period_and_unknown_units_are_refused():
    months = between(date(2026, 1, 31), date(2026, 3, 1), "month")
    assert [p.start.month for p in months] == [1, 2, 3]
    assert len(between(date(2026, 1, 5), date(2026, 1, 18), "week")) == 2
    with pytest.raises(ValueError):
        containing(date(2026, 1, 1), "fortnight")
