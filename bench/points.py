"""Benchmark: the points system at county scale (issue 5).

Targets: on PostgreSQL, with 60,000 households and five years of ledger (~6 million rows),
the quarterly review tally and the rankings for the whole county under 5 s, a household's
balance and its rank under 20 ms, and redemptions under concurrent load with no overdraft;
on SQLite the county-scale quarterly tally under 10 s.

``--load`` (re)creates its own database, ``lingyan_points_bench`` (never ``lingyan_bench``),
migrates it, runs ``load_demo`` (the demo county with its two quarters of points, through
the same code as ``make run``), then adds the history: 100 awards per household spread over
the five years before the demo's quarters, one ``INSERT … SELECT`` over a generated series
(``setseed`` makes it repeatable), each scored under a rule of its village's rulebook, and
sets every balance to its ledger sum. ``--sqlite FILE --fill`` adds the same history to a
SQLite county demo.

Measured, each against a bare SQL aggregate over the same rows on the same connection:

a. ``tallies.tally(county, quarter)`` — the quarterly review of the whole county (per
   township, with each household's points against its store's threshold); bare: one
   ``SUM … GROUP BY`` township prefix;
b. ``rankings.ranking(county, quarter)`` — every household of the county with its ranks in
   grid, village and township (the export), and its first page of 50; bare: the per-household
   sums alone;
c. ``ledger.balance(h)`` + ``rankings.household_rank(h, quarter)`` for random households;
   bare: the balance row by primary key;
d. redemptions: ``--threads`` threads, each making ``--redemptions`` redemptions through
   ``store.redeem`` for households of one village drawn from a small set, so that several
   threads redeem for the same household at the same moment; then every balance is checked
   against its ledger sum and none may be negative, nor any stock.

    uv run python bench/points.py --load           # (re)create lingyan_points_bench, load
    uv run python bench/points.py                  # measure
    uv run python bench/points.py --sqlite FILE --fill   # add five years to a SQLite demo
    uv run python bench/points.py --sqlite FILE          # measure it (a–c)
"""

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.tree_counts import OUT, ensure_database, measure, p95, prepare_environment  # noqa: E402

DATABASE = "lingyan_points_bench"
HISTORY_PER_HOUSEHOLD = 100
HISTORY_YEARS = 5
# (code, points, category) drawn for the history, weighted by repetition.
HISTORY_ITEMS = (
    ["X01"] * 30 + ["J01"] * 20 + ["X02"] * 8 + ["X03"] * 12 + ["J02"] * 15 + ["X06"] * 6
    + ["D02"] * 2 + ["F01"] * 2 + ["X05"] * 3 + ["D01"] * 1 + ["F02"] * 1
)  # fmt: skip

