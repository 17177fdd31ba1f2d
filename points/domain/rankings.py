"""Rankings by points in a period (三挂钩's first step), for each of seed 004's three classes
of person (``PersonClass``: households, party members, grid workers — one statement, the
subject generalised, ``SUBJECTS``): each subject's rank in its grid, its village and its
township, in one statement with window functions —
``RANK() OVER (PARTITION BY grid ORDER BY points DESC)`` — which SQLite and PostgreSQL both
run. Ties share a rank (1, 1, 3). A household takes part when it has a score in the period;
the ranks are those of the households of the place asked about, which for a grid, a village
or a township are the whole partition.

A household's own rank (its phone page, under 20 ms at county scale) is one aggregate over
its grid's entries for the period: 1 + the households of the grid with more points."""

from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.paths import SEGMENT, successor
from orgs.models import Grid, Household, Region
from points.domain.spans import PointsPeriod
from points.domain.tallies import EARNED


class PersonClass(models.TextChoices):
    """Seed 004's three classes of person (人员分类), as the rulebook's items name them: the
    ranked subject of each — a household (群众: the household head stands for it; its
    points include its members' items, the family's basket as the love supermarket sees
    it), a party member (党员: their own items), a grid (网格员: the grid worker's post)."""

    RESIDENT = "resident", _("群众（农户）")
    MEMBER = "member", pgettext_lazy("singular", "党员")
    GRID_WORKER = "grid_worker", _("网格员")


@dataclass(frozen=True)
class Subject:
    """How a class's subjects are found in the ledger and named: the entry's column that
    names the subject, and a row source with (id, name, code, grid_id, region_id,
    region_path) that places it in the tree."""

    key: str
    where: str
    source: str


SUBJECTS = {
    PersonClass.RESIDENT: Subject(
        "e.household_id",
        "e.household_id IS NOT NULL",
        "SELECT id, head_name AS name, code, grid_id, region_id, region_path FROM orgs_household",
    ),
    PersonClass.MEMBER: Subject(
        "e.member_id",
        "e.member_id IS NOT NULL",
        # a member is placed by their household (where their items were scored)
        "SELECT m.id, m.name, '' AS code, h.grid_id, h.region_id, h.region_path"
        " FROM orgs_member AS m JOIN orgs_household AS h ON h.id = m.household_id",
    ),
    PersonClass.GRID_WORKER: Subject(
        "e.grid_id",
        "e.household_id IS NULL",
        "SELECT id, name, code, id AS grid_id, region_id, region_path FROM orgs_grid",
    ),
}

