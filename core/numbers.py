"""Numbers and dates that reach the database are ones it (and Python) can hold.

Integers that reach the database fit its 64 bits (a ``bigint``; SQLite's INTEGER). A
larger one — ``/members/99999999999999999999/``, ``?region=2**64`` — would otherwise make the
query itself fail (500). The pages' ``<int:…>`` URLs stop matching it (404, as for a row that
does not exist: ``BoundedIntConverter``), the JSON API refuses it before any endpoint runs
(``core.middleware.ApiInputMiddleware``)."""

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

MAX_INT = 2**63 - 1
RANGE_MESSAGE = f"数值超出范围（绝对值不能超过 {MAX_INT}）。"
INTEGER = re.compile(r"[+-]?[0-9]+")


def out_of_range(value: Any) -> bool:
    """``value`` is an integer, or the text of one, beyond 64 bits."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) > MAX_INT
    if isinstance(value, str) and len(value) >= 19 and INTEGER.fullmatch(value.strip()):
        return abs(int(value)) > MAX_INT
    return False


def fields_out_of_range(data: Any, prefix: str = "") -> Iterator[str]:
    """The names of the values of ``data`` (as in ``core.text``) beyond 64 bits."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from fields_out_of_range(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from fields_out_of_range(value, prefix if prefix else f"[{index}]")
    elif out_of_range(data):
        yield prefix


class BoundedIntConverter:
    """Django's ``int`` path converter, bounded to 64 bits."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_INT:
            raise ValueError("beyond 64 bits")  # the URL does not match: 404
        return number

    def to_url(self, value: Any) -> str:
        return str(value)


def install_bounded_int_converter() -> None:
    """Every ``<int:…>`` of the project's URLs is bounded (called from ``CoreConfig.ready``,
    before any URL is resolved)."""
    from django.urls import converters

    converters.DEFAULT_CONVERTERS["int"] = BoundedIntConverter()
    converters.get_converters.cache_clear()  # type: ignore[attr-defined]


# --- dates ---------------------------------------------------------------------------------
# The days Lingyan takes in a filter, a form or the API: far enough for any birth date and any
# plan, and far from year 1 and year 9999, where a day's Shanghai midnight in UTC or the day
# after the period's end no longer exists (Python's ``OverflowError``: 500).
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
DATE_MESSAGE = f"日期超出范围：应在 {EARLIEST.year} 年至 {LATEST.year} 年之间。"
# A value that is a date, a month or a date-time, and nothing else (free text is left alone).
DATE_LIKE = re.compile(
    r"\s*([+-]?[0-9]{4,})-[0-9]{1,2}(?:-[0-9]{1,2}(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?)?\s*"
)


def year_in_range(year: int) -> bool:
    return EARLIEST.year <= year <= LATEST.year


def date_in_range(value: date | datetime) -> bool:
    return year_in_range(value.year)


def fields_out_of_date_range(data: Any, prefix: str = "") -> Iterator[str]:
    """The names of the values of ``data`` that are a date, a month or a time (``2026-11-23``,
    ``2026-11``, ``2026-11-23T09:30:00+08:00``) whose year is outside ``EARLIEST``–``LATEST``."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from fields_out_of_date_range(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from fields_out_of_date_range(value, prefix if prefix else f"[{index}]")
    elif isinstance(data, str):
        match = DATE_LIKE.fullmatch(data)
        if match is not None and not year_in_range(int(match.group(1))):
            yield prefix
