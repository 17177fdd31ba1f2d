"""What a county's incidents can be: the types (with their time limits) and the states.

The built-in states are the ones the workflow's moves land in (``moves.TRANSITIONS``); they
are rows like a county's own, created by a data migration. A county adds its own open states
(e.g. "待现场核实") and types without code; codes are unique per county."""

from dataclasses import dataclass

from django.db import IntegrityError, router, transaction

from audit.log import Action, record
from incidents.models import IncidentState, IncidentType
from orgs.models import Region


class CatalogueRefused(ValueError):
    """A type or state that cannot be saved; ``errors`` maps a field to its reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("；".join(m for messages in errors.values() for m in messages))
        self.errors = errors


# The list, with time limits a county would start from (hours).
DEFAULT_TYPES = (
    ("safety_hazard", "安全隐患", 24),
    ("flood_disaster", "防汛救灾", 6),
    ("environment", "环境卫生", 72),
    ("dispute", "矛盾纠纷", 48),
    ("public_facility", "公共设施", 72),
    ("epidemic", "疫情防控", 12),
    ("other", "其他", 72),
)

# Built-in states: code, label, kind. Created by migration 0002; listed here for the moves.
REPORTED, ASSIGNED, IN_PROGRESS, RESOLVED, CLOSED, DUPLICATE, INVALID = (
    "reported", "assigned", "in_progress", "resolved", "closed", "duplicate", "invalid",
)  # fmt: skip
BUILTIN_STATES = (
    (REPORTED, "待交办", IncidentState.Kind.OPEN),
    (ASSIGNED, "已交办", IncidentState.Kind.OPEN),
    (IN_PROGRESS, "处理中", IncidentState.Kind.OPEN),
    (RESOLVED, "已办结待核实", IncidentState.Kind.FIXED),
    (CLOSED, "已核实关闭", IncidentState.Kind.CLOSED),
    (DUPLICATE, "重复上报", IncidentState.Kind.CLOSED),
    (INVALID, "无效信息", IncidentState.Kind.CLOSED),
)
NOT_VALID = (DUPLICATE, INVALID)  # "valid reports" of an emergency leave these out


def county_of(region: Region) -> Region | None:
    """The county (旗/县) containing ``region`` — or ``region`` itself."""
    if region.level == Region.Level.COUNTY:
        return region
    return region.ancestors().filter(level=Region.Level.COUNTY).first()


def install_defaults(actor, county: Region) -> int:
    """The issue's seven types for ``county``, the ones it lacks; returns how many."""
    have = set(IncidentType.objects.filter(region=county).values_list("code", flat=True))
    new = [
        IncidentType(
            region=county,
            region_path=county.path,
            code=code,
            name=name,
            time_limit_hours=hours,
            position=position,
        )
        for position, (code, name, hours) in enumerate(DEFAULT_TYPES)
        if code not in have
    ]
    IncidentType.objects.bulk_create(new)
    if new:
        record(actor, Action.CREATE, summary=f"事件类型 {len(new)} 个", region_path=county.path)
    return len(new)


def types_for(region: Region):
    """The active types of the county ``region`` lies in."""
    county = county_of(region)
    return IncidentType.objects.filter(region=county, active=True) if county else []


# The built-in states as read, per database: they are never edited (a county adds its own
# states beside them), so one read per process serves every report and move.
_BUILTIN_CACHE: dict[tuple[str, str], IncidentState] = {}


def builtin(code: str) -> IncidentState:
    """A built-in state; made again if missing (a database flushed after its migrations).

    Rows read are kept for the process (``_BUILTIN_CACHE``) once the transaction that read
    them commits; a row made here is not kept. ``ensure_builtin_states`` (after every
    migrate and flush) remakes missing rows and empties the cache."""
    alias = router.db_for_read(IncidentState)
    cached = _BUILTIN_CACHE.get((alias, code))
    if cached is not None:
        return cached
    rows = IncidentState.objects.using(alias).filter(region__isnull=True, code=code)
    found = rows.first()
    if found is None:
        if code not in {known for known, _, _ in BUILTIN_STATES}:
            raise LookupError(code)
        ensure_builtin_states(using=alias)
        return rows.get()
    # Kept once the reading transaction commits: a row read in a transaction that rolls back
    # may have been made in it (above, or by a flush's remaking).
    transaction.on_commit(lambda: _BUILTIN_CACHE.setdefault((alias, code), found), alias)
    return found


