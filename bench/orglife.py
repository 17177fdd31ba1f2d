"""Benchmark: organizational life — the monthly sweep and the command-centre rollup.

Issue 3's targets: at province scale on PostgreSQL (~52,000 organizations, two years of
records) the sweep for one month under 10 s and ``orglife.domain.compliance.rollup`` for the
province root and for one county, current year, under 200 ms (median and p95), with the
ratio to the bare SQL aggregate; at county scale on SQLite the sweep under 1 s and the rollup
under 50 ms.

a. the sweep for a new month: the two steps of ``orglife.domain.sweeps.run_sweep(now)``,
   timed apart, with ``now`` just after the on-time window of the load month closed —
   ``generate_due`` creates the next month's due reports and ``sweep`` raises the load
   month's warnings and their notices.
   Each run is inside a transaction rolled back after timing, so every run does the same
   work on the same data; 1 warm-up run, then ``--sweeps`` measured runs.
b. ``rollup(region, January, December)`` of the load year for the province root and for one
   county, against two hand-written statements on the same connection: the bare aggregate
   over ``DueReport`` (what the tallies avoid) and the same grouping over
   ``ComplianceTally``.

    uv run python bench/orglife.py --load           # add the orglife data to lingyan_bench
    uv run python bench/orglife.py                  # measure on lingyan_bench (PostgreSQL)
    uv run python bench/orglife.py --no-sweep       # the rollups only
    uv run python bench/orglife.py --sqlite FILE    # measure a county demo on SQLite

``--load`` expects the province of ``bench/tree_counts.py --load`` in ``lingyan_bench``
(migrated); it deletes any organizational-life rows there and runs ``demo.orglife``'s load
(the same code ``load_demo --scale province`` runs) as of today. See docs/benchmarks.md.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.tree_counts import (  # noqa: E402
    DEFAULT_DATABASE,
    OUT,
    ensure_database,
    measure,
    p95,
    prepare_environment,
)

DUE_SQL = """
SELECT substr(region_path, 1, %(prefix)s) AS child, month, COUNT(*),
       COUNT(reported_at), SUM(CASE WHEN on_time THEN 1 ELSE 0 END)
FROM orglife_duereport
WHERE region_path >= %(low)s AND region_path < %(high)s
  AND month >= %(first)s AND month <= %(last)s
GROUP BY 1, 2
"""
# The rows ``rollup`` reads — summary rows (per county) above county level, own rows (per
# organizations' region) at and below it — and the months listed, as ``rollup`` lists them
# (one index range per month).
TALLY_SQL = """
SELECT substr(region_path, 1, %(prefix)s) AS child, month, SUM(due), SUM(reported),
       SUM(on_time)
FROM orglife_compliancetally
WHERE summary = %(summary)s AND region_path >= %(low)s AND region_path < %(high)s
  AND month IN ({months})
GROUP BY 1, 2
""".format(months=", ".join(f"%(m{n})s" for n in range(12)))


def load(as_of: date | None = None) -> dict:
    """Replace the organizational-life rows of the loaded province by a fresh demo load, as
    of ``as_of`` (default: today)."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from demo.loader import ORGLIFE_YEARS_PROVINCE
    from demo.orglife import TABLES, load_orglife
    from demo.writers import writer_for

    call_command("migrate", verbosity=0)
    tables = [
        "notifications_notification", "orglife_warningevent", "orglife_warning",
        "orglife_compliancetally", "orglife_duereport", "orglife_attendance",
        "orglife_recordphoto", "orglife_recordtype", "orglife_activityrecord",
        "orglife_exemption", "orglife_requirement", "orglife_settings",
    ]  # fmt: skip
    started = time.monotonic()
    writer = writer_for(connection)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(tables))
        report = load_orglife(
            writer,
            seed=1,
            as_of=as_of or timezone.localdate(),
            years=ORGLIFE_YEARS_PROVINCE,
            attendance_counties=1,
            progress=print,
        )
    writer.analyze(TABLES, vacuum=True)
    seconds = time.monotonic() - started
    for table, count in report.rows.items():
        print(f"  {table}: {count:,}")
    print("  " + ", ".join(f"{p} {s:.1f} s" for p, s in report.phases.items()))
    return {"load_seconds": round(seconds, 1), "rows": dict(report.rows), **report.phases}


