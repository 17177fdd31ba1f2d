"""Loading the demo data: generate, write in bulk, recount, create the demo logins, audit.

``load`` is what ``manage.py load_demo`` runs. Everything happens in one transaction, so a
failed load leaves nothing behind; afterwards the regions' own counters are rebuilt with
``orgs.domain.counts.recount`` and, on PostgreSQL, the tables are analyzed.
"""

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from audit.log import Action, record
from core.paths import decode_segment
from demo.generator import COLUMNS, MODELS, PROVINCE_CODE, SCALES, Start, generate
from demo.incidents import load_incidents
from demo.logins import USERNAMES, cast_for, create_coverage_accounts, create_logins
from demo.open311 import load_open311
from demo.orglife import TABLES, demo_now, load_orglife, notify_open
from demo.points import MODELS as POINTS_TABLES
from demo.points import load_points
from demo.services import load_services
from demo.writers import writer_for
from orgs.domain.counts import recount
from orgs.domain.tree import next_child_path
from orgs.models import Household, Member, Organization, Region

ORGLIFE_YEARS = 5  # requirements from 1 January five years before the load year
ORGLIFE_YEARS_PROVINCE = 1  # from 1 January last year: two years of records


class DemoDataExists(Exception):
    """The demo province, a demo login or one of the demo codes is already in the
    database."""


@dataclass
class LoadReport:
    """What a load wrote, for the command's output."""

    scale: str
    seed: int
    counties: int
    rows: Counter[str]  # table → rows written
    phases: dict[str, float]  # seconds spent writing, recounting, committing, analyzing …
    logins: list[User]

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())


class Stopwatch:
    """Seconds spent in each phase of a load, for the report (docs/benchmarks.md)."""

    def __init__(self) -> None:
        self.started = self.last = time.monotonic()
        self.phases: dict[str, float] = {}

    def lap(self, phase: str) -> None:
        now = time.monotonic()
        self.phases[phase] = now - self.last
        self.last = now

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def database_is_empty() -> bool:
    """No region at all: the state ``load_demo --if-empty`` loads into."""
    return not Region.objects.exists()


def check_not_loaded() -> None:
    if Region.objects.filter(code=PROVINCE_CODE).exists():
        raise DemoDataExists(f"演示数据已载入（区划代码 {PROVINCE_CODE} 已存在）。")
    taken = list(User.objects.filter(username__in=USERNAMES).values_list("username", flat=True))
    if taken:
        raise DemoDataExists("演示账号已存在：" + "、".join(sorted(taken)))


def starting_point() -> Start:
    """Keys and root paths continue after what the database already holds."""
    return Start(
        keys={m: m._default_manager.aggregate(last=Max("pk"))["last"] or 0 for m in MODELS},
        region_roots=decode_segment(next_child_path(Region, None)),
        organization_roots=decode_segment(next_child_path(Organization, None)),
    )


def load(
    scale_name: str,
    seed: int,
    as_of: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load the demo province (``scale_name`` from ``demo.generator.SCALES``) generated from
    ``seed`` with ages and dates as of ``as_of`` (today). Raises ``DemoDataExists`` when it
    is already there."""
    scale = SCALES[scale_name]
    as_of = as_of or timezone.localdate()
    stopwatch = Stopwatch()
    writer = writer_for(connection)
    rows: Counter[str] = Counter()
    with transaction.atomic():
        check_not_loaded()
        for number, chunk in enumerate(generate(scale, seed, as_of, starting_point())):
            for model, batch in chunk.batches:
                try:
                    rows[model._meta.db_table] += writer.write(model, COLUMNS[model], batch)
                except IntegrityError as error:
                    raise DemoDataExists(f"演示数据与已有数据的编码冲突：{error}") from error
            if progress is not None and number:
                progress(f"[{number}/{scale.counties}] {chunk.label}  {stopwatch.elapsed():.1f} s")
        writer.reset_sequences(MODELS)
        stopwatch.lap("write")
        recount()
        stopwatch.lap("recount")
        # Organizational life: five years for a county, two (last year and this) for the
        # province, with attendance lists for the demo county only (docs/benchmarks.md).
        now = demo_now(as_of)
        province = Region.objects.get(code=PROVINCE_CODE)
        orglife = load_orglife(
            writer,
            seed=seed,
            as_of=as_of,
            years=ORGLIFE_YEARS_PROVINCE if scale.counties > 1 else ORGLIFE_YEARS,
            attendance_counties=1,
            now=now,
            progress=progress,
            under=province.path,
        )
        rows.update(orglife.rows)
        stopwatch.phases.update(orglife.phases)
        stopwatch.last = time.monotonic()
        county = Region.objects.filter(parent__parent=province).order_by("path").first()
        if county is None:
            raise LookupError("the demo province has no county")
        cast = cast_for(county)
        logins = create_logins(cast, province if scale.counties > 1 else None, seed)
        # 一支部一账号: every organization and grid of the demo county has its account
        try:
            with transaction.atomic():
                rows[User._meta.db_table] += len(logins) + create_coverage_accounts(cast, seed)
        except IntegrityError as error:
            raise DemoDataExists(f"演示账号与已有账号的用户名冲突：{error}") from error
        stopwatch.lap("accounts")
        # The points system (issue 5): the demo county only, whatever the scale.
        points = load_points(writer, seed=seed, as_of=as_of, now=now, county=county, cast=cast)
        rows.update(points.rows)
        stopwatch.lap("points")
        rows["notifications_notification"] += notify_open(now)
        rows.update(load_services(seed, cast, now).rows)  # the demo county's services
        # Open311: the demo client's key and requests, after the services demo (its catalogue)
        rows.update(load_open311(county, seed, now))
        stopwatch.lap("services")
        rows["incidents_incident"] += load_incidents(county, seed, now)
        place = province if scale.counties > 1 else county
        record(
            None,
            Action.IMPORT,
            summary=(
                f"演示数据载入：{place.name}，规模 {scale_name}，种子 {seed}，"
                f"{scale.counties} 个旗县、{rows[Organization._meta.db_table]} 个党组织、"
                f"{rows[Member._meta.db_table]} 名党员、{rows[Household._meta.db_table]} 户"
            ),
            region_path=place.path,
        )
        stopwatch.lap("logins")
    stopwatch.lap("commit")  # PostgreSQL checks the deferred foreign keys here
    writer.analyze(MODELS)
    writer.analyze(TABLES, vacuum=True)
    writer.analyze(POINTS_TABLES, vacuum=True)
    stopwatch.lap("analyze")
    return LoadReport(scale_name, seed, scale.counties, rows, stopwatch.phases, logins)
