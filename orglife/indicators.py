"""Organizational life's indicators for the command centre (``core.indicators``): the
completeness and timeliness of the reports due in a month (DHIS2's definitions, from the
compliance tallies), and the warnings open at the month's end."""

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.indicators import HIGHER, LOWER, Indicator, register
from core.paths import SEGMENT, subtree_q
from core.periods import Period, deadline
from orglife.domain import compliance
from orglife.models import Warning
from orgs.models import Region

AREA = _("组织生活")


def _gaps_url(region: Region, period: Period, status: str = "") -> str:
    query = {"region": region.pk, "month": f"{period.start:%Y-%m}"}
    if status:
        query["status"] = status
    return f"{reverse('orglife:gaps')}?{urlencode(query)}"


def _warnings_url(region: Region, period: Period) -> str:
    return f"{reverse('orglife:warnings')}?{urlencode({'region': region.pk})}"


INDICATORS = [
    Indicator(
        "orglife.completeness",
        AREA,
        _("完成率"),
        "%",
        HIGHER,
        red=0.8,
        amber=0.95,
        records_url=lambda region, period: _gaps_url(region, period, "missing"),
        help=_("当月应报的组织生活中已上传记录的比例"),
    ),
    Indicator(
        "orglife.timeliness",
        AREA,
        _("及时率"),
        "%",
        HIGHER,
        red=0.7,
        amber=0.9,
        records_url=lambda region, period: _gaps_url(region, period, "late"),
        help=_("当月应报的组织生活中按时上传的比例"),
    ),
    Indicator(
        "orglife.open_warnings",
        AREA,
        _("未销号预警"),
        "条",
        LOWER,
        red=20,
        amber=5,
        records_url=_warnings_url,
        help=_("月末（本月为此刻）尚未销号的逾期预警"),
    ),
]


def _month_end(period: Period):
    """The instant a month ends, or now for the month still running."""
    return min(deadline(period.end, 0), timezone.now())


def _open_at(moment) -> Q:
    """Warnings raised by ``moment`` and not closed by then (a closed warning's last
    change is its closing)."""
    return Q(raised_at__lte=moment) & ~Q(status=Warning.Status.CLOSED, updated_at__lte=moment)


def series(region: Region, periods: list[Period]) -> dict[str, list]:
    total, _children = compliance.rollup(region, periods[0].start, periods[-1].start)
    completeness, timeliness = [], []
    for period in periods:
        figures = total.by_month.get(period.start, compliance.Figures())
        completeness.append(figures.completeness)
        timeliness.append(figures.timeliness)
    warnings = Warning.objects.filter(subtree_q("region_path", region.path)).aggregate(
        **{f"m{n}": Count("pk", filter=_open_at(_month_end(p))) for n, p in enumerate(periods)}
    )
    return {
        "orglife.completeness": completeness,
        "orglife.timeliness": timeliness,
        "orglife.open_warnings": [warnings[f"m{n}"] for n in range(len(periods))],
    }


def by_child(region: Region, period: Period) -> dict[str, dict]:
    _total, children = compliance.rollup(region, period.start, period.start)
    found: dict[str, dict] = {i.key: {} for i in INDICATORS}
    for child in children:
        figures = child.by_month.get(period.start, compliance.Figures())
        found["orglife.completeness"][child.region.path] = figures.completeness
        found["orglife.timeliness"][child.region.path] = figures.timeliness
    rows = (
        Warning.objects.filter(subtree_q("region_path", region.path), _open_at(_month_end(period)))
        .annotate(child=Substr("region_path", 1, len(region.path) + SEGMENT))
        .values("child")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["child"]: row["n"] for row in rows}
    found["orglife.open_warnings"] = {
        child.region.path: counts.get(child.region.path, 0) for child in children
    }
    return found


register(INDICATORS, series=series, by_child=by_child)
