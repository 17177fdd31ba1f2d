"""Figures of residents' requests for any node of the tree (the command centre, 指挥中心).

Definitions (docs/services.md says them to users too), over the requests *submitted* in the
chosen period, rejected ones left out of the rates:

- **quick-completion rate** (快速办结率, seed 002 "over 95%") = requests finished (done or
  rated) no later than their due time ÷ requests finished;
- **on-time share** (按时率) = requests finished on time ÷ (requests finished + requests
  still open past their due time): how many of those whose deadline has been decided were
  met — an open request still within its limit counts for neither side;
- **average rating** = the mean of the 1–5 ratings given.

One grouped query over the subtree's requests (an indexed ``region_path`` range) gives the
figures of the node and of each child node at once; nothing loops per request."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from core.paths import subtree_q
from orgs.models import Region
from services.models import (
    FINISHED_REQUEST_STATES,
    OPEN_REQUEST_STATES,
    RequestStatus,
)

# The drill-down flags: each a filter that the figures count and the list pages apply.
FLAGS = {
    "finished": Q(status__in=FINISHED_REQUEST_STATES),
    "on_time": Q(status__in=FINISHED_REQUEST_STATES, done_at__lte=F("due_at")),
    "late": Q(status__in=FINISHED_REQUEST_STATES, done_at__gt=F("due_at")),
    "open": Q(status__in=OPEN_REQUEST_STATES),
    "rated": Q(rating__isnull=False),
}


def overdue_q(now: datetime) -> Q:
    return Q(status__in=OPEN_REQUEST_STATES, due_at__lt=now)


def flag_q(flag: str, now: datetime | None = None) -> Q:
    if flag == "overdue":
        return overdue_q(now or timezone.now())
    return FLAGS[flag]


@dataclass
class RequestFigures:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    finished: int = 0
    finished_on_time: int = 0
    overdue: int = 0
    rated: int = 0
    rating_average: float | None = None

    @property
    def quick_completion_rate(self) -> float | None:
        return self.finished_on_time / self.finished if self.finished else None

    @property
    def on_time_share(self) -> float | None:
        decided = self.finished + self.overdue
        return self.finished_on_time / decided if decided else None

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)


def _aggregates(now: datetime) -> dict:
    values = {
        "total": Count("pk"),
        "finished": Count("pk", filter=FLAGS["finished"]),
        "finished_on_time": Count("pk", filter=FLAGS["on_time"]),
        "overdue": Count("pk", filter=overdue_q(now)),
        "rated": Count("pk", filter=FLAGS["rated"]),
        "rating_average": Avg("rating"),
    }
    for status in RequestStatus.values:
        values[f"status_{status}"] = Count("pk", filter=Q(status=status))
    return values


def _figures(row: dict) -> RequestFigures:
    average = row.get("rating_average")
    return RequestFigures(
        total=row["total"],
        by_status={s: row[f"status_{s}"] for s in RequestStatus.values},
        finished=row["finished"],
        finished_on_time=row["finished_on_time"],
        overdue=row["overdue"],
        rated=row["rated"],
        rating_average=float(average) if average is not None else None,
    )


def in_period(rows: QuerySet, start: datetime | None, end: datetime | None) -> QuerySet:
    if start is not None:
        rows = rows.filter(submitted_at__gte=start)
    if end is not None:
        rows = rows.filter(submitted_at__lt=end)
    return rows


@dataclass
class ChildRow:
    region: Region
    figures: RequestFigures


def node_figures(
    rows: QuerySet,
    region: Region,
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
) -> tuple[RequestFigures, list[ChildRow]]:
    """The node's figures and each child node's, over ``rows`` (already scoped by the
    caller) submitted in [start, end). Children without requests show zeros."""
    now = now or timezone.now()
    subtree = in_period(rows.filter(subtree_q("region_path", region.path)), start, end)
    grouped = (
        subtree.annotate(child=Substr("region_path", 1, len(region.path) + 4))
        .values("child")
        .order_by("child")
        .annotate(**_aggregates(now))
    )
    by_child = {row["child"]: _figures(row) for row in grouped}
    children = list(Region.objects.filter(parent=region).order_by("path"))
    child_rows = [ChildRow(c, by_child.get(c.path, RequestFigures())) for c in children]
    total = subtree.aggregate(**_aggregates(now))
    return _figures(total), child_rows


def unit_figures(rows: QuerySet, now: datetime | None = None) -> list[dict]:
    """Per handling unit: the same figures, for the table of units (who is slow)."""
    now = now or timezone.now()
    grouped = (
        rows.filter(unit__isnull=False)
        .values("unit_id", "unit__name")
        .order_by("unit__name")
        .annotate(**_aggregates(now))
    )
    return [
        {"unit_id": r["unit_id"], "name": r["unit__name"], "figures": _figures(r)} for r in grouped
    ]