def load_day() -> date:
    from django.db.models import Max

    from orglife.models import Requirement

    day = Requirement.objects.aggregate(day=Max("generated_through"))["day"]
    if day is None:
        raise SystemExit("no organizational-life data: load it first")
    return day


def sweep_case(runs: int) -> dict:
    """``run_sweep`` for the month after the load day, rolled back after each run."""
    from django.db import connection, transaction

    from core.periods import deadline, local_date
    from orglife.domain.compliance import generate_due
    from orglife.domain.periods import period_containing
    from orglife.domain.requirements import settings_for
    from orglife.domain.warnings import sweep

    day = load_day()
    month = period_containing(day, "monthly")
    on_time_days = settings_for("").on_time_days
    now = deadline(month.end, on_time_days) + timedelta(minutes=5)
    figures: list[dict] = []
    for _ in range(runs + 1):
        with transaction.atomic():
            started = time.perf_counter()
            due = generate_due(local_date(now))
            generated = time.perf_counter()
            result = sweep(now)
            swept = time.perf_counter()
            # What the commit would check: the deferred foreign keys of every row written.
            # (SQLite looks them up as each row is written, inside the statements timed.)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            finished = time.perf_counter()
            transaction.set_rollback(True)
        figures.append(
            {
                "total_ms": (finished - started) * 1000,
                "generate_due_ms": (generated - started) * 1000,
                "sweep_ms": (swept - generated) * 1000,
                "constraint_checks_ms": (finished - swept) * 1000,
                "due_created": due,
                "warnings": result.warnings,
                "notifications": result.notifications,
            }
        )
    measured = figures[1:]  # the first run warms the caches
    totals = [f["total_ms"] for f in measured]
    return {
        "now": now.isoformat(),
        "runs": runs,
        "median_ms": statistics.median(totals),
        "max_ms": max(totals),
        "generate_due_median_ms": statistics.median(f["generate_due_ms"] for f in measured),
        "sweep_median_ms": statistics.median(f["sweep_ms"] for f in measured),
        "constraint_checks_median_ms": statistics.median(
            f["constraint_checks_ms"] for f in measured
        ),
        "due_created": measured[0]["due_created"],
        "warnings": measured[0]["warnings"],
        "notifications": measured[0]["notifications"],
    }


def rollup_cases(regions: list) -> dict[str, tuple[Callable, Callable, Callable, list[str]]]:
    from django.db import connection

    from core.paths import SEGMENT, successor
    from orglife.domain.compliance import rollup
    from orgs.models import LEVEL_ORDER

    year = load_day().year
    first, last = date(year, 1, 1), date(year, 12, 1)
    cursor = connection.cursor()

    def raw(statement: str, params: dict) -> Callable[[], object]:
        def run() -> object:
            cursor.execute(statement, params)
            return cursor.fetchall()

        return run

    cases = {}
    for region in regions:
        params = {
            "prefix": len(region.path) + SEGMENT,
            "low": region.path,
            "high": successor(region.path),
            "first": connection.ops.adapt_datefield_value(first),
            "last": connection.ops.adapt_datefield_value(last),
            "summary": LEVEL_ORDER.index(region.level) < LEVEL_ORDER.index("county"),
        }
        for n in range(12):
            params[f"m{n}"] = connection.ops.adapt_datefield_value(date(year, n + 1, 1))
        literals = {k: f"'{v}'" if isinstance(v, date) else repr(v) for k, v in params.items()}
        children = region.children.count()
        name = f"rollup({region.name}: {children} children, {year})"
        cases[name] = (
            lambda region=region: rollup(region, first, last),
            raw(DUE_SQL, params),
            raw(TALLY_SQL, params),
            [statement % literals for statement in (DUE_SQL, TALLY_SQL)],
        )
    return cases


def explain(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement.replace("%%", "%"))
            print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")


