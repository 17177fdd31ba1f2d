"""Due reports, their satisfaction by records, the per-region tallies and the rollups.

Everything here is set-based: due reports are generated with one ``INSERT … SELECT`` per
requirement and period, tallies move by increments (which commute, so a sweep and an upload
running at once never lose each other's counts), and rollups sum tally rows over a path
range. ``rebuild_tallies`` recomputes the tallies from the due reports; the tests check that
it changes nothing."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Substr

from core.paths import SEGMENT, ancestor_paths, common_path, subtree_q
from core.periods import Period, deadline, month_of
from orglife.domain.periods import periods_between, running_periods
from orglife.domain.requirements import settings_for
from orglife.models import ComplianceTally, DueReport, RecordType, Requirement
from orgs.models import LEVEL_ORDER, Region


def _sql_value(value):
    """Dates and datetimes as the backend stores them (raw SQL bypasses the ORM's adapters)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _summary_regions(regions: dict[str, int]) -> dict[str, tuple[int, str]]:
    """For each organization region (``{path: id}``), the region whose summary tally counts
    it (see ``ComplianceTally``): the county at or above it, or the region itself when no
    county contains it (the organizations of a province or prefecture). One query: the
    counties above the regions' common ancestor and below it."""
    if not regions:
        return {}
    root = common_path(regions)
    counties = dict(
        Region.objects.filter(level=Region.Level.COUNTY)
        .filter(Q(path__in=ancestor_paths(root)) | subtree_q("path", root))
        .order_by()
        .values_list("path", "id")
    )
    summary = {}
    for path, region_id in regions.items():
        county = next((p for p in reversed(ancestor_paths(path)) if p in counties), None)
        summary[path] = (counties[county], county) if county else (region_id, path)
    return summary


def add_to_tallies(deltas: Counter) -> None:
    """``deltas[(region_id, region_path, month, figure)] = n`` added to the tallies — the
    region's own row and its summary row —, creating rows as needed; increments only, so
    concurrent writers compose."""
    deltas = Counter({key: n for key, n in deltas.items() if n})
    summary = _summary_regions({path: region_id for region_id, path, _, _ in deltas})
    rows: dict[tuple[bool, int, date, str], dict[str, int]] = {}
    for (region_id, region_path, month, figure), n in deltas.items():
        for key in (
            (False, region_id, month, region_path),
            (True, summary[region_path][0], month, summary[region_path][1]),
        ):
            rows.setdefault(key, {"due": 0, "reported": 0, "on_time": 0})[figure] += n
    if not rows:
        return
    table = ComplianceTally._meta.db_table
    # Own rows first, then the summary rows (shared by every organization of a county), each
    # in key order: writers lock the rows they share in one order.
    values = [
        (region_id, path, _sql_value(month), is_summary, f["due"], f["reported"], f["on_time"])
        for (is_summary, region_id, month, path), f in sorted(rows.items())
    ]
    # One multi-row statement per 500 rows, not one statement per row: a due-report batch
    # touches hundreds of regions, and a statement each made generate_due's tally upkeep
    # take most of a province sweep. The keys are distinct, so no row is hit twice.
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        sql = (
            f"INSERT INTO {table} "
            "(region_id, region_path, month, summary, due, reported, on_time) "
            "VALUES " + ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk)) + " "
            "ON CONFLICT (region_id, month, summary) DO UPDATE SET "
            f"due = {table}.due + excluded.due, reported = {table}.reported + excluded.reported, "
            f"on_time = {table}.on_time + excluded.on_time"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for row in chunk for value in row])


