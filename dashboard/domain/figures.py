"""The command centre's figures for a node: every registered indicator (``core.indicators``)
for the current month with its 12-month trend and colour, and the children's values for the
ranking and the map. Each capability computes its own indicators from its rollups; this
module only asks them, applies the county's thresholds and lays the answers out."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from core import indicators as registry
from core.indicators import Indicator, Value
from core.paths import ancestor_paths
from core.periods import MONTH, Period, add_months, containing
from dashboard.models import IndicatorSetting
from orgs.models import Region

TREND = 12  # months in a trend


@dataclass
class Figure:
    indicator: Indicator
    value: Value
    trend: list[Value]
    colour: str
    url: str

    @property
    def display(self) -> str:
        return self.indicator.display(self.value)


@dataclass
class ChildRow:
    region: Region
    values: dict[str, Value] = field(default_factory=dict)
    colours: dict[str, str] = field(default_factory=dict)


@dataclass
class Centre:
    region: Region
    current: Period  # the month shown (the running one by default)
    periods: list[Period]  # the trend's months, oldest first, ending with ``current``
    figures: list[Figure]
    children: list[ChildRow]


def months_to(month: date, count: int = TREND) -> list[Period]:
    """The ``count`` months ending with the one containing ``month``, oldest first."""
    first = add_months(date(month.year, month.month, 1), 1 - count)
    return [containing(add_months(first, n), MONTH) for n in range(count)]


def current_month() -> Period:
    return containing(timezone.localdate(), MONTH)


def thresholds(region: Region) -> dict[str, tuple[float | None, float | None]]:
    """The county's own thresholds that apply at ``region`` (the nearest county at or above
    it), ``{key: (red, amber)}``; indicators without a setting use their defaults."""
    rows = IndicatorSetting.objects.filter(county__path__in=ancestor_paths(region.path)).order_by(
        "county__path"
    )
    found: dict[str, tuple[float | None, float | None]] = {}
    for row in rows:  # nearest county last, so it wins
        found[row.key] = (row.red, row.amber)
    return found


def colour(indicator: Indicator, value: Value, limits: dict) -> str:
    red, amber = limits.get(indicator.key, (None, None))
    return indicator.colour(value, red, amber)


def centre(region: Region, month: date | None = None, keys: set[str] | None = None) -> Centre:
    """Every indicator (or those in ``keys``) of ``region`` for the month holding ``month``
    (today's by default) with its trend, and each child's values for that month."""
    periods = months_to(month or timezone.localdate())
    current = periods[-1]
    limits = thresholds(region)
    children = Region.objects.filter(parent=region).order_by("path")
    rows = {child.path: ChildRow(child) for child in children}
    figures: list[Figure] = []
    for source in registry.sources():
        wanted = [i for i in source.indicators if keys is None or i.key in keys]
        if not wanted:
            continue
        series = source.series(region, periods)
        values = source.by_child(region, current) if rows else {}
        for indicator in wanted:
            trend = list(series.get(indicator.key) or [None] * len(periods))
            value = trend[-1]
            url = indicator.records_url(region, current) if indicator.records_url else ""
            figures.append(Figure(indicator, value, trend, colour(indicator, value, limits), url))
            for path, row in rows.items():
                child_value = values.get(indicator.key, {}).get(path)
                row.values[indicator.key] = child_value
                row.colours[indicator.key] = colour(indicator, child_value, limits)
    return Centre(region, current, periods, figures, list(rows.values()))
