"""Benchmark: tree counts and the township member list on a province-sized PostgreSQL database.

PRODUCT.md plans one PostgreSQL server for a province: ~100 counties, ~20,000 villages,
~52,000 organizations, ~1,000,000 members, ~6,000,000 households. This script loads such a
province (``load_demo --scale province``) into its own database, ``lingyan_bench``, and times
what every dashboard and list page does first:

a. counts per child node of the province root (``orgs.domain.counts.child_counts``);
b. the same for one county;
c. a township admin's member list, first page: ``accounts.scope.visible(user, Member)
   .select_related("organization")`` in the model's default order, 50 rows, plus the count.

Each is run through the ORM and as hand-written SQL on the same connection; the report gives
the median and 95th percentile in milliseconds and the ratio ORM / raw. See
docs/benchmarks.md for the figures.

    uv run python bench/tree_counts.py --load   # (re)create lingyan_bench and load it
    uv run python bench/tree_counts.py          # measure again on the loaded database
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SERVER = "postgres://postgres@127.0.0.1:5432"
DEFAULT_DATABASE = "lingyan_bench"


def prepare_environment(database: str) -> None:
    """Point Django at the benchmark database, never at the development one; run with
    ``DEBUG`` off, as in production (no query log)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "lingyan.settings"
    os.environ["DATABASE_URL"] = f"{SERVER}/{database}"
    os.environ["LINGYAN_DEBUG"] = "0"
    os.environ.setdefault("LINGYAN_SECRET_KEY", "lingyan-bench-only-" + "b" * 40)


def ensure_database(database: str, *, fresh: bool) -> bool:
    """Create the database if it is missing (dropping it first when ``fresh``); returns
    whether it was created."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        name = sql.Identifier(database)
        if fresh:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if exists:
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))
        return True


@dataclass
class Timing:
    """Milliseconds over the measured runs of one case."""

    case: str
    orm_median: float
    orm_p95: float
    raw_median: float
    raw_p95: float

    @property
    def ratio(self) -> float:
        return self.orm_median / self.raw_median


def measure(run: Callable[[], object], runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[18]


CHILD_COUNTS_SQL = """
SELECT child.id, child.name, child.path,
       COALESCE(sums.members, 0), COALESCE(sums.households, 0),
       COALESCE(sums.organizations, 0), COALESCE(sums.grids, 0)
FROM orgs_region AS child
LEFT JOIN (
    SELECT substr(path, 1, %(prefix)s) AS prefix,
           SUM(own_member_count) AS members, SUM(own_household_count) AS households,
           SUM(own_organization_count) AS organizations, SUM(own_grid_count) AS grids
    FROM orgs_region
    WHERE path >= %(low)s AND path < %(high)s AND depth > %(depth)s
    GROUP BY 1
) AS sums ON sums.prefix = child.path
WHERE child.parent_id = %(id)s
ORDER BY child.path
"""
MEMBER_PAGE_SQL = """
SELECT member.*, organization.*
FROM orgs_member AS member
JOIN orgs_organization AS organization ON organization.id = member.organization_id
WHERE member.region_path >= %(low)s AND member.region_path < %(high)s
ORDER BY member.org_path, member.name, member.id
LIMIT 50
"""
MEMBER_COUNT_SQL = """
SELECT COUNT(*) FROM orgs_member
WHERE region_path >= %(low)s AND region_path < %(high)s
"""


def cases() -> dict[str, tuple[Callable[[], object], Callable[[], object], list[str]]]:
    """Each case: the ORM call, the raw SQL doing the same, and the raw statements with
    their parameters inlined (for EXPLAIN)."""
    from django.db import connection

    from accounts.models import User
    from accounts.scope import visible
    from core.paths import SEGMENT, successor
    from demo.generator import PROVINCE_CODE
    from orgs.domain.counts import child_counts
    from orgs.models import Member, Region

    province = Region.objects.get(code=PROVINCE_CODE)
    county = Region.objects.get(code="150525000000")
    township_admin = User.objects.get(username="demo-township")
    township = township_admin.assignments.get().region
    cursor = connection.cursor()

    def raw(statement: str, params: dict) -> Callable[[], object]:
        def run() -> object:
            cursor.execute(statement, params)
            return cursor.fetchall()

        return run

    def child_params(region: Region) -> dict:
        return {
            "prefix": len(region.path) + SEGMENT,
            "low": region.path,
            "high": successor(region.path),
            "depth": region.depth,
            "id": region.pk,
        }

    def member_page() -> object:
        members = visible(township_admin, Member).select_related("organization")
        return list(members[:50]), members.count()

    page_params = {"low": township.path, "high": successor(township.path)}
    page = raw(MEMBER_PAGE_SQL, page_params)
    count = raw(MEMBER_COUNT_SQL, page_params)

    def inline(statement: str, params: dict) -> str:
        return cursor.mogrify(statement, params)

    return {
        f"a. child_counts({province.name}: {Region.objects.filter(parent=province).count()} "
        "children)": (
            lambda: child_counts(province),
            raw(CHILD_COUNTS_SQL, child_params(province)),
            [inline(CHILD_COUNTS_SQL, child_params(province))],
        ),
        f"b. child_counts({county.name}: {Region.objects.filter(parent=county).count()} "
        "children)": (
            lambda: child_counts(county),
            raw(CHILD_COUNTS_SQL, child_params(county)),
            [inline(CHILD_COUNTS_SQL, child_params(county))],
        ),
        f"c. {township.name} members, page 1 + count": (
            member_page,
            lambda: (page(), count()),
            [inline(MEMBER_PAGE_SQL, page_params), inline(MEMBER_COUNT_SQL, page_params)],
        ),
    }


def explain(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
            print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")


def load() -> dict:
    """Migrate the fresh database and load the province; returns the load's figures."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command("load_demo", scale="province")
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    return {"load_seconds": round(seconds, 1), "database_bytes": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", action="store_true", help="recreate the database and load it")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    args = parser.parse_args()

    prepare_environment(args.database)
    created = ensure_database(args.database, fresh=args.load)
    import django

    django.setup()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.load:
        figures = load()
        (OUT / "load.json").write_text(json.dumps(figures, indent=2))
        print(f"province loaded in {figures['load_seconds']} s")
    elif created:
        raise SystemExit(f"{args.database} was empty: run with --load first")

    timings = []
    for name, (orm, raw, statements) in cases().items():
        orm_times = measure(orm, args.runs, args.warmup)
        raw_times = measure(raw, args.runs, args.warmup)
        timings.append(
            Timing(
                name,
                statistics.median(orm_times),
                p95(orm_times),
                statistics.median(raw_times),
                p95(raw_times),
            )
        )
        if args.explain:
            explain(statements)

    print(f"{args.runs} runs after {args.warmup} warm-up runs, milliseconds")
    print("| case | ORM median | ORM p95 | raw median | raw p95 | ORM/raw |")
    print("|---|---:|---:|---:|---:|---:|")
    for t in timings:
        print(
            f"| {t.case} | {t.orm_median:.2f} | {t.orm_p95:.2f} | {t.raw_median:.2f} "
            f"| {t.raw_p95:.2f} | {t.ratio:.2f} |"
        )
    results = [asdict(t) | {"ratio": round(t.ratio, 2)} for t in timings]
    (OUT / "tree_counts.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