def sizes() -> dict[str, int]:
    from orglife.models import (
        ActivityRecord,
        Attendance,
        ComplianceTally,
        DueReport,
        RecordType,
        Warning,
    )
    from orgs.models import Organization

    return {
        "organizations": Organization.objects.count(),
        "records": ActivityRecord.objects.count(),
        "record types": RecordType.objects.count(),
        "attendance": Attendance.objects.count(),
        "due reports": DueReport.objects.count(),
        "tallies": ComplianceTally.objects.count(),
        "warnings": Warning.objects.count(),
        "open warnings": Warning.objects.exclude(status="closed").count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", action="store_true", help="(re)load the orglife data")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        help="with --load: load as of this day (the figures in docs/benchmarks.md: 2026-11-23)",
    )
    parser.add_argument("--sqlite", metavar="FILE", help="measure this SQLite county demo")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--sweeps", type=int, default=5, help="measured sweep runs")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    parser.add_argument(
        "--no-sweep",
        action="store_true",
        help="measure the rollups only (results in orglife-SCALE-rollup.json)",
    )
    args = parser.parse_args()

    if args.sqlite:
        sys.path.insert(0, str(ROOT))
        os.environ["DJANGO_SETTINGS_MODULE"] = "lingyan.settings"
        os.environ.pop("DATABASE_URL", None)
        os.environ["LINGYAN_SQLITE_PATH"] = args.sqlite
        os.environ["LINGYAN_DEBUG"] = "0"
        os.environ.setdefault("LINGYAN_SECRET_KEY", "lingyan-bench-only-" + "b" * 40)
    else:
        prepare_environment(args.database)
        if ensure_database(args.database, fresh=False):
            raise SystemExit(f"{args.database} was missing: run bench/tree_counts.py --load")
    import django

    django.setup()
    from demo.generator import PROVINCE_CODE
    from orgs.models import Region

    OUT.mkdir(parents=True, exist_ok=True)
    scale = "county-sqlite" if args.sqlite else "province"
    results: dict = {"scale": scale, "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if args.load:
        if args.sqlite:
            raise SystemExit("on SQLite, load with manage.py load_demo")
        results["load"] = load(args.as_of)
    results["sizes"] = sizes()
    print(json.dumps(results["sizes"], ensure_ascii=False))

    regions = [Region.objects.get(code="150525000000")]
    if not args.sqlite:
        regions.insert(0, Region.objects.get(code=PROVINCE_CODE))
    timings = []
    for name, (orm, due_raw, tally_raw, statements) in rollup_cases(regions).items():
        orm_times = measure(orm, args.runs, args.warmup)
        due_times = measure(due_raw, args.runs, args.warmup)
        tally_times = measure(tally_raw, args.runs, args.warmup)
        timings.append(
            {
                "case": name,
                "rollup_median": statistics.median(orm_times),
                "rollup_p95": p95(orm_times),
                "due_sql_median": statistics.median(due_times),
                "due_sql_p95": p95(due_times),
                "tally_sql_median": statistics.median(tally_times),
                "tally_sql_p95": p95(tally_times),
            }
        )
        if args.explain:
            explain(statements)
    results["rollup"] = timings
    if not args.no_sweep:
        results["sweep"] = sweep_case(args.sweeps)

    print(f"rollup: {args.runs} runs after {args.warmup} warm-up runs, milliseconds")
    print(
        "| case | rollup median | rollup p95 | DueReport SQL median | p95 | rollup ÷ DueReport "
        "SQL | tally SQL median | p95 | rollup ÷ tally SQL |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in timings:
        print(
            f"| {t['case']} | {t['rollup_median']:.2f} | {t['rollup_p95']:.2f} "
            f"| {t['due_sql_median']:.2f} | {t['due_sql_p95']:.2f} "
            f"| {t['rollup_median'] / t['due_sql_median']:.3f} "
            f"| {t['tally_sql_median']:.2f} | {t['tally_sql_p95']:.2f} "
            f"| {t['rollup_median'] / t['tally_sql_median']:.2f} |"
        )
    if args.no_sweep:
        out = OUT / f"orglife-{scale}-rollup.json"
    else:
        out = OUT / f"orglife-{scale}.json"
        s = results["sweep"]
        print(
            f"sweep as of {s['now']}: {s['runs']} runs, median {s['median_ms']:.0f} ms, "
            f"max {s['max_ms']:.0f} ms (generate_due {s['generate_due_median_ms']:.0f} ms, "
            f"sweep {s['sweep_median_ms']:.0f} ms, deferred key checks "
            f"{s['constraint_checks_median_ms']:.0f} ms); {s['due_created']:,} due reports, "
            f"{s['warnings']:,} warnings, {s['notifications']:,} notifications"
        )
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
