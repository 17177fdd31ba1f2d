"""Period tallies of the ledger (周采分、月计分、季评议、年总结) for a grid, a village, a
township or the county: one grouped statement over ``PointEntry`` — per household for a grid,
per grid for a village, per child region above — plus one over the proposals still in the
review chain. Nothing loops over households in Python.

A tally is the households' (群众, with their party members' items): a grid worker's entries
(no household) are ranked apart (``rankings``, class ``grid_worker``).

What counts in a period: the awards and reversals whose ``occurred_on`` lies in it (a
reversal carries the day of the entry it cancels, so a corrected score leaves the period it
was scored in). Redemptions spend points; they are not part of a tally. A household
"reaches the threshold" when its period points are at least its village store's threshold
(80 unless the store says otherwise; seed 004), which is what the quarterly review counts."""

from dataclasses import dataclass

from django.db import connection

from core.paths import SEGMENT, successor
from orgs.models import Grid, Household, Region
from points.domain.spans import PointsPeriod, Span
from points.models import PointEntry, PointProposal

EARNED = (PointEntry.Kind.AWARD.value, PointEntry.Kind.REVERSAL.value)
DEFAULT_THRESHOLD = 80
PENDING = (
    PointProposal.Status.PROPOSED.value,
    PointProposal.Status.PRELIMINARY.value,
    PointProposal.Status.JOINT.value,
)

# One row per household of the place, then grouped per child; the store's threshold is
# joined once per household group.
TALLY_SQL = """
SELECT t.child, COUNT(*), SUM(t.entries), SUM(t.points), SUM(t.plus), SUM(t.minus),
       SUM(CASE WHEN t.points >= COALESCE(s.threshold, %(threshold)s) THEN 1 ELSE 0 END)
FROM (
    SELECT e.household_id, e.region_id, {child} AS child, COUNT(*) AS entries,
           SUM(e.points) AS points,
           SUM(CASE WHEN e.points > 0 THEN e.points ELSE 0 END) AS plus,
           SUM(CASE WHEN e.points < 0 THEN e.points ELSE 0 END) AS minus
    FROM points_pointentry AS e
    WHERE {where} AND e.occurred_on >= %(start)s AND e.occurred_on <= %(end)s
      AND e.kind IN (%(award)s, %(reversal)s) AND e.household_id IS NOT NULL
    GROUP BY e.household_id, e.region_id, {child}
) AS t
LEFT JOIN points_store AS s ON s.region_id = t.region_id
GROUP BY t.child
"""
PENDING_SQL = """
SELECT {child} AS child, COUNT(*), SUM(p.points)
FROM points_pointproposal AS p
WHERE {where} AND p.occurred_on >= %(start)s AND p.occurred_on <= %(end)s
  AND p.status IN (%(proposed)s, %(preliminary)s, %(joint)s) AND p.household_id IS NOT NULL
GROUP BY {child}
"""


@dataclass
class TallyRow:
    """One line of a tally: a household (of a grid), a grid (of a village) or a region."""

    key: int | str
    name: str
    households: int = 0  # households with a score in the period
    entries: int = 0
    points: int = 0
    plus: int = 0
    minus: int = 0
    reached: int = 0  # households at or above their store's threshold
    pending_count: int = 0  # proposals of the period still in the review chain
    pending_points: int = 0


@dataclass
class Tally:
    place: Region | Grid
    period: PointsPeriod
    by: str  # "household", "grid" or "region": what a row is
    rows: list[TallyRow]

    @property
    def total(self) -> TallyRow:
        total = TallyRow("total", "合计")
        for row in self.rows:
            for name in ("households", "entries", "points", "plus", "minus", "reached"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
            total.pending_count += row.pending_count
            total.pending_points += row.pending_points
        return total

    @property
    def is_review(self) -> bool:
        """The quarterly review (季评议): the tally that decides who may exchange."""
        return self.period.span == Span.QUARTER


def _params(period: PointsPeriod, **extra) -> dict:
    return {
        "start": period.start,
        "end": period.end,
        "award": EARNED[0],
        "reversal": EARNED[1],
        "threshold": DEFAULT_THRESHOLD,
        "proposed": PENDING[0],
        "preliminary": PENDING[1],
        "joint": PENDING[2],
        **extra,
    }


def _grouped(sql: str, child: str, where: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(child=child, where=where), params)
        return cursor.fetchall()


def tally(place: Region | Grid, period: PointsPeriod) -> Tally:
    """The tally of ``place`` (a grid, or a region of any level) for ``period``. The caller
    has checked that the user may see ``place``; every figure comes from two grouped
    statements. A grid lists each of its households, scored or not."""
    if isinstance(place, Grid):
        by, child = "household", "{t}.household_id"
        where, params = "{t}.grid_id = %(grid)s", _params(period, grid=place.pk)
    else:
        low, high = place.path, successor(place.path)
        params = _params(period, low=low, high=high, prefix=len(place.path) + SEGMENT)
        where = "{t}.region_path >= %(low)s AND {t}.region_path < %(high)s"
        if place.level == Region.Level.VILLAGE:
            by, child = "grid", "{t}.grid_id"
        else:
            by, child = "region", "substr({t}.region_path, 1, %(prefix)s)"
    rows: dict[int | str, TallyRow] = {}
    tally_sql = TALLY_SQL
    for key, households, entries, points, plus, minus, reached in _grouped(
        tally_sql, child.format(t="e"), where.format(t="e"), params
    ):
        rows[key] = TallyRow(key, "", households, entries, points, plus, minus, reached)
    for key, count, points in _grouped(
        PENDING_SQL, child.format(t="p"), where.format(t="p"), params
    ):
        row = rows.setdefault(key, TallyRow(key, ""))
        row.pending_count, row.pending_points = count, points or 0
    return Tally(place, period, by, _named(place, by, rows))


def _named(place: Region | Grid, by: str, rows: dict[int | str, TallyRow]) -> list[TallyRow]:
    """The rows with their names, in the tree's order; every child appears, scored or
    not (a grid's households, a village's grids, a region's children)."""
    named = []
    if isinstance(place, Grid):
        children = Household.objects.filter(grid=place).order_by("code")
        for household in children.only("pk", "code", "head_name"):
            row = rows.get(household.pk) or TallyRow(household.pk, "")
            row.name = f"{household.head_name}户（{household.code}）"
            named.append(row)
    elif by == "grid":
        assert isinstance(place, Region)
        for grid in Grid.objects.filter(region=place).order_by("code").only("pk", "name"):
            row = rows.get(grid.pk) or TallyRow(grid.pk, "")
            row.name = grid.name
            named.append(row)
    else:
        assert isinstance(place, Region)
        for region in Region.objects.filter(parent=place).order_by("path").only("path", "name"):
            row = rows.get(region.path) or TallyRow(region.path, "")
            row.key, row.name = region.pk, region.name
            named.append(row)
    return named
