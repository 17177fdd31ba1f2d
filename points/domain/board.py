"""The grid's public board (公示, seed 004: "在每个网格岗位公示牌上都把群众积分写在上面"): the
month's approved scores of every household of the grid, with the window in which a household
may object. The window opens when the village's assembly approves the month's batch and
stays open ``PointsPolicy.objection_days`` days (7 by default) after the latest such
meeting; an objection goes back into the review chain through
``points.domain.objections.raise_objection``."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max

from orgs.models import Grid, Household
from points.domain.linkages import policy_for
from points.domain.spans import PointsPeriod
from points.domain.tallies import EARNED, PENDING
from points.models import Objection, PointEntry, PointProposal


@dataclass
class BoardLine:
    household: Household
    points: int = 0
    entries: list[PointEntry] = field(default_factory=list)


@dataclass
class Board:
    grid: Grid
    month: PointsPeriod
    lines: list[BoardLine]
    approved_on: date | None  # the latest assembly that approved entries of the month
    closes_on: date | None  # the last day objections are taken
    pending: int  # proposals of the month still in the review chain
    open_objections: set[int]  # ids of entries with an objection waiting

    def is_open(self, today: date) -> bool:
        return self.closes_on is not None and today <= self.closes_on


def objection_window(grid: Grid, approved_on: date | None) -> date | None:
    if approved_on is None:
        return None
    return approved_on + timedelta(days=policy_for(grid.region).objection_days)


def board(grid: Grid, month: PointsPeriod) -> Board:
    """The board of ``grid`` for ``month``: the awards and reversals that count in the month,
    by household (best first; households without a score at the end), in five queries
    whatever the grid's size."""
    entries = list(
        PointEntry.objects.filter(
            grid=grid, kind__in=EARNED, occurred_on__range=(month.start, month.end)
        )
        .select_related("rule", "member")
        .order_by("occurred_on", "id")
    )
    approved_on = (
        PointProposal.objects.filter(
            grid=grid,
            status=PointProposal.Status.APPROVED,
            occurred_on__range=(month.start, month.end),
        ).aggregate(last=Max("assembly__held_on"))["last"]
    )
    lines = {h.pk: BoardLine(h) for h in Household.objects.filter(grid=grid).order_by("code")}
    for entry in entries:
        line = lines.get(entry.household_id)
        if line is None:  # the household has moved to another grid since
            continue
        line.points += entry.points
        line.entries.append(entry)
    ordered = sorted(lines.values(), key=lambda line: (not line.entries, -line.points))
    pending = PointProposal.objects.filter(
        grid=grid, status__in=PENDING, occurred_on__range=(month.start, month.end)
    ).count()
    waiting = set(
        Objection.objects.filter(
            entry__in=[e.pk for e in entries], status=Objection.Status.OPEN
        ).values_list("entry_id", flat=True)
    )
    return Board(
        grid, month, ordered, approved_on, objection_window(grid, approved_on), pending, waiting
    )
