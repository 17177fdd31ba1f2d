"""Importing a workbook: every row checked first, then all of it written in one transaction,
or none of it.

An import runs in four steps. *Parse* turns each cell into a model value. *Plan* resolves
codes against the database — one query per kind and 2,000 codes, never one per row — and
decides for each row whether it creates, updates or leaves a row unchanged, collecting every
error on the way. *Prepare* builds and validates every new grid, member and household
(``people.prepare``). *Apply* runs only when there is no error, in one transaction: it writes
through the domain functions (the prepared rows in bulk, ``people.create_prepared``; each row
audited), checks that every written row lies in the user's write scope, and adds one import
entry to the audit log.

Only *apply* holds the database's write lock (SQLite has one for the whole file): the reading,
checking and preparing of a 20,000-row file happen before it, so another user's write waits
for the short write, not for the whole import (docs/operations.md).

Codes are unique across the whole database, so a code that exists outside the user's scope is
an error of its own; references to rows outside the scope read exactly like references to
rows that do not exist ("在您的管辖范围内找不到…"), so an import reveals nothing about them.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F

from accounts.scope import scope_for, visible
from audit.log import Action, record
from core.paths import common_path
from orgs.domain import people, registration
from orgs.domain.tree import (
    add_organization,
    add_region,
    check_organization_kind,
    check_region_level,
    update_node,
)
from orgs.excel import cells
from orgs.excel.kinds import Kind, kind_named
from orgs.excel.reading import RawRow, UnreadableFile, read_rows
from orgs.excel.results import ImportResult, RowError
from orgs.models import Grid, Household, Member, Organization, Region

CHUNK = 2000
KEY_FIELD: dict[type[models.Model], str] = {
    Region: "code",
    Organization: "code",
    Grid: "code",
    Household: "code",
    Member: "id_number",
}
T = TypeVar("T")


def import_workbook(user, kind: str, file: bytes | IO[bytes]) -> ImportResult:
    """Create or update the rows of ``kind`` in the uploaded ``.xlsx`` (bytes or a file such as
    Django's ``UploadedFile``), matching existing rows by code. All or nothing: when any row
    has an error nothing is written and ``ImportResult.errors`` lists every problem with its
    row and column. Writes go through ``orgs.domain`` (one audit entry per changed row) plus
    one ``Action.IMPORT`` entry; unchanged rows are not written."""
    spec = kind_named(kind)
    result = ImportResult(kind=spec.name)
    try:
        importer = IMPORTERS[spec.name](user, spec, read_rows(spec, file))
    except UnreadableFile as unreadable:
        result.errors = unreadable.errors
        return result
    result.rows = len(importer.rows)
    importer.plan()
    if not importer.errors:
        importer.prepare()  # still outside the transaction: no write lock held yet
    if importer.errors:
        result.errors = importer.sorted_errors()
        return result
    try:
        with transaction.atomic():
            importer.apply()
            importer.check_scope()
            if importer.errors:
                raise _Refused
            record(
                user,
                Action.IMPORT,
                summary=(
                    f"导入{spec.title}：新增 {importer.created} 条，"
                    f"修改 {len(importer.updates)} 条，未变 {importer.unchanged} 条"
                ),
                changes={
                    "kind": spec.name,
                    "rows": result.rows,
                    "created": importer.created,
                    "updated": len(importer.updates),
                    "unchanged": importer.unchanged,
                },
                region_path=common_path(importer.paths),
            )
    except _Refused:
        result.errors = importer.sorted_errors()
        return result
    result.created, result.updated = importer.created, len(importer.updates)
    result.unchanged = importer.unchanged
    return result


class _Refused(Exception):
    """Rolls back an import whose writes turned out to break a rule."""


def _chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _path_of(obj: models.Model) -> str:
    return obj.path if isinstance(obj, Region) else obj.region_path  # type: ignore[attr-defined]


def _parent_code(node: Region | Organization) -> str:
    """The parent's code, from the ``current_parent`` loaded with an existing node."""
    return getattr(node, "current_parent", None) or ""


def _changes(obj: models.Model, wanted: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``wanted`` that differ from ``obj``; relations compared by id."""
    changes = {}
    for name, value in wanted.items():
        model_field = obj._meta.get_field(name)
        if isinstance(model_field, models.ForeignKey):
            same = getattr(obj, model_field.attname) == (value.pk if value is not None else None)
        else:
            same = getattr(obj, name) == value
        if not same:
            changes[name] = value
    return changes


@dataclass(slots=True)
class Row:
    """One data row: its Excel number, parsed values by field, and the fields in error."""

    number: int
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)
    refs: dict[str, Any] = field(default_factory=dict)

    def ok(self, *fields: str) -> bool:
        return not self.bad.intersection(fields)

    def value(self, name: str) -> Any:
        """The parsed value, or ``None`` when the cell was in error."""
        return self.values.get(name) if name not in self.bad else None


class Importer(ABC):
    """Plans and applies the import of one kind; subclasses know their kind's rules."""

    CURRENT: dict[str, str] = {}
    """What existing rows currently refer to, loaded with them as ``current_<name>``: the
    code of each reference (``{"grid": "grid__code"}``), without loading the rows behind."""

    def __init__(self, user, spec: Kind, raw_rows: Iterable[RawRow]) -> None:
        self.user = user
        self.spec = spec
        self.key = spec.key.field
        self.errors: list[RowError] = []
        self.creates: list[Row] = []
        self.updates: list[tuple[Row, Any, dict[str, Any]]] = []
        self.unchanged = 0
        self.created = 0
        self.written: list[tuple[Row, models.Model]] = []
        self.paths: list[str] = []
        self.existing: dict[str, Any] = {}
        self.rows = [self._parse(raw) for raw in raw_rows]

    # Errors -------------------------------------------------------------------------------

    def error(self, row: Row, name: str, message: str) -> None:
        header = self.spec.column(name).header if name else ""
        self.errors.append(RowError(row.number, header, message))
        row.bad.add(name)

    def sorted_errors(self) -> list[RowError]:
        order = {column.header: index for index, column in enumerate(self.spec.columns)}
        return sorted(self.errors, key=lambda error: (error.row, order.get(error.column, -1)))

    def _parse(self, raw: RawRow) -> Row:
        row = Row(raw.number, {})
        for column in self.spec.columns:
            try:
                row.values[column.field] = column.parse(raw.cells[column.header])
            except cells.CellError as problem:
                self.error(row, column.field, str(problem))
        return row

    # Planning helpers ---------------------------------------------------------------------

    def keyed_rows(self) -> list[Row]:
        """Rows whose key is valid and not repeated; the existing, writable ones are loaded
        into ``self.existing``, and keys taken outside the user's scope are errors."""
        first: dict[str, int] = {}
        rows = []
        for row in self.rows:
            if not row.ok(self.key):
                continue
            key = row.values[self.key]
            if key in first:
                self.error(row, self.key, f"{cells.quoted(key)}与第 {first[key]} 行重复")
                continue
            first[key] = row.number
            rows.append(row)
        return self._load_existing(rows)

    def _load_existing(self, rows: list[Row]) -> list[Row]:
        model = self.spec.model
        keys = [row.values[self.key] for row in rows]
        found: dict[str, Any] = {}
        for chunk in _chunks(keys):
            # scope-ok: codes are unique database-wide; a code taken outside the scope is an error
            rows_found = model._default_manager.annotate(
                **{f"current_{name}": F(lookup) for name, lookup in self.CURRENT.items()}
            )
            for obj in rows_found.filter(**{f"{self.key}__in": chunk}):
                found[getattr(obj, self.key)] = obj
        writable: set[str] = set()
        for chunk in _chunks(found):
            in_scope = visible(self.user, model, write=True).filter(**{f"{self.key}__in": chunk})
            writable.update(in_scope.values_list(self.key, flat=True))
        readable: set[str] = set()
        hidden = [key for key in found if key not in writable]
        for chunk in _chunks(hidden):
            seen = visible(self.user, model).filter(**{f"{self.key}__in": chunk})
            readable.update(seen.values_list(self.key, flat=True))
        personal = self.key == "id_number"
        hidden_numbers = []
        for row in rows:
            key = row.values[self.key]
            if key in found and key not in writable:
                if personal and key not in readable:
                    # Said for the file as a whole (orgs.domain.registration): no row numbers.
                    hidden_numbers.append(key)
                    row.bad.add(self.key)
                else:
                    self.error(row, self.key, f"{cells.quoted(key)}已存在，但不在您可修改的范围内")
            elif key in found:
                self.existing[key] = found[key]
        if hidden_numbers:
            self.errors.append(RowError(0, "", registration.HIDDEN_DUPLICATES_IN_FILE))
            registration.record_refusal(self.user, hidden_numbers, "党员导入")
        return [row for row in rows if row.ok(self.key)]

    def lookup(
        self,
        model: type[models.Model],
        codes: Iterable[str],
        *,
        write: bool,
        related: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """The rows of ``model`` with these codes that the user may read (or change)."""
        key = KEY_FIELD[model]
        queryset = visible(self.user, model, write=write).select_related(*related)
        found: dict[str, Any] = {}
        for chunk in _chunks(sorted({code for code in codes if code})):
            for obj in queryset.filter(**{f"{key}__in": chunk}):
                found[getattr(obj, key)] = obj
        return found

    def codes(self, rows: list[Row], name: str) -> set[str]:
        return {row.values[name] for row in rows if row.ok(name) and row.values[name]}

    def resolve(
        self, row: Row, name: str, found: dict[str, Any], label: str, obj: Any = None
    ) -> Any:
        """The row referred to by ``name``'s code: among ``found``, or the one the existing
        row ``obj`` already refers to (so an unchanged reference never fails, even to a row
        outside the lookup); ``None`` when blank or in error."""
        code = row.value(name)
        if not code:
            return None
        target = found.get(code)
        if target is None and obj is not None and getattr(obj, f"current_{name}") == code:
            target = getattr(obj, name)
        if target is None:
            self.error(row, name, f"在您的管辖范围内找不到{label}{cells.quoted(code)}")
        return target

    def settle(self, row: Row, obj: Any, wanted: dict[str, Any]) -> None:
        """Record an existing row as updated or unchanged, unless it has errors."""
        if row.bad:
            return
        changes = _changes(obj, wanted)
        if changes:
            self.updates.append((row, obj, changes))
        else:
            self.unchanged += 1
            self.paths.append(_path_of(obj))

    def in_file_order(self, new_rows: dict[str, Row]) -> list[Row]:
        """New tree nodes, parents before children whatever the order in the file; a loop of
        parents is an error on each row in it."""
        depth: dict[str, int] = {}
        for code in new_rows:
            chain: list[str] = []
            node = code
            while node in new_rows and node not in depth and node not in chain:
                chain.append(node)
                node = new_rows[node].value("parent") or ""
            if node in chain:
                for looped in chain[chain.index(node) :]:
                    self.error(new_rows[looped], "parent", "上级关系形成循环，请检查上级编码")
                base = 0
            else:
                base = depth[node] + 1 if node in depth else 0
            for offset, member in enumerate(reversed(chain)):
                depth[member] = base + offset
        return sorted(new_rows.values(), key=lambda row: depth[row.values[self.key]])

    # Applying -----------------------------------------------------------------------------

    @abstractmethod
    def plan(self) -> None:
        """Check every row and resolve its references; errors go to ``self.result``."""

    def prepare(self) -> None:
        """Build and check the rows to create, before the transaction (kinds that prepare
        nothing create in ``apply``)."""
        return None

    @abstractmethod
    def apply(self) -> None:
        """Write the planned rows through the domain functions."""

    def prepare_creates(self, model: type[models.Model]) -> None:
        """``people.prepare`` for each planned new row; a rule it breaks is the row's error."""
        self.prepared: list[tuple[Row, models.Model]] = []
        for row in self.creates:
            fields = {self.key: row.values[self.key], **row.refs}
            obj = self.attempt(row, people.prepare, model, **fields)
            if obj is not None:
                self.prepared.append((row, obj))

    def write_prepared(self) -> list[tuple[Row, models.Model]]:
        """The prepared rows, written in bulk (in a savepoint: a code someone else took
        meanwhile is an error on the import, which is then rolled back)."""
        rows = [row for row, _ in self.prepared]
        try:
            with transaction.atomic():
                objs = people.create_prepared(self.user, [obj for _, obj in self.prepared])
        except IntegrityError:
            self.error(rows[0], self.key, "保存时与已有数据冲突（可能刚被他人录入），请重新导入")
            return []
        self.created += len(objs)
        for row, obj in zip(rows, objs, strict=True):
            self.wrote(row, obj)
        return list(zip(rows, objs, strict=True))

    def attempt(self, row: Row, write: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run one domain write; a rule it enforces becomes an error on the row."""
        try:
            return write(*args, **kwargs)
        except ValidationError as problem:
            for name, messages in getattr(problem, "message_dict", {"": problem.messages}).items():
                column = next((c.field for c in self.spec.columns if c.field == name), "")
                self.error(row, column, "；".join(messages))
        except ValueError as problem:
            self.error(row, "", str(problem))
        except IntegrityError:
            self.error(row, self.key, "保存时与已有数据冲突（可能刚被他人录入），请重新导入")
        return None

    def wrote(self, row: Row, obj: models.Model | None) -> None:
        if obj is not None:
            self.written.append((row, obj))
            self.paths.append(_path_of(obj))

    def apply_updates(self, write: Callable[..., Any]) -> None:
        """Run ``write(actor, obj, **changes)`` for each planned update."""
        for row, obj, changes in self.updates:
            self.wrote(row, self.attempt(row, write, self.user, obj, **changes))

    def check_scope(self) -> None:
        """Every written row must lie in the user's write scope (a grid placed under another
        township's branch, say); anything else is refused and rolled back."""
        by_model: dict[type[models.Model], dict[Any, Row]] = {}
        for row, obj in self.written:
            by_model.setdefault(type(obj), {})[obj.pk] = row
        for model, rows in by_model.items():
            allowed: set[Any] = set()
            for chunk in _chunks(rows):
                in_scope = visible(self.user, model, write=True).filter(pk__in=chunk)
                allowed.update(in_scope.values_list("pk", flat=True))
            for pk, row in rows.items():
                if pk not in allowed:
                    self.error(row, "", "这一行将落在您可修改的范围之外，不能导入")


class RegionImporter(Importer):
    """Regions by 区划代码: new ones under a parent in the file or in the user's scope; names
    of existing ones may change, their parent and level may not."""

    CURRENT = {"parent": "parent__code"}

    def plan(self) -> None:
        rows = self.keyed_rows()
        new = {row.values["code"]: row for row in rows if row.values["code"] not in self.existing}
        parents = self.lookup(
            Region, self.codes(list(new.values()), "parent") - set(new), write=True
        )
        is_superuser = scope_for(self.user).is_superuser
        for row in rows:
            region = self.existing.get(row.values["code"])
            if region is not None:
                self._check_place(row, region)
                self.settle(row, region, {"name": row.value("name")})
                continue
            parent_code = row.value("parent")
            parent: Region | None = None
            if parent_code in new:
                parent = Region(level=new[parent_code].value("level"))
            elif parent_code:
                parent = self.resolve(row, "parent", parents, "区划")
                row.refs["parent"] = parent
            elif row.ok("parent") and not is_superuser:
                self.error(row, "parent", "只有系统管理员可以新增最上级区划；请填写上级区划代码")
            if row.ok("level", "parent") and (parent is None or parent.level):
                try:
                    check_region_level(parent, row.values["level"])
                except ValueError as problem:
                    self.error(row, "level", str(problem))
        self.creates = self.in_file_order(new)

    def _check_place(self, row: Row, region: Region) -> None:
        current = _parent_code(region)
        if row.ok("parent") and row.values["parent"] != current:
            self.error(
                row, "parent", f"不支持通过导入调整上级（现为{cells.quoted(current or '无')}）"
            )
        if row.ok("level") and row.values["level"] != region.level:
            self.error(
                row,
                "level",
                f"不支持通过导入修改已有区划的层级（现为{cells.quoted(region.get_level_display())}）",
            )

    def apply(self) -> None:
        created: dict[str, Region] = {}
        for row in self.creates:
            values = row.values
            parent = created.get(values["parent"]) or row.refs.get("parent")
            region = self.attempt(
                row,
                add_region,
                self.user,
                parent=parent,
                name=values["name"],
                code=values["code"],
                level=values["level"],
            )
            if region is not None:
                created[values["code"]] = region
                self.created += 1
            self.wrote(row, region)
        self.apply_updates(update_node)


class OrganizationImporter(Importer):
    """Organizations by 组织代码: new ones under a parent in the file or in the user's scope,
    leading a region the user administers; existing ones keep their parent and region."""

    FIELDS = ("name", "kind", "founded_on", "closed_on", "under_rectification")

    CURRENT = {"parent": "parent__code", "parent_kind": "parent__kind", "region": "region__code"}

    def plan(self) -> None:
        rows = self.keyed_rows()
        new = {row.values["code"]: row for row in rows if row.values["code"] not in self.existing}
        parents = self.lookup(
            Organization, self.codes(list(new.values()), "parent") - set(new), write=False
        )
        regions = self.lookup(Region, self.codes(list(new.values()), "region"), write=True)
        pending = []
        for row in rows:
            founded, closed = row.value("founded_on"), row.value("closed_on")
            if founded and closed and closed < founded:
                self.error(row, "closed_on", "撤销日期不能早于成立日期")
            organization = self.existing.get(row.values["code"])
            if organization is not None:
                self._check_place(row, organization)
                pending.append((row, organization))
                continue
            parent_code = row.value("parent")
            parent: Organization | None = None
            if parent_code in new:
                parent = Organization(kind=new[parent_code].value("kind"))
            elif parent_code:
                parent = self.resolve(row, "parent", parents, "党组织")
                row.refs["parent"] = parent
            row.refs["region"] = self.resolve(row, "region", regions, "区划")
            self._check_kind(row, parent, [])
        self._settle_existing(pending)
        self.creates = self.in_file_order(new)

    def _check_place(self, row: Row, organization: Organization) -> None:
        current = _parent_code(organization)
        if row.ok("parent") and row.values["parent"] != current:
            self.error(
                row, "parent", f"不支持通过导入调整上级（现为{cells.quoted(current or '无')}）"
            )
        current_region = getattr(organization, "current_region", "")
        if row.ok("region") and row.values["region"] != current_region:
            self.error(
                row,
                "region",
                f"不支持通过导入调整所在区划（现为{cells.quoted(current_region)}）",
            )

    def _check_kind(self, row: Row, parent: Organization | None, child_kinds: list[str]) -> None:
        if not row.ok("kind", "parent") or (parent is not None and not parent.kind):
            return
        try:
            check_organization_kind(parent, row.values["kind"])
            for child_kind in child_kinds:
                check_organization_kind(Organization(kind=row.values["kind"]), child_kind)
        except ValueError as problem:
            self.error(row, "kind", str(problem))

    def _settle_existing(self, pending: list[tuple[Row, Organization]]) -> None:
        changing_kind = [
            org.pk for row, org in pending if row.ok("kind") and row.values["kind"] != org.kind
        ]
        child_kinds: dict[int, list[str]] = {}
        for chunk in _chunks(changing_kind):
            children = Organization.objects.filter(parent_id__in=chunk)  # scope-ok: kinds only
            for parent_id, kind in children.values_list("parent_id", "kind"):
                child_kinds.setdefault(parent_id, []).append(kind)
        for row, organization in pending:
            if organization.pk in changing_kind:
                parent_kind = getattr(organization, "current_parent_kind", None)
                parent = Organization(kind=parent_kind) if parent_kind else None
                self._check_kind(row, parent, child_kinds.get(organization.pk, []))
            self.settle(row, organization, {name: row.value(name) for name in self.FIELDS})

    def apply(self) -> None:
        created: dict[str, Organization] = {}
        for row in self.creates:
            values = row.values
            parent = created.get(values["parent"]) or row.refs.get("parent")
            organization = self.attempt(
                row,
                add_organization,
                self.user,
                parent=parent,
                region=row.refs["region"],
                code=values["code"],
                **{name: values[name] for name in self.FIELDS},
            )
            if organization is not None:
                created[values["code"]] = organization
                self.created += 1
            self.wrote(row, organization)
        self.apply_updates(update_node)


class GridImporter(Importer):
    """Grids by 网格编码, each in a village and led by an organization, optionally with its
    party group."""

    CURRENT = {
        "region": "region__code",
        "organization": "organization__code",
        "party_group": "party_group__code",
    }

    def plan(self) -> None:
        rows = self.keyed_rows()
        regions = self.lookup(Region, self.codes(rows, "region"), write=False)
        organizations = self.lookup(
            Organization,
            self.codes(rows, "organization") | self.codes(rows, "party_group"),
            write=False,
        )
        for row in rows:
            grid = self.existing.get(row.values["code"])
            region = self.resolve(row, "region", regions, "区划", grid)
            organization = self.resolve(row, "organization", organizations, "党组织", grid)
            party_group = self.resolve(row, "party_group", organizations, "党组织", grid)
            if region is not None and region.level != Region.Level.VILLAGE:
                self.error(
                    row,
                    "region",
                    f"网格只能设在村、嘎查或社区，{region.name}是{region.get_level_display()}",
                )
            if party_group is not None and party_group.kind != Organization.Kind.GROUP:
                self.error(row, "party_group", f"{cells.quoted(party_group.code)}不是党小组")
            wanted = {
                "name": row.value("name"),
                "region": region,
                "organization": organization,
                "party_group": party_group,
            }
            if grid is not None:
                self.settle(row, grid, wanted)
            elif not row.bad:
                row.refs = wanted
                self.creates.append(row)

    def prepare(self) -> None:
        self.prepare_creates(Grid)

    def apply(self) -> None:
        self.write_prepared()
        self.apply_updates(people.update)


class MemberImporter(Importer):
    """Party members by 身份证号, each in an organization. The household a member lives in
    is set by the household import (户内党员身份证号)."""

    FIELDS = (
        "name",
        "gender",
        "birth_date",
        "phone",
        "education",
        "status",
        "joined_on",
        "is_mobile",
        "mobile_location",
        "is_in_service",
        "workplace",
    )

    CURRENT = {"organization": "organization__code"}

    def plan(self) -> None:
        rows = self.keyed_rows()
        organizations = self.lookup(Organization, self.codes(rows, "organization"), write=False)
        for row in rows:
            member = self.existing.get(row.values["id_number"])
            if member is None:
                problem = cells.id_number_problem(row.values["id_number"])
                if problem:
                    self.error(row, "id_number", problem)
            self._check_dates(row)
            organization = self.resolve(row, "organization", organizations, "党组织", member)
            wanted = {name: row.value(name) for name in self.FIELDS}
            wanted["organization"] = organization
            if member is not None:
                self.settle(row, member, wanted)
            elif not row.bad:
                row.refs = wanted
                self.creates.append(row)

    def _check_dates(self, row: Row) -> None:
        if row.ok("birth_date") and row.values["birth_date"] is None:
            born = (
                cells.birth_date_from_id(row.values["id_number"]) if row.ok("id_number") else None
            )
            if born is None:
                self.error(row, "birth_date", "必填；无法从身份证号推算出生日期")
            row.values["birth_date"] = born
        if (
            row.ok("birth_date", "joined_on")
            and row.values["joined_on"] <= row.values["birth_date"]
        ):
            self.error(row, "joined_on", "入党日期应晚于出生日期")

    def prepare(self) -> None:
        self.prepare_creates(Member)

    def apply(self) -> None:
        self.write_prepared()
        self.apply_updates(people.update)


class HouseholdImporter(Importer):
    """Households by 户编号, each in a grid the user manages, with its liaison member and the
    members living in it (who are linked to it, and unlinked when no longer listed)."""

    FIELDS = ("head_name", "head_id_number", "phone", "address", "size")

    def __init__(self, user, spec: Kind, raw_rows: Iterable[RawRow]) -> None:
        super().__init__(user, spec, raw_rows)
        self.links: list[tuple[Row, Member]] = []
        self.unlinks: list[tuple[Row, Member]] = []

    CURRENT = {"grid": "grid__code", "liaison": "liaison__id_number"}

    def plan(self) -> None:
        rows = self.keyed_rows()
        grids = self.lookup(Grid, self.codes(rows, "grid"), write=True)
        liaisons = self.lookup(Member, self.codes(rows, "liaison"), write=False)
        listed = {number for row in rows if row.ok("members") for number in row.values["members"]}
        movable = self.lookup(Member, listed, write=True, related=("organization",))
        living = self._members_living_in([household.pk for household in self.existing.values()])
        claimed: dict[str, int] = {}
        for row in rows:
            household = self.existing.get(row.values["code"])
            head_id_number = row.value("head_id_number")
            if head_id_number and (household is None or head_id_number != household.head_id_number):
                problem = cells.id_number_problem(head_id_number)
                if problem:
                    self.error(row, "head_id_number", problem)
            wanted = {name: row.value(name) for name in self.FIELDS}
            wanted["grid"] = self.resolve(row, "grid", grids, "网格", household)
            wanted["liaison"] = self.resolve(row, "liaison", liaisons, "党员", household)
            current = living.get(household.pk, {}) if household is not None else {}
            links = self._plan_members(row, current, movable, claimed)
            # Members no longer listed anywhere in the file move out; listed elsewhere, they move.
            unlinks = [
                (row, member)
                for number, (member, writable) in current.items()
                if writable and number not in listed
            ]
            if row.bad:
                continue
            self.links += links
            self.unlinks += unlinks
            if household is None:
                row.refs = wanted
                self.creates.append(row)
            elif links or unlinks:
                self.updates.append((row, household, _changes(household, wanted)))
            else:
                self.settle(row, household, wanted)

    def _members_living_in(
        self, household_ids: list[int]
    ) -> dict[int, dict[str, tuple[Member, bool]]]:
        """For each household, the visible members living in it and whether the user may
        change them."""
        living: dict[int, dict[str, tuple[Member, bool]]] = {}
        for chunk in _chunks(household_ids):
            writable = set(
                visible(self.user, Member, write=True)
                .filter(household_id__in=chunk)
                .values_list("pk", flat=True)
            )
            members = (
                visible(self.user, Member)
                .filter(household_id__in=chunk)
                .select_related("organization")
            )
            for member in members:
                living.setdefault(member.household_id, {})[member.id_number] = (
                    member,
                    member.pk in writable,
                )
        return living

    def _plan_members(
        self,
        row: Row,
        current: dict[str, tuple[Member, bool]],
        movable: dict[str, Member],
        claimed: dict[str, int],
    ) -> list[tuple[Row, Member]]:
        """The members to link to this row's household; each member may be listed once."""
        links = []
        for id_number in row.value("members") or []:
            if id_number in claimed:
                self.error(
                    row,
                    "members",
                    f"党员{cells.quoted(id_number)}已列在第 {claimed[id_number]} 行的户内",
                )
                continue
            claimed[id_number] = row.number
            if id_number in current:
                continue
            member = movable.get(id_number)
            if member is None:
                self.error(row, "members", f"在您的管辖范围内找不到党员{cells.quoted(id_number)}")
            else:
                links.append((row, member))
        return links

    def prepare(self) -> None:
        self.prepare_creates(Household)

    def apply(self) -> None:
        households: dict[int, Household] = {}
        for row, made in self.write_prepared():
            households[row.number] = made  # type: ignore[assignment]
        for row, household, changes in self.updates:
            if changes:
                self.wrote(row, self.attempt(row, people.update, self.user, household, **changes))
            else:
                self.paths.append(household.region_path)
            households[row.number] = household
        for row, member in self.unlinks:
            self.attempt(row, people.update, self.user, member, household=None)
        for row, member in self.links:
            household = households.get(row.number)
            if household is not None:
                self.attempt(row, people.update, self.user, member, household=household)


IMPORTERS: dict[str, type[Importer]] = {
    "regions": RegionImporter,
    "organizations": OrganizationImporter,
    "grids": GridImporter,
    "members": MemberImporter,
    "households": HouseholdImporter,
}
