"""Period arithmetic at the edges, in Asia/Shanghai."""

from datetime import UTC, date, datetime

from core.periods import LOCAL, deadline, local_date
from orglife.domain.periods import period_containing, periods_between, running_periods


def test_months_and_quarters():
    assert period_containing(date(2026, 2, 28), "monthly").end == date(2026, 2, 28)
    assert period_containing(date(2024, 2, 29), "monthly").end == date(2024, 2, 29)
    q = period_containing(date(2026, 12, 31), "quarterly")
    assert (q.start, q.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_containing(date(2026, 4, 1), "quarterly").start == date(2026, 4, 1)
    assert q.label == "2026年第4季度"


def test_periods_between_cross_the_year():
    periods = periods_between(date(2025, 11, 15), date(2026, 2, 1), "monthly")
    assert [p.start.month for p in periods] == [11, 12, 1, 2]


def test_deadline_is_midnight_in_shanghai_n_days_after_the_period():
    end = date(2026, 3, 31)
    cutoff = deadline(end, 5)
    assert cutoff == datetime(2026, 4, 6, 0, 0, tzinfo=LOCAL)
    assert cutoff.astimezone(UTC) == datetime(2026, 4, 5, 16, 0, tzinfo=UTC)


def test_a_record_of_the_last_day_uploaded_just_after_midnight_is_local_next_day():
    # 31 Dec 16:30 UTC is already 1 January in Shanghai: the day belongs to the new year.
    moment = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert local_date(moment) == date(2027, 1, 1)
    assert moment >= deadline(date(2026, 12, 31), 0)


def test_running_periods_are_the_month_quarter_and_year_containing_the_day():
    periods = running_periods(date(2026, 8, 31))
    assert [(p.start, p.end) for p in periods] == [
        (date(2026, 8, 1), date(2026, 8, 31)),
        (date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 1, 1), date(2026, 12, 31)),
    ]
    assert all(p.contains(date(2026, 8, 31)) for p in periods)
