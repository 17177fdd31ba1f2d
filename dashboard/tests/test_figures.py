"""The indicator registry and the centre's figures: each capability's indicators for the
node's month, its 12-month trend, the children's values and the county's thresholds."""

from datetime import UTC, date, datetime

import pytest

from core.indicators import HIGHER, LOWER, Indicator, all_indicators
from dashboard.domain import figures
from dashboard.models import IndicatorSetting
from orglife.tests.test_pages_centre import MARCH_10, at, march  # noqa: F401


def test_colours_follow_the_better_direction_and_the_thresholds():
    share = Indicator("t.share", "测试", "完成率", "%", HIGHER, red=0.8, amber=0.95)
    assert [share.colour(v) for v in (0.5, 0.9, 0.99, None)] == ["red", "amber", "green", ""]
    assert share.colour(0.9, red=0.95, amber=0.99) == "red"  # a county's own thresholds
    count = Indicator("t.count", "测试", "逾期", "件", LOWER, red=10, amber=0)
    assert [count.colour(v) for v in (0, 3, 11)] == ["green", "amber", "red"]
    assert share.display(0.25) == "25.0%" and count.display(1234) == "1,234"


def test_every_indicator_key_is_unique_and_named_after_its_app():
    keys = [i.key for i in all_indicators()]
    assert len(keys) == len(set(keys))
    assert {"orglife.completeness", "orglife.timeliness", "orglife.open_warnings"} <= set(keys)


@pytest.mark.django_db
def test_the_centre_has_each_figure_with_its_trend_and_the_children(world, march):  # noqa: F811
    with at(MARCH_10):
        centre = figures.centre(world.township)
    assert centre.current.start == date(2026, 3, 1) and len(centre.periods) == 12
    by_key = {f.indicator.key: f for f in centre.figures}
    completeness = by_key["orglife.completeness"]
    # February: 2 branches × 2 monthly types due, the theme day reported (late).
    assert completeness.trend[-2] == 0.25 and by_key["orglife.timeliness"].trend[-2] == 0
    assert completeness.trend[-3] == 0.25  # January: the committee meeting on time
    assert completeness.trend[0] is None  # April 2025: nothing was due
    assert completeness.url.startswith("/orglife/gaps/?region=")
    warnings = by_key["orglife.open_warnings"]
    assert warnings.value == 6 and warnings.trend[-3] == 0  # none raised before March
    children = {row.region.name: row for row in centre.children}
    assert set(children) == {"红旗村", "向阳村"}
    assert children["向阳村"].values["orglife.open_warnings"] == 4
    assert children["红旗村"].values["orglife.open_warnings"] == 2


@pytest.mark.django_db
def test_a_county_sets_its_own_thresholds(world, march):  # noqa: F811
    IndicatorSetting.objects.create(county=world.county, key="orglife.open_warnings", red=5)
    with at(datetime(2026, 3, 10, 2, 0, tzinfo=UTC)):
        centre = figures.centre(world.township)
    by_key = {f.indicator.key: f for f in centre.figures}
    assert by_key["orglife.open_warnings"].colour == "red"
