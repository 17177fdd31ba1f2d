"""The indicator registry: the figures each capability offers the command centre (指挥中心).

Each capability app declares its indicators in its own ``indicators.py`` (imported from its
``AppConfig.ready``), the way it declares its to-dos in ``todos.py``: a list of ``Indicator``
and two functions that compute them from the app's existing rollups —

- ``series(region, periods)`` — the node's value of each indicator for each period (the
  trend), ``{key: [value per period]}``;
- ``by_child(region, period)`` — each child node's value for one period (the ranking and the
  map), ``{key: {child region path: value}}``.

Both compute every indicator of the app at once (one grouped query serves several figures)
over the node's subtree, never a scan per child or per period. A value is an ``int`` (a
count), a ``float`` (a share in 0..1 when ``unit`` is ``"%"``, or an average), or ``None``
(nothing to measure: no reports were due, no request was rated). The centre, the map, the
wall screen and the briefing read the registry; a capability filed later adds its figures
here without touching them. ``core`` imports nothing of ours."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HIGHER, LOWER, NEUTRAL = "higher", "lower", "neutral"

Value = int | float | None
Series = Callable[[Any, list[Any]], dict[str, list[Value]]]
ByChild = Callable[[Any, Any], dict[str, dict[str, Value]]]
RecordsUrl = Callable[[Any, Any], str]


@dataclass(frozen=True)
class Indicator:
    key: str  # "<app>.<name>", unique: the settings, the URLs and the exports name it
    area: str  # the capability, as its navigation names it (组织生活, 网格事件 …)
    label: str  # 完成率, 逾期事件 …
    unit: str  # "%" (a share, stored 0..1), "件", "户", "分", "次" …
    better: str = HIGHER  # which direction is better: HIGHER, LOWER or NEUTRAL (no colour)
    # Default thresholds, in the value's own terms (a share as 0..1): a value worse than
    # ``red`` is red, worse than ``amber`` (but not red) amber, otherwise green. A county
    # sets its own (dashboard.IndicatorSetting). None: that colour is never given.
    red: float | None = None
    amber: float | None = None
    # The records behind a figure: the existing list, filtered to the node and the period.
    records_url: RecordsUrl | None = field(default=None, compare=False)
    help: str = ""  # one sentence on what is counted, shown under the figure

    @property
    def is_share(self) -> bool:
        return self.unit == "%"

    def display(self, value: Value) -> str:
        if value is None:
            return "—"
        if self.is_share:
            return f"{value * 100:.1f}%"
        if isinstance(value, float):
            return f"{value:.2f}"
        return f"{value:,}"

    def colour(self, value: Value, red: float | None = None, amber: float | None = None) -> str:
        """``red``, ``amber``, ``green`` — or "" when there is no value or no direction.
        Thresholds given override the defaults (a county's settings)."""
        if value is None or self.better == NEUTRAL:
            return ""
        red = self.red if red is None else red
        amber = self.amber if amber is None else amber

        def worse(threshold: float | None) -> bool:
            if threshold is None:
                return False
            return value < threshold if self.better == HIGHER else value > threshold

        if worse(red):
            return "red"
        if worse(amber):
            return "amber"
        return "green"


@dataclass(frozen=True)
class Source:
    indicators: tuple[Indicator, ...]
    series: Series
    by_child: ByChild


_sources: list[Source] = []


def register(indicators: list[Indicator], *, series: Series, by_child: ByChild) -> None:
    """Register a capability's indicators (once, however often its module is imported)."""
    if any(source.series is series for source in _sources):
        return
    keys = {i.key for s in _sources for i in s.indicators}
    for indicator in indicators:
        if indicator.key in keys:
            raise ValueError(f"indicator {indicator.key!r} is registered twice")
    _sources.append(Source(tuple(indicators), series, by_child))


def sources() -> list[Source]:
    return list(_sources)


def all_indicators() -> list[Indicator]:
    """Every registered indicator, in the apps' order."""
    return [indicator for source in _sources for indicator in source.indicators]


def indicator(key: str) -> Indicator | None:
    return next((i for i in all_indicators() if i.key == key), None)