def without_jit() -> None:
    """Switch PostgreSQL's JIT compiler off for the current transaction: it costs 0.1–0.6 s
    per sweep statement (planned as large because they span a province) and saves nothing
    on statements that read index ranges."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def generate_due(today: date, region: Region | None = None) -> int:
    """Create the due reports of every active requirement (under ``region`` when given) for
    each period from its ``since`` up to the one containing ``today``. Idempotent — the
    unique constraint skips rows that exist — and cheap to repeat: a requirement resumes from
    the period containing ``generated_through``, so a run retries only the latest period
    (picking up organizations founded since) and catches up on any runs that were missed.
    Requirements that differ only in their county are generated together: one statement per
    activity type, organization kind, frequency, on-time window and period, whatever the
    number of counties. Returns the number of rows created."""
    requirements = list(Requirement.objects.filter(active=True))
    if region is not None:
        requirements = [
            r
            for r in requirements
            if r.region_path in ancestor_paths(region.path) or r.region_path.startswith(region.path)
        ]
    windows: dict[str, int] = {}
    batches: dict[tuple, list[Requirement]] = defaultdict(list)
    for requirement in requirements:
        if requirement.region_path not in windows:
            windows[requirement.region_path] = settings_for(requirement.region_path).on_time_days
        first = max(requirement.since, requirement.generated_through or requirement.since)
        for period in periods_between(first, today, requirement.frequency):
            key = (
                requirement.activity_type_id,
                requirement.organization_kind,
                windows[requirement.region_path],
                len(requirement.region_path),
                period,
            )
            batches[key].append(requirement)
    created = 0
    # The tallies move once for the whole run (one upsert per region and month), in the same
    # transaction as the due reports they count.
    deltas: Counter = Counter()
    with transaction.atomic():
        without_jit()
        for (type_id, kind, on_time_days, _, period), batch in sorted(batches.items()):
            created += _insert_due(type_id, kind, batch, period, on_time_days, deltas)
        Requirement.objects.filter(pk__in=[r.pk for r in requirements]).update(
            generated_through=today
        )
        add_to_tallies(deltas)
    return created


def _insert_due(
    activity_type_id: int,
    organization_kind: str,
    requirements: list[Requirement],
    period: Period,
    on_time_days: int,
    deltas: Counter,
) -> int:
    """One period's due reports for the organizations of one kind under any of
    ``requirements`` (the same activity type in several counties). A record that arrived
    before its due report existed (uploaded early in a period, or while the sweep was not
    running) counts at once: the first received record of the type in the period reports
    it, as in ``refresh_due``."""
    due_table = DueReport._meta.db_table
    due_by = _sql_value(deadline(period.end, on_time_days))
    frequency = requirements[0].frequency
    paths = sorted({r.region_path for r in requirements})
    marks = ", ".join(["%s"] * len(paths))
    first_record = (
        "(SELECT rt.record_id FROM orglife_recordtype rt "
        "JOIN orglife_activityrecord r ON r.id = rt.record_id "
        "WHERE rt.organization_id = o.id AND rt.activity_type_id = %s "
        "AND rt.held_on >= %s AND rt.held_on <= %s "
        "ORDER BY r.received_at, r.id LIMIT 1)"
    )
    sql = (
        f"INSERT INTO {due_table} (organization_id, activity_type_id, frequency, period_start, "
        "period_end, month, deadline, region_id, region_path, org_path, record_id, "
        "reported_at, on_time) "
        "SELECT s.id, %s, %s, %s, %s, %s, %s, s.region_id, s.region_path, s.path, s.record_id, "
        "r.received_at, CASE WHEN r.received_at < %s THEN TRUE ELSE FALSE END "
        "FROM (SELECT o.id, o.region_id, o.region_path, o.path, "
        f"{first_record} AS record_id "
        # The requirements of a batch sit at one depth, so "the organization is in one of
        # their subtrees" is its path prefix in a list, which PostgreSQL hashes; a join with
        # the requirements made it compare every organization with every requirement.
        f"FROM orgs_organization o WHERE substr(o.region_path, 1, %s) IN ({marks}) "
        "AND o.kind = %s "
        "AND (o.founded_on IS NULL OR o.founded_on <= %s) "
        "AND (o.closed_on IS NULL OR o.closed_on >= %s) "
        "AND NOT EXISTS (SELECT 1 FROM orglife_exemption e "
        "WHERE e.organization_id = o.id AND e.activity_type_id = %s) "
        # Rows that exist are skipped here, before their first record is looked up; the
        # ON CONFLICT below still guards against a concurrent run inserting the same row.
        # A correlated probe of the unique key, not NOT EXISTS: the planner would turn that
        # into an anti-join planned from statistics that know nothing of the rows this run
        # inserted moments ago (the branches' period, before the general branches'), and
        # compare every pair — 52 million comparisons, 8 s, in one province sweep.
        f"AND (SELECT 1 FROM {due_table} x WHERE x.activity_type_id = %s "
        "AND x.period_start = %s AND x.organization_id = o.id LIMIT 1) IS NULL) s "
        "LEFT JOIN orglife_activityrecord r ON r.id = s.record_id "
        "WHERE TRUE "  # SQLite: an INSERT … SELECT … JOIN needs a WHERE before ON CONFLICT
        # In key order: the new rows fill the indexes' pages one after the other.
        "ORDER BY s.id "
        "ON CONFLICT (activity_type_id, period_start, organization_id) DO NOTHING "
        "RETURNING region_id, region_path, record_id, on_time"
    )
    params = [
        activity_type_id,
        frequency,
        _sql_value(period.start),
        _sql_value(period.end),
        _sql_value(month_of(period.end)),
        due_by,
        due_by,
        activity_type_id,
        _sql_value(period.start),
        _sql_value(period.end),
        len(requirements[0].region_path),
        *paths,
        organization_kind,
        _sql_value(period.start),
        _sql_value(period.end),
        activity_type_id,
        activity_type_id,
        _sql_value(period.start),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = cursor.fetchall()
    month = month_of(period.end)
    for region_id, path, record_id, on_time in inserted:
        deltas[(region_id, path, month, "due")] += 1
        deltas[(region_id, path, month, "reported")] += record_id is not None
        deltas[(region_id, path, month, "on_time")] += bool(on_time)
    return len(inserted)


def _running_on(day: date) -> Q:
    """The due reports whose period contains ``day``, written so that the lookup is a few
    probes of the (activity type, period start, organization) key: the period starts on the
    first day of the month, the quarter or the year containing ``day``."""
    return Q(
        period_start__in=sorted({p.start for p in running_periods(day)}),
        period_start__lte=day,
        period_end__gte=day,
    )


def lock_due(organization_id: int, activity_type_ids: list[int], day: date) -> None:
    """Lock the due reports a record held on ``day`` will satisfy, before the record is
    stamped with its receipt time. A sweep that claimed one first has committed by then, so
    the record's time is after the sweep's and it is rightly late; a sweep that comes later
    waits for the record and finds the report done. Either way a record received before the
    deadline never leaves a warning behind."""
    list(
        DueReport.objects.select_for_update()
        .filter(organization_id=organization_id, activity_type_id__in=activity_type_ids)
        .filter(_running_on(day))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def refresh_dues(organization_id: int, keys: list[tuple[int, date]]) -> None:
    """``refresh_due`` for several (activity type, day) pairs of one organization, in the
    order of the months their periods end in: every writer then takes the tally rows (its
    village's and its county's summary row) in the same order, so two uploads in one county
    wait for each other instead of deadlocking."""
    running = Q(pk__in=[])
    for _, day in keys:
        running |= _running_on(day)
    months = (
        dict(
            DueReport.objects.filter(
                organization_id=organization_id,
                activity_type_id__in=[type_id for type_id, _ in keys],
            )
            .filter(running)
            .values_list("activity_type_id", "month")
        )
        if keys
        else {}
    )
    for type_id, day in sorted(keys, key=lambda k: (months.get(k[0], k[1]), k[0], k[1])):
        refresh_due(organization_id, type_id, day)


def refresh_due(organization_id: int, activity_type_id: int, day: date) -> None:
    """Make the due report of the period containing ``day`` agree with the records: reported
    by the earliest received record of that type in the period, on time if before the
    deadline. Moves the tally by the difference. Call inside the record's transaction."""
    due = (
        DueReport.objects.select_for_update()
        .filter(organization_id=organization_id, activity_type_id=activity_type_id)
        .filter(_running_on(day))
        .first()
    )
    if due is None:
        return
    first = (
        RecordType.objects.filter(
            organization_id=organization_id,
            activity_type_id=activity_type_id,
            held_on__gte=due.period_start,
            held_on__lte=due.period_end,
        )
        .select_related("record")
        .order_by("record__received_at", "record_id")
        .first()
    )
    reported_at = first.record.received_at if first else None
    on_time = bool(reported_at and reported_at < due.deadline)
    record_id = first.record_id if first else None
    if (due.reported_at, due.on_time, due.record_id) == (reported_at, on_time, record_id):
        return
    deltas: Counter[tuple] = Counter()
    key = (due.region_id, due.region_path, due.month)
    deltas[(*key, "reported")] = (reported_at is not None) - (due.reported_at is not None)
    deltas[(*key, "on_time")] = int(on_time) - int(due.on_time)
    DueReport.objects.filter(pk=due.pk).update(
        reported_at=reported_at, on_time=on_time, record_id=record_id
    )
    add_to_tallies(deltas)


