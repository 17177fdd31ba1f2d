"""The command centre's figures for incidents at any node: per child node, per type and per
month, each a grouped query over the subtree's incidents (a path range, no recursion)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from core.paths import SEGMENT, subtree_q
from incidents.models import IncidentState
from orgs.models import Grid, Region

OPEN = Q(state__kind=IncidentState.Kind.OPEN)
FIXED = Q(state__kind=IncidentState.Kind.FIXED)


@dataclass
class Period:
    since: date
    until: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.since, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.until + timedelta(days=1), time.min))


@dataclass
class Counts:
    open: int = 0
    overdue: int = 0
    fixed: int = 0
    reported: int = 0  # reported in the period
    closed: int = 0  # closed in the period


@dataclass
class Row:
    key: str
    label: str
    counts: Counts = field(default_factory=Counts)
    region: Region | None = None
    grid: Grid | None = None
    type_id: int | None = None

    def query(self, node: Region) -> str:
        """The list filter for the incidents behind this row's numbers."""
        if self.region is not None:
            return f"region={self.region.pk}"
        if self.grid is not None:
            return f"region={node.pk}&grid={self.grid.pk}"
        return f"region={node.pk}&type={self.type_id}"


def _aggregates(period: Period, now: datetime) -> dict:
    in_period = Q(reported_at__gte=period.start, reported_at__lt=period.end)
    closed = Q(
        state__kind=IncidentState.Kind.CLOSED, closed_at__gte=period.start, closed_at__lt=period.end
    )
    return {
        "open": Count("pk", filter=OPEN),
        "overdue": Count("pk", filter=OPEN & Q(deadline__lt=now)),
        "fixed": Count("pk", filter=FIXED),
        "reported": Count("pk", filter=in_period),
        "closed": Count("pk", filter=closed),
    }


def _counts(values: dict) -> Counts:
    return Counts(
        **{k: values.get(k) or 0 for k in ("open", "overdue", "fixed", "reported", "closed")}
    )


def subtree(rows: QuerySet, region: Region) -> QuerySet:
    return rows.filter(subtree_q("region_path", region.path))


def total(rows: QuerySet, region: Region, period: Period, now: datetime) -> Counts:
    return _counts(subtree(rows, region).aggregate(**_aggregates(period, now)))


def by_child(rows: QuerySet, region: Region, period: Period, now: datetime) -> list[Row]:
    """One row per child region (per grid at a village), every child listed even at 0."""
    rows = subtree(rows, region)
    if region.level == Region.Level.VILLAGE:
        grids = list(Grid.objects.filter(region=region).order_by("code"))
        grouped = {
            v["grid_id"]: v for v in rows.values("grid_id").annotate(**_aggregates(period, now))
        }
        return [Row(str(g.pk), g.name, _counts(grouped.get(g.pk, {})), grid=g) for g in grids]
    length = len(region.path) + SEGMENT
    grouped = {
        v["child"]: v
        for v in rows.annotate(child=Substr("region_path", 1, length))
        .values("child")
        .annotate(**_aggregates(period, now))
    }
    children = list(Region.objects.filter(parent=region).order_by("path"))
    return [
        Row(child.path, child.name, _counts(grouped.get(child.path, {})), region=child)
        for child in children
    ]


def by_type(rows: QuerySet, region: Region, period: Period, now: datetime) -> list[Row]:
    grouped = (
        subtree(rows, region)
        .values("type_id", "type__name", "type__position")
        .annotate(**_aggregates(period, now))
        .order_by("type__position", "type_id")
    )
    return [
        Row(str(v["type_id"]), v["type__name"], _counts(v), type_id=v["type_id"]) for v in grouped
    ]


def by_month(rows: QuerySet, region: Region, period: Period) -> list[tuple[date, int, int]]:
    """(month, reported, closed) for each month of the period, Asia/Shanghai months."""
    base = subtree(rows, region)
    reported = {
        v["month"].date() if isinstance(v["month"], datetime) else v["month"]: v["n"]
        for v in base.filter(reported_at__gte=period.start, reported_at__lt=period.end)
        .annotate(month=TruncMonth("reported_at"))
        .values("month")
        .annotate(n=Count("pk"))
    }
    closed = {
        v["month"].date() if isinstance(v["month"], datetime) else v["month"]: v["n"]
        for v in base.filter(
            state__kind=IncidentState.Kind.CLOSED,
            closed_at__gte=period.start,
            closed_at__lt=period.end,
        )
        .annotate(month=TruncMonth("closed_at"))
        .values("month")
        .annotate(n=Count("pk"))
    }
    months, month = [], period.since.replace(day=1)
    while month <= period.until:
        months.append((month, reported.get(month, 0), closed.get(month, 0)))
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def overdue(rows: QuerySet, region: Region, now: datetime) -> QuerySet:
    """Open incidents past their time limit, the longest overdue first."""
    return (
        subtree(rows, region)
        .filter(OPEN, deadline__lt=now)
        .select_related("type", "state", "grid", "region")
        .order_by("deadline", "pk")
    )