HISTORY_SQL = {
    "postgresql": """
        WITH series AS (SELECT g FROM generate_series(1, %(per)s) AS g),
        rules AS (
            SELECT b.region_id, r.id, r.code, r.points, r.category
            FROM points_pointrule r JOIN points_rulebook b ON b.id = r.rulebook_id
            WHERE b.version = 1
        ),
        draws AS (
            SELECT h.id AS household_id, h.region_id, h.region_path, h.grid_id,
                   (%(items)s)[1 + floor(random() * %(n_items)s)::int] AS code,
                   %(first)s::date + floor(random() * %(days)s)::int AS day
            FROM orgs_household h CROSS JOIN series
        )
        INSERT INTO points_pointentry (household_id, member_id, region_id, region_path,
            grid_id, kind, points, occurred_on, recorded_at, proposal_id, reverses_id,
            redemption_id, rule_id, category, note)
        SELECT d.household_id, NULL, d.region_id, d.region_path, d.grid_id, 'award', r.points,
               d.day, (d.day + 35)::timestamp AT TIME ZONE 'Asia/Shanghai', NULL, NULL, NULL,
               r.id, r.category, '历史积分'
        FROM draws d
        JOIN rules r ON r.region_id = d.region_id AND r.code = d.code
    """,
    "sqlite": """
        WITH RECURSIVE series(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM series
                                     WHERE g < %(per)s),
        rules AS (
            SELECT b.region_id, r.id, r.code, r.points, r.category
            FROM points_pointrule r JOIN points_rulebook b ON b.id = r.rulebook_id
            WHERE b.version = 1
        ),
        draws AS MATERIALIZED (
            SELECT h.id AS household_id, h.region_id, h.region_path, h.grid_id,
                   abs(random()) %% %(n_items)s AS item,
                   date(%(first)s, '+' || (abs(random()) %% %(days)s) || ' days') AS day
            FROM orgs_household h CROSS JOIN series
        ),
        items(item, code) AS (%(items)s)
        INSERT INTO points_pointentry (household_id, member_id, region_id, region_path,
            grid_id, kind, points, occurred_on, recorded_at, proposal_id, reverses_id,
            redemption_id, rule_id, category, note)
        SELECT d.household_id, NULL, d.region_id, d.region_path, d.grid_id, 'award', r.points,
               d.day, datetime(d.day, '+35 days'), NULL, NULL, NULL, r.id, r.category,
               '历史积分'
        FROM draws d JOIN items i ON i.item = d.item
        JOIN rules r ON r.region_id = d.region_id AND r.code = i.code
    """,
}
BALANCES_SQL = {
    "postgresql": """
        UPDATE points_householdpoints p SET balance = s.total
        FROM (SELECT household_id, SUM(points) AS total FROM points_pointentry
              GROUP BY household_id) s
        WHERE s.household_id = p.household_id
    """,
    "sqlite": """
        UPDATE points_householdpoints SET balance = (
            SELECT COALESCE(SUM(points), 0) FROM points_pointentry
            WHERE household_id = points_householdpoints.household_id)
    """,
}
CHECK_SQL = """
SELECT COUNT(*), SUM(CASE WHEN p.balance < 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN p.balance <> COALESCE(s.total, 0) THEN 1 ELSE 0 END)
FROM points_householdpoints p
LEFT JOIN (SELECT household_id, SUM(points) AS total FROM points_pointentry
           GROUP BY household_id) s ON s.household_id = p.household_id
"""
BARE_TALLY_SQL = """
SELECT substr(region_path, 1, %(prefix)s), SUM(points), COUNT(*)
FROM points_pointentry
WHERE region_path >= %(low)s AND region_path < %(high)s
  AND occurred_on >= %(start)s AND occurred_on <= %(end)s AND kind IN ('award', 'reversal')
GROUP BY 1
"""
BARE_SUMS_SQL = """
SELECT household_id, SUM(points) FROM points_pointentry
WHERE region_path >= %(low)s AND region_path < %(high)s
  AND occurred_on >= %(start)s AND occurred_on <= %(end)s AND kind IN ('award', 'reversal')
GROUP BY household_id
"""


def add_history(connection) -> dict:
    """Five years of awards before the demo's quarters, then every balance its ledger sum."""
    from django.utils import timezone

    from points.domain.spans import Span, period_of

    first_demo = period_of(timezone.localdate(), Span.QUARTER).previous().start
    first = date(first_demo.year - HISTORY_YEARS, first_demo.month, 1)
    days = (first_demo - first).days
    vendor = connection.vendor
    if vendor == "postgresql":
        items = "ARRAY[" + ",".join(f"'{c}'" for c in HISTORY_ITEMS) + "]"
    else:
        items = " UNION ALL ".join(f"SELECT {n}, '{c}'" for n, c in enumerate(HISTORY_ITEMS))
    sql = HISTORY_SQL[vendor] % {
        "per": HISTORY_PER_HOUSEHOLD,
        "items": items,
        "n_items": len(HISTORY_ITEMS),
        "first": f"'{first.isoformat()}'",
        "days": days,
    }
    started = time.monotonic()
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT setseed(0.42)")
        cursor.execute(sql)
        inserted = cursor.rowcount
        cursor.execute(BALANCES_SQL[vendor])
        if vendor == "postgresql":
            cursor.execute("ANALYZE points_pointentry")
            cursor.execute("ANALYZE points_householdpoints")
        else:
            cursor.execute("ANALYZE")
    return {"history_rows": inserted, "history_seconds": round(time.monotonic() - started, 1)}