@transaction.atomic
def rebuild_tallies() -> None:
    """Recompute every tally, own and summary rows, from the due reports (repair, and the
    tests' invariant)."""
    ComplianceTally.objects.all().delete()
    own = list(
        DueReport.objects.values_list("region_id", "region_path", "month")
        .annotate(
            due=Sum(1),
            reported=Sum(1, filter=Q(reported_at__isnull=False)),
            on_time=Sum(1, filter=Q(on_time=True)),
        )
        .order_by()
    )
    summary_of = _summary_regions({path: region_id for region_id, path, *_ in own})
    summary: dict[tuple[int, str, date], list[int]] = {}
    for _, path, month, due, reported, on_time in own:
        figures = summary.setdefault((*summary_of[path], month), [0, 0, 0])
        figures[0] += due
        figures[1] += reported or 0
        figures[2] += on_time or 0
    rows: list[tuple] = [
        (region_id, path, month, False, d, r or 0, o or 0)
        for region_id, path, month, d, r, o in own
    ]
    rows += [(*key, True, *figures) for key, figures in summary.items()]
    for start in range(0, len(rows), 10_000):
        ComplianceTally.objects.bulk_create(
            ComplianceTally(
                region_id=region_id,
                region_path=path,
                month=month,
                summary=is_summary,
                due=due,
                reported=reported,
                on_time=on_time,
            )
            for region_id, path, month, is_summary, due, reported, on_time in rows[
                start : start + 10_000
            ]
        )


