"""The grid's public board (公示, seed 004: "在每个网格岗位公示牌上都把群众积分写在上面"): the
month's approved scores of every household of the grid, with the window in which a household
may object. The window opens when the village's assembly approves the month's batch and
stays open ``PointsPolicy.objection_days`` days (7 by default) after the latest such
meeting; an objection goes back into the review chain through
``points.domain.objections.raise_objection``."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max
from django.utils import timezone

from orgs.models import Grid, Household
from points.domain.errors import PointsRefused
from points.domain.linkages import policy_for
from points.domain.objections import raise_objection
from points.domain.spans import PointsPeriod, Span, period_of
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
            grid=grid,
            kind__in=EARNED,
            occurred_on__range=(month.start, month.end),
            household__isnull=False,
        )
        .select_related("rule", "member")
        .order_by("occurred_on", "id")
    )
    approved_on = PointProposal.objects.filter(
        grid=grid,
        status=PointProposal.Status.APPROVED,
        occurred_on__range=(month.start, month.end),
    ).aggregate(last=Max("assembly__held_on"))["last"]
    lines = {h.pk: BoardLine(h) for h in Household.objects.filter(grid=grid).order_by("code")}
    for entry in entries:
        line = lines.get(entry.household_id)
        if line is None:  # the household has moved to another grid since
            continue
        line.points += entry.points
        line.entries.append(entry)
    ordered = sorted(lines.values(), key=lambda line: (not line.entries, -line.points))
    pending = PointProposal.objects.filter(
        grid=grid,
        status__in=PENDING,
        occurred_on__range=(month.start, month.end),
        household__isnull=False,
    ).count()
    waiting = set(
        Objection.objects.filter(
            entry__grid=grid,
            entry__occurred_on__range=(month.start, month.end),
            status=Objection.Status.OPEN,
        ).values_list("entry_id", flat=True)
    )
    return Board(
        grid, month, ordered, approved_on, objection_window(grid, approved_on), pending, waiting
    )


def object_on_board(actor, grid: Grid, entry_id: int, reason: str) -> Objection:
    """A household's objection to a score on its grid's board, while the board's window is
    open: the entry must be an award on this grid's board. It goes back into the review
    chain through ``raise_objection`` (the branch upholds it — the entry is reversed — or
    dismisses it).

    Side effects: those of ``raise_objection`` (one Objection, one audit entry)."""
    entry = (
        PointEntry.objects.filter(
            pk=entry_id, grid=grid, kind=PointEntry.Kind.AWARD, household__isnull=False
        )
        .select_related("rule")
        .first()
    )
    if entry is None:
        raise PointsRefused({"entry": ["公示栏上没有这条积分。"]})
    month = period_of(entry.occurred_on, Span.MONTH)
    today = timezone.localdate()
    current = board_window(grid, month)
    if current is None or today > current:
        raise PointsRefused({"entry": ["该月积分的公示异议期已过。"]})
    if Objection.objects.filter(entry=entry, status=Objection.Status.OPEN).exists():
        raise PointsRefused({"entry": ["这条积分已有异议在处理中。"]})
    return raise_objection(actor, reason=reason, entry=entry)


def board_window(grid: Grid, month: PointsPeriod) -> date | None:
    """The last day objections to ``month``'s scores on ``grid``'s board are taken."""
    approved_on = PointProposal.objects.filter(
        grid=grid,
        status=PointProposal.Status.APPROVED,
        occurred_on__range=(month.start, month.end),
    ).aggregate(last=Max("assembly__held_on"))["last"]
    return objection_window(grid, approved_on)


def latest_month(grid: Grid) -> PointsPeriod:
    """The month the board opens on: the latest with scores approved by the assembly, or
    last month when none are."""
    last = PointProposal.objects.filter(grid=grid, status=PointProposal.Status.APPROVED).aggregate(
        last=Max("occurred_on")
    )["last"]
    if last is None:
        return period_of(timezone.localdate(), Span.MONTH).previous()
    return period_of(last, Span.MONTH)