def load(database: str) -> dict:
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("load_demo")
    figures = {"load_demo_seconds": round(time.monotonic() - started, 1)}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    figures.update(add_history(connection))
    return figures


def timing(name: str, run, bare, runs: int, warmup: int) -> dict:
    times = measure(run, runs, warmup)
    bare_times = measure(bare, runs, warmup)
    return {
        "case": name,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(p95(times), 2),
        "bare_median_ms": round(statistics.median(bare_times), 2),
        "bare_p95_ms": round(p95(bare_times), 2),
        "ratio": round(statistics.median(times) / statistics.median(bare_times), 2),
    }


def queries(runs: int, warmup: int) -> list[dict]:
    from django.db import connection

    from core.paths import SEGMENT, successor
    from orgs.models import Household, Region
    from points.domain import ledger, rankings, tallies
    from points.domain.spans import Span, current

    county = Region.objects.get(code="150525000000")
    # The last quarter of the history: every household scored, ~300,000 rows in it.
    quarter = current(Span.QUARTER).previous().previous()
    params = {
        "prefix": len(county.path) + SEGMENT,
        "low": county.path,
        "high": successor(county.path),
        "start": quarter.start,
        "end": quarter.end,
    }

    def bare(sql):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return run

    ids = list(Household.objects.values_list("pk", flat=True))
    rng = random.Random(7)
    sample = [Household.objects.get(pk=pk) for pk in rng.sample(ids, 200)]
    picks = iter(sample * (runs + warmup + 10))

    def one_household():
        household = next(picks)
        return ledger.balance(household), rankings.household_rank(household, quarter)

    def one_balance():
        return ledger.balance(next(picks))

    rows = rankings.ranking(county, quarter)
    print(f"county quarter {quarter.key}: {len(rows)} ranked households")
    return [
        timing("a. quarterly review tally, county", lambda: tallies.tally(county, quarter),
               bare(BARE_TALLY_SQL), runs, warmup),
        timing("b. rankings, whole county", lambda: rankings.ranking(county, quarter),
               bare(BARE_SUMS_SQL), max(runs // 5, 5), 1),
        timing("b. rankings, county, first page",
               lambda: rankings.ranking(county, quarter, limit=50), bare(BARE_SUMS_SQL), runs,
               warmup),
        timing("c. household balance and rank", one_household, one_balance, runs * 4, warmup),
    ]  # fmt: skip


def redemptions(threads: int, each: int) -> dict:
    """Concurrent redemptions for overlapping households of one village, then the checks."""
    from django.db import connection, connections
    from django.db.models import Count

    from accounts.models import User
    from points.domain import ledger, store
    from points.domain.errors import PointsRefused
    from points.domain.spans import Span, current
    from points.models import Goods, HouseholdPoints, PointEntry, Store

    quarter = current(Span.QUARTER)
    eligible = (
        PointEntry.objects.filter(
            kind__in=["award", "reversal"], occurred_on__range=(quarter.start, quarter.end)
        )
        .values("household_id", "region_id")
        .annotate(n=Count("id"))
    )
    from django.db.models import Sum

    by_village: dict[int, list[int]] = {}
    for row in eligible.annotate(total=Sum("points")).filter(total__gte=80):
        by_village.setdefault(row["region_id"], []).append(row["household_id"])
    village_id, households = max(by_village.items(), key=lambda item: len(item[1]))
    balances = dict(HouseholdPoints.objects.filter(pk__in=households).values_list("pk", "balance"))
    households = sorted(households, key=lambda pk: (balances[pk], pk))[:20]
    shop = Store.objects.get(region_id=village_id)
    clerk = User.objects.get(username="demo-clerk")
    cheapest = Goods.objects.filter(store=shop).order_by("price").first()
    # Each redemption takes about a quarter of the poorest household's balance, so that
    # the balances run out while threads are still redeeming for the same households.
    unit = store.points_for(shop, cheapest.price)
    quantity = max(1, min(balances[pk] for pk in households) // (4 * unit))
    start_stock = threads * each * quantity
    Goods.objects.filter(pk=cheapest.pk).update(stock=start_stock)
    done, refused, errors = [0], [0], []
    lock = threading.Lock()

    def work(number: int):
        from orgs.models import Household

        rng = random.Random(number)
        try:
            for _ in range(each):
                household = Household.objects.get(pk=rng.choice(households))
                try:
                    store.redeem(clerk, shop, household, [(cheapest.pk, quantity)])
                    with lock:
                        done[0] += 1
                except PointsRefused:
                    with lock:
                        refused[0] += 1
        except Exception as error:
            errors.append(repr(error))
        finally:
            connections.close_all()

    started = time.monotonic()
    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute(CHECK_SQL)
        total, negative, unequal = cursor.fetchone()
    stock = Goods.objects.get(pk=cheapest.pk).stock
    return {
        "threads": threads,
        "households": len(households),
        "redeemed": done[0],
        "refused": refused[0],
        "errors": errors[:3],
        "seconds": round(seconds, 2),
        "per_second": round(done[0] / seconds, 1),
        "balances_checked": total,
        "negative_balances": negative or 0,
        "balances_unequal_to_ledger": unequal or 0,
        "stock_left": stock,
        "quantity_per_redemption": quantity,
        "points_per_redemption": unit * quantity,
        "stock_consistent": stock == start_stock - done[0] * quantity and stock >= 0,
        "lowest_balance": HouseholdPoints.objects.filter(pk__in=households)
        .order_by("balance")
        .values_list("balance", flat=True)
        .first(),
        "ledger_sums_equal": all(ledger.balance(h) == ledger.ledger_sum(h) for h in households),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", action="store_true", help="recreate the database and load it")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--sqlite", help="measure a SQLite county demo file instead")
    parser.add_argument("--fill", action="store_true", help="add the history to --sqlite FILE")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--redemptions", type=int, default=50, help="per thread")
    args = parser.parse_args()
    if args.database == "lingyan_bench":
        raise SystemExit("lingyan_bench belongs to the tree benchmark: use another database")

    if args.sqlite:
        os.environ["DJANGO_SETTINGS_MODULE"] = "lingyan.settings"
        os.environ.pop("DATABASE_URL", None)
        os.environ["LINGYAN_SQLITE_PATH"] = args.sqlite
        os.environ["LINGYAN_DEBUG"] = "0"
        os.environ.setdefault("LINGYAN_SECRET_KEY", "lingyan-bench-only-" + "b" * 40)
    else:
        prepare_environment(args.database)
        created = ensure_database(args.database, fresh=args.load)
    import django

    django.setup()
    from django.db import connection

    OUT.mkdir(parents=True, exist_ok=True)
    report: dict = {"database": "sqlite" if args.sqlite else args.database}
    if args.sqlite and args.fill:
        report["fill"] = add_history(connection)
        print(report["fill"])
    elif args.load:
        report["load"] = load(args.database)
        print(report["load"])
    elif not args.sqlite and created:
        raise SystemExit(f"{args.database} was empty: run with --load first")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM points_pointentry")
        report["ledger_rows"] = cursor.fetchone()[0]
    print(f"ledger rows: {report['ledger_rows']:,}")
    report["queries"] = queries(args.runs, args.warmup)
    print("| case | median ms | p95 ms | bare SQL median | bare p95 | ÷ bare |")
    print("|---|---:|---:|---:|---:|---:|")
    for t in report["queries"]:
        print(
            f"| {t['case']} | {t['median_ms']} | {t['p95_ms']} | {t['bare_median_ms']} "
            f"| {t['bare_p95_ms']} | {t['ratio']} |"
        )
    if not args.sqlite and args.threads:
        report["redemptions"] = redemptions(args.threads, args.redemptions)
        print(json.dumps(report["redemptions"], ensure_ascii=False, indent=1))
    name = "points_sqlite.json" if args.sqlite else "points.json"
    (OUT / name).write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
