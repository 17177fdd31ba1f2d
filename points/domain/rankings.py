"""Rankings of households by their points in a period (三挂钩's first step): each household's
rank in its grid, its village and its township, in one statement with window functions —
``RANK() OVER (PARTITION BY grid ORDER BY points DESC)`` — which SQLite and PostgreSQL both
run. Ties share a rank (1, 1, 3). A household takes part when it has a score in the period;
the ranks are those of the households of the place asked about, which for a grid, a village
or a township are the whole partition.

A household's own rank (its phone page, under 20 ms at county scale) is one aggregate over
its grid's entries for the period: 1 + the households of the grid with more points."""

from dataclasses import dataclass
from typing import Any

from django.db import connection

from core.paths import SEGMENT, successor
from orgs.models import Grid, Household, Region
from points.domain.spans import PointsPeriod
from points.domain.tallies import EARNED

TOTALS = """
SELECT e.household_id, SUM(e.points) AS points
FROM points_pointentry AS e
WHERE e.region_path >= %(low)s AND e.region_path < %(high)s
  AND e.occurred_on >= %(start)s AND e.occurred_on <= %(end)s
  AND e.kind IN (%(award)s, %(reversal)s)
GROUP BY e.household_id
"""
RANKING_SQL = f"""
SELECT r.household_id, r.points, r.grid_rank, r.village_rank, r.township_rank, r.place_rank,
       r.grid_count, r.village_count, r.head_name, r.code, r.grid_name, r.village_name
FROM (
    SELECT t.household_id, t.points, h.head_name, h.code, g.name AS grid_name,
           v.name AS village_name,
           RANK() OVER (PARTITION BY h.grid_id ORDER BY t.points DESC) AS grid_rank,
           RANK() OVER (PARTITION BY h.region_id ORDER BY t.points DESC) AS village_rank,
           RANK() OVER (PARTITION BY substr(h.region_path, 1, %(township)s)
                        ORDER BY t.points DESC) AS township_rank,
           RANK() OVER (ORDER BY t.points DESC) AS place_rank,
           COUNT(*) OVER (PARTITION BY h.grid_id) AS grid_count,
           COUNT(*) OVER (PARTITION BY h.region_id) AS village_count
    FROM ({TOTALS}) AS t
    JOIN orgs_household AS h ON h.id = t.household_id
    JOIN orgs_grid AS g ON g.id = h.grid_id
    JOIN orgs_region AS v ON v.id = h.region_id
) AS r
ORDER BY r.place_rank, r.household_id
"""
COUNT_SQL = f"SELECT COUNT(*) FROM ({TOTALS}) AS t"
HOUSEHOLD_RANK_SQL = """
SELECT COUNT(*) FROM (
    SELECT e.household_id
    FROM points_pointentry AS e
    WHERE e.grid_id = %(grid)s AND e.occurred_on >= %(start)s AND e.occurred_on <= %(end)s
      AND e.kind IN (%(award)s, %(reversal)s)
    GROUP BY e.household_id
    HAVING SUM(e.points) > %(points)s
) AS above
"""
OWN_POINTS_SQL = """
SELECT COALESCE(SUM(e.points), 0) FROM points_pointentry AS e
WHERE e.household_id = %(household)s AND e.occurred_on >= %(start)s AND e.occurred_on <= %(end)s
  AND e.kind IN (%(award)s, %(reversal)s)
"""


@dataclass
class Ranked:
    household_id: int
    points: int
    grid_rank: int
    village_rank: int
    township_rank: int
    place_rank: int  # rank among all the households of the place asked about
    grid_count: int  # households of the grid that take part
    village_count: int
    head_name: str
    code: str
    grid_name: str
    village_name: str


def township_prefix(region: Region) -> int:
    """How many characters of a ``region_path`` name the township: the place's own path
    for a township, its parent's for a village, one segment more for a county."""
    level = region.level
    if level == Region.Level.TOWNSHIP:
        return len(region.path)
    if level == Region.Level.VILLAGE:
        return len(region.path) - SEGMENT
    return len(region.path) + SEGMENT


def _params(place: Region | Grid, period: PointsPeriod) -> dict:
    if isinstance(place, Grid):
        low, high, township = place.region_path, successor(place.region_path), 0
        township = len(place.region_path) - SEGMENT
    else:
        low, high, township = place.path, successor(place.path), township_prefix(place)
    return {
        "low": low,
        "high": high,
        "township": township,
        "start": period.start,
        "end": period.end,
        "award": EARNED[0],
        "reversal": EARNED[1],
    }


def ranking(
    place: Region | Grid, period: PointsPeriod, *, limit: int | None = None, offset: int = 0
) -> list[Ranked]:
    """The households of ``place`` that scored in ``period``, best first, each with its ranks
    in its grid, village and township (for a grid: the ranks of the grid's village and
    township computed over that village — ask for the village for full village ranks).
    ``limit``/``offset`` page it in SQL; the names come in the same statement (the whole
    county's 60,000 rows are plain tuples, no model instances)."""
    params = _params(place, period)
    sql = RANKING_SQL
    if isinstance(place, Grid):
        sql = sql.replace(
            "GROUP BY e.household_id", "AND e.grid_id = %(grid)s GROUP BY e.household_id"
        )
        params["grid"] = place.pk
    if limit is not None:
        sql += " LIMIT %(limit)s OFFSET %(offset)s"
        params.update(limit=limit, offset=offset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Ranked(*row) for row in cursor.fetchall()]


def ranked_count(place: Region | Grid, period: PointsPeriod) -> int:
    params = _params(place, period)
    sql = COUNT_SQL
    if isinstance(place, Grid):
        sql = sql.replace(
            "GROUP BY e.household_id", "AND e.grid_id = %(grid)s GROUP BY e.household_id"
        )
        params["grid"] = place.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@dataclass(frozen=True)
class HouseholdRank:
    points: int
    rank: int  # 1 + the grid's households with more points in the period
    of: int  # the grid's households


def household_rank(household: Household, period: PointsPeriod) -> HouseholdRank:
    """A household's points in ``period`` and its rank in its grid, out of all the grid's
    households (those without a score share the last places): two small aggregates over
    the grid's entries of the period, by the ledger's (grid, occurred_on) index."""
    params: dict[str, Any] = {
        "household": household.pk,
        "grid": household.grid_id,
        "start": period.start,
        "end": period.end,
        "award": EARNED[0],
        "reversal": EARNED[1],
    }
    with connection.cursor() as cursor:
        cursor.execute(OWN_POINTS_SQL, params)
        points = cursor.fetchone()[0]
        cursor.execute(HOUSEHOLD_RANK_SQL, {**params, "points": points})
        above = cursor.fetchone()[0]
    of = Household.objects.filter(grid_id=household.grid_id).count()
    return HouseholdRank(points, above + 1, of)