def ensure_builtin_states(using: str = "default", **kwargs) -> None:
    """The built-in states that are missing, made again; the process's cache emptied. Runs
    after ``migrate`` and after ``flush`` (which empties tables, migration 0002's rows too,
    and sends ``post_migrate``), like Django's own content types."""
    for key in [key for key in _BUILTIN_CACHE if key[0] == using]:
        del _BUILTIN_CACHE[key]
    have = set(
        IncidentState.objects.using(using)
        .filter(region__isnull=True)
        .values_list("code", flat=True)
    )
    IncidentState.objects.using(using).bulk_create(
        IncidentState(region=None, code=code, label=label, kind=kind, position=position)
        for position, (code, label, kind) in enumerate(BUILTIN_STATES)
        if code not in have
    )


def states_for(county: Region | None):
    """The built-in states and the county's own."""
    rows = IncidentState.objects.filter(region__isnull=True)
    return rows | IncidentState.objects.filter(region=county) if county else rows


@dataclass
class TypeInput:
    code: str
    name: str
    time_limit_hours: int
    active: bool = True


def _check_type(data: TypeInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = ["请填写类型名称。"]
    if not 1 <= data.time_limit_hours <= 24 * 90:
        errors["time_limit_hours"] = ["处置时限应在 1 到 2160 小时之间。"]
    return errors


@transaction.atomic
def add_type(actor, county: Region, data: TypeInput) -> IncidentType:
    """A county's new incident type. Side effects: the audit entry."""
    errors = _check_type(data)
    if not data.code.strip():
        errors["code"] = ["请填写代码（英文字母、数字、下划线）。"]
    if errors:
        raise CatalogueRefused(errors)
    last = IncidentType.objects.filter(region=county).order_by("-position").first()
    try:
        with transaction.atomic():
            row = IncidentType.objects.create(
                region=county,
                region_path=county.path,
                code=data.code.strip(),
                name=data.name.strip(),
                time_limit_hours=data.time_limit_hours,
                active=data.active,
                position=(last.position + 1) if last else 0,
            )
    except IntegrityError:
        raise CatalogueRefused({"code": ["该代码已被本县的其他类型使用。"]}) from None
    record(actor, Action.CREATE, row, region_path=county.path)
    return row


@transaction.atomic
def change_type(actor, row: IncidentType, data: TypeInput) -> IncidentType:
    """Rename a type, change its time limit (for incidents reported from now on) or switch
    it off. Side effects: the audit entry with the changes."""
    errors = _check_type(data)
    if errors:
        raise CatalogueRefused(errors)
    before = {"name": row.name, "hours": row.time_limit_hours, "active": row.active}
    after = {"name": data.name.strip(), "hours": data.time_limit_hours, "active": data.active}
    IncidentType.objects.filter(pk=row.pk).update(
        name=after["name"], time_limit_hours=after["hours"], active=after["active"]
    )
    row.refresh_from_db()
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    record(actor, Action.UPDATE, row, region_path=row.region_path, changes=changes)
    return row


@transaction.atomic
def add_state(actor, county: Region, code: str, label: str) -> IncidentState:
    """A county's own open state (e.g. 待现场核实) that a superior can put an incident into;
    from it the ordinary moves continue. Side effects: the audit entry."""
    errors: dict[str, list[str]] = {}
    if not code.strip():
        errors["code"] = ["请填写代码（英文字母、数字、下划线）。"]
    if not label.strip():
        errors["label"] = ["请填写状态名称。"]
    if code.strip() in {c for c, _, _ in BUILTIN_STATES}:
        errors["code"] = ["该代码是系统内置状态。"]
    if errors:
        raise CatalogueRefused(errors)
    try:
        with transaction.atomic():
            row = IncidentState.objects.create(
                region=county,
                code=code.strip(),
                label=label.strip(),
                kind=IncidentState.Kind.OPEN,
                position=50,
            )
    except IntegrityError:
        raise CatalogueRefused({"code": ["该代码已被本县的其他状态使用。"]}) from None
    record(actor, Action.CREATE, row, region_path=county.path)
    return row