@dataclass
class Figures:
    due: int = 0
    reported: int = 0
    on_time: int = 0

    def add(self, due: int, reported: int, on_time: int) -> None:
        self.due += due or 0
        self.reported += reported or 0
        self.on_time += on_time or 0

    @property
    def completeness(self) -> float | None:
        return min(self.reported / self.due, 1.0) if self.due else None

    @property
    def timeliness(self) -> float | None:
        return min(self.on_time / self.due, 1.0) if self.due else None


@dataclass
class NodeCompliance:
    region: Region
    total: Figures = field(default_factory=Figures)
    by_month: dict[date, Figures] = field(default_factory=dict)


def rollup(
    region: Region, first_month: date, last_month: date
) -> tuple[NodeCompliance, list[NodeCompliance]]:
    """Completeness and timeliness for ``region`` and each child, in total and by month,
    for the periods ending in ``first_month``..``last_month``: one grouped query over the
    tallies of the subtree — the summary rows (one per county and month) above county
    level, the own rows (one per organizations' region and month) at and below it."""
    children = list(Region.objects.filter(parent=region).order_by("path"))
    nodes = {child.path: NodeCompliance(child) for child in children}
    total = NodeCompliance(region)
    prefix = len(region.path) + SEGMENT
    above_county = LEVEL_ORDER.index(region.level) < LEVEL_ORDER.index(Region.Level.COUNTY)
    rows = (
        # The months listed, not a range: with the (summary, month, region_path) index a
        # rollup is then one index range per month instead of a scan of every region's rows.
        # ``summary__in``, not ``summary=``: Django writes the latter ``NOT summary``, which
        # SQLite does not match to the index (it scanned every tally row).
        ComplianceTally.objects.filter(
            subtree_q("region_path", region.path),
            summary__in=[above_county],
            month__in=[
                period.start
                for period in periods_between(first_month, last_month, "monthly")
                if first_month <= period.start <= last_month
            ],
        )
        .annotate(child=Substr("region_path", 1, prefix))
        .values("child", "month")
        .annotate(due=Sum("due"), reported=Sum("reported"), on_time=Sum("on_time"))
        .order_by()
    )
    for row in rows:
        figures = (row["due"], row["reported"], row["on_time"])
        total.total.add(*figures)
        total.by_month.setdefault(row["month"], Figures()).add(*figures)
        node = nodes.get(row["child"])
        if node is not None:
            node.total.add(*figures)
            node.by_month.setdefault(row["month"], Figures()).add(*figures)
    return total, list(nodes.values())