TOTALS = """
SELECT {key} AS subject_id, SUM(e.points) AS points
FROM points_pointentry AS e
WHERE e.region_path >= %(low)s AND e.region_path < %(high)s
  AND e.occurred_on >= %(start)s AND e.occurred_on <= %(end)s
  AND e.kind IN (%(award)s, %(reversal)s) AND {where} {grid}
GROUP BY {key}
"""
RANKING_SQL = """
SELECT r.subject_id, r.points, r.grid_rank, r.village_rank, r.township_rank, r.place_rank,
       r.grid_count, r.village_count, r.name, r.code, r.grid_name, r.village_name
FROM (
    SELECT t.subject_id, t.points, s.name, s.code, g.name AS grid_name,
           v.name AS village_name,
           RANK() OVER (PARTITION BY s.grid_id ORDER BY t.points DESC) AS grid_rank,
           RANK() OVER (PARTITION BY s.region_id ORDER BY t.points DESC) AS village_rank,
           RANK() OVER (PARTITION BY substr(s.region_path, 1, %(township)s)
                        ORDER BY t.points DESC) AS township_rank,
           RANK() OVER (ORDER BY t.points DESC) AS place_rank,
           COUNT(*) OVER (PARTITION BY s.grid_id) AS grid_count,
           COUNT(*) OVER (PARTITION BY s.region_id) AS village_count
    FROM ({totals}) AS t
    JOIN ({source}) AS s ON s.id = t.subject_id
    JOIN orgs_grid AS g ON g.id = s.grid_id
    JOIN orgs_region AS v ON v.id = s.region_id
) AS r
ORDER BY r.place_rank, r.subject_id
"""
COUNT_SQL = "SELECT COUNT(*) FROM ({totals}) AS t"
HOUSEHOLD_RANK_SQL = """
SELECT COUNT(*) FROM (
    SELECT e.household_id
    FROM points_pointentry AS e
    WHERE e.grid_id = %(grid)s AND e.occurred_on >= %(start)s AND e.occurred_on <= %(end)s
      AND e.kind IN (%(award)s, %(reversal)s) AND e.household_id IS NOT NULL
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
    subject_id: int  # a household's, a member's or a grid's id, by the class ranked
    points: int
    grid_rank: int
    village_rank: int
    township_rank: int
    place_rank: int  # rank among all the subjects of the place asked about
    grid_count: int  # subjects of the grid that take part
    village_count: int
    head_name: str  # the household head's, the member's name; the grid's for a grid worker
    code: str
    grid_name: str
    village_name: str
    person: str = ""  # a grid worker's name (the grid's worker account)

    @property
    def household_id(self) -> int:
        return self.subject_id


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
        low, high = place.region_path, successor(place.region_path)
        township = len(place.region_path) - SEGMENT
    else:
        low, high, township = place.path, successor(place.path), township_prefix(place)
    params = {
        "low": low,
        "high": high,
        "township": township,
        "start": period.start,
        "end": period.end,
        "award": EARNED[0],
        "reversal": EARNED[1],
    }
    if isinstance(place, Grid):
        params["grid"] = place.pk
    return params


def _totals(place: Region | Grid, person_class: str) -> str:
    subject = SUBJECTS[PersonClass(person_class)]
    grid = "AND e.grid_id = %(grid)s" if isinstance(place, Grid) else ""
    return TOTALS.format(key=subject.key, where=subject.where, grid=grid)


def ranking(
    place: Region | Grid,
    period: PointsPeriod,
    *,
    limit: int | None = None,
    offset: int = 0,
    person_class: str = PersonClass.RESIDENT,
) -> list[Ranked]:
    """The subjects of ``person_class`` (households by default, party members, grid
    workers) of ``place`` that scored in ``period``, best first, each with its ranks in its
    grid, village and township (for a grid: the ranks of the grid's village and township
    computed over that grid — ask for the village for full village ranks). ``limit``/
    ``offset`` page it in SQL; the names come in the same statement (the whole county's
    60,000 rows are plain tuples, no model instances)."""
    params = _params(place, period)
    subject = SUBJECTS[PersonClass(person_class)]
    sql = RANKING_SQL.format(totals=_totals(place, person_class), source=subject.source)
    if limit is not None:
        sql += " LIMIT %(limit)s OFFSET %(offset)s"
        params.update(limit=limit, offset=offset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [Ranked(*row) for row in cursor.fetchall()]
    if person_class == PersonClass.GRID_WORKER:
        names = grid_worker_names([r.subject_id for r in rows])
        for row in rows:
            row.person = names.get(row.subject_id, "")
    return rows


def grid_worker_names(grid_ids: list[int]) -> dict[int, str]:
    """The grid worker accounts' names of the grids (one query; several joined by 、)."""
    from accounts.models import Role, RoleAssignment

    names: dict[int, list[str]] = {}
    holders = (
        RoleAssignment.objects.filter(  # scope-ok: names of the grids the caller may see
            role=Role.GRID_WORKER, grid_id__in=grid_ids
        )
        .select_related("user")
        .order_by("pk")
    )
    for holder in holders:
        if holder.grid_id is not None:
            names.setdefault(holder.grid_id, []).append(str(holder.user))
    return {pk: "、".join(sorted(set(each))) for pk, each in names.items()}


def ranked_count(
    place: Region | Grid, period: PointsPeriod, *, person_class: str = PersonClass.RESIDENT
) -> int:
    params = _params(place, period)
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL.format(totals=_totals(place, person_class)), params)
        return cursor.fetchone()[0]


def ranks_of(
    person_class: str, subject_ids: list[int], places: list[str], period: PointsPeriod
) -> dict[int, Ranked]:
    """The ranked rows of a person's own subjects (a member, a grid worker's grids), for
    their phone page: one ranking statement over the smallest region holding them all
    (``places``: their region paths), at least their township, so that the village and
    township ranks are whole."""
    if not subject_ids or not places:
        return {}
    common = places[0]
    for path in places[1:]:
        while not path.startswith(common):
            common = common[:-SEGMENT]
    region = Region.objects.filter(path=common).first()  # scope-ok: sums of the caller's own
    if region is not None and region.level == Region.Level.VILLAGE:
        # the township's statement: its ranks are whole
        region = Region.objects.filter(path=common[:-SEGMENT]).first()  # scope-ok: as above
    if region is None:
        return {}
    wanted = set(subject_ids)
    rows = ranking(region, period, person_class=person_class)
    return {r.subject_id: r for r in rows if r.subject_id in wanted}


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
