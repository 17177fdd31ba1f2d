"""The account roster (账号花名册): one Excel sheet of accounts to issue, imported all or
nothing with every error numbered by Excel row, and a pre-filled roster of every missing
branch account and grid worker of a subtree that imports back unchanged.

The sheet reuses the orgs transfer's column rules and reader (``orgs.excel``): the same
Chinese cell messages, file checks and row numbering. Run it with Chinese active
(``core.excel.EXCEL_LANGUAGE``) as the orgs transfer pages do."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from typing import IO, Any

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.domain import coverage, issuing
from accounts.domain.passwords import AccountRefused
from accounts.models import Role, User
from audit.log import Action, record
from core import excel
from core.paths import common_path
from orgs.excel import cells
from orgs.excel.kinds import INSTRUCTIONS_SHEET, Column, ColumnType, Kind
from orgs.excel.reading import UnreadableFile, read_rows
from orgs.excel.results import RowError
from orgs.models import Region

ROSTER = Kind(
    name="accounts",
    title="账号花名册",
    model=User,
    columns=(
        Column("角色", "role", ColumnType.CHOICE, True, choices=Role, example="支部账号"),
        Column(
            "对象编码",
            "code",
            ColumnType.CODE,
            True,
            32,
            example="15052500001",
            note=(
                "支部账号填组织代码，网格员填网格编码，服务单位填单位编码，超市管理员填村区划代码，"
                "村民填户编号，党员填身份证号，管理员填其区划代码"
            ),
        ),
        Column(
            "对象名称",
            "name",
            ColumnType.TEXT,
            False,
            100,
            example="红旗村党支部",
            note="仅供核对，导入时不读取",
        ),
        Column(
            "用户名",
            "username",
            ColumnType.CODE,
            False,
            150,
            example="b-15052500001",
            note="留空则按编码生成：支部 b-组织代码，网格员 g-网格编码，等等",
        ),
        Column(
            "显示名称",
            "display_name",
            ColumnType.TEXT,
            False,
            100,
            example="红旗村党支部",
            note="留空则用对象名称",
        ),
    ),
    note="每行发放一个账号；初始密码由系统生成，导入成功后只显示一次，首次登录须修改。",
)
RULES = (
    "第一个工作表是数据表：第 1 行是表头，请勿修改表头；从第 2 行起每行一个账号。",
    "红色表头为必填列，黑色表头为选填列。",
    "文件中只要有一处错误，就不会发放任何账号；请按提示的行号和列名修改后重新上传。",
    "支部账号、网格员、服务单位、党员、村民每个对象只能有一个启用的账号；已有的会被报错。",
)
# The column each role's subject is found by in 对象编码.
KEY = {Role.MEMBER: "id_number"}


def _cell(sheet, value: Any, font: Font | None = None) -> Any:
    """Typed text goes through the one Excel writer (never a formula, never an illegal
    character); headers and notes get their font."""
    if font is None:
        return excel.cell(sheet, value)
    return excel.header_cell(sheet, str(value), font)


def roster_workbook(rows: Iterable[list[Any]]) -> bytes:
    """The roster sheet (with ``rows``) and its 填写说明 sheet."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(ROSTER.title)
    for index, column in enumerate(ROSTER.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(column.width, 18)
        if column.datatype is ColumnType.CODE:
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    labels = [str(role.label) for role in issuing.ISSUED_ROLES]
    validation = DataValidation(
        type="list", formula1='"' + ",".join(labels) + '"', allow_blank=False
    )
    validation.add("A2:A1048576")
    sheet.data_validations.append(validation)
    sheet.freeze_panes = "A2"
    sheet.append(
        [
            _cell(sheet, c.header, Font(bold=True, color="C00000" if c.required else None))
            for c in ROSTER.columns
        ]
    )
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    notes = book.create_sheet(INSTRUCTIONS_SHEET)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["C"].width = 80
    notes.append([_cell(notes, "「账号花名册」导入说明", Font(bold=True, size=14))])
    for rule in (*RULES, ROSTER.note):
        notes.append([_cell(notes, rule)])
    notes.append([])
    notes.append([_cell(notes, h, Font(bold=True)) for h in ("列名", "必填", "填写要求", "示例")])
    for column in ROSTER.columns:
        notes.append(
            [
                _cell(notes, column.header),
                _cell(notes, "必填" if column.required else "选填"),
                _cell(notes, column.rule()),
                _cell(notes, column.example),
            ]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def template_workbook() -> bytes:
    return roster_workbook([])


def _free_username(wanted: str, taken: set[str]) -> str:
    name, number = wanted, 2
    while name in taken:
        name, number = f"{wanted}-{number}", number + 1
    taken.add(name)
    return name


def missing_rows(region: Region) -> list[list[Any]]:
    """A roster row for every organization without an active branch account and every grid
    without an active grid worker in ``region``'s subtree; usernames already taken (by a
    deactivated account) get a free ``-2`` suffix, so the file imports back unchanged."""
    organizations = list(coverage.missing_organizations(region).order_by("path"))
    grids = list(coverage.missing_grids(region).order_by("region_path", "code"))
    planned = [(Role.BRANCH, o) for o in organizations] + [(Role.GRID_WORKER, g) for g in grids]
    wanted = [issuing.default_username(role, subject) for role, subject in planned]
    candidates = wanted + [f"{name}-{n}" for name in wanted for n in range(2, 6)]
    taken: set[str] = set()
    for start in range(0, len(candidates), 2000):
        taken |= set(
            User.objects.filter(username__in=candidates[start : start + 2000]).values_list(
                "username", flat=True
            )
        )
    return [
        [
            str(role.label),
            subject.code,
            subject.name,
            _free_username(name, taken) if name in taken else name,
            issuing.default_display_name(role, subject),
        ]
        for (role, subject), name in zip(planned, wanted, strict=True)
    ]


def missing_workbook(actor, region: Region) -> bytes:
    rows = missing_rows(region)
    record(
        actor,
        Action.EXPORT,
        summary=f"导出待发放账号花名册 {len(rows)} 条（{region.name}）",
        changes={"kind": "account_roster", "rows": len(rows)},
        region_path=region.path,
    )
    return roster_workbook(rows)


@dataclass
class RosterResult:
    rows: int = 0
    issued: list[issuing.Issued] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _error(errors: list[RowError], number: int, name: str, message: str) -> None:
    errors.append(RowError(number, ROSTER.column(name).header if name else "", message))


def import_roster(actor, file: bytes | IO[bytes]) -> RosterResult:
    """Issue an account for every row of the uploaded roster, or none: every error is
    reported with its Excel row and column. The accounts are written by
    ``issuing.issue_all`` (one audit entry each) plus one import entry for the file."""
    result = RosterResult()
    parsed: list[tuple[int, dict[str, Any]]] = []
    try:
        for raw in read_rows(ROSTER, file):
            values: dict[str, Any] = {}
            for column in ROSTER.columns:
                try:
                    values[column.field] = column.parse(raw.cells[column.header])
                except cells.CellError as problem:
                    _error(result.errors, raw.number, column.field, str(problem))
                    values[column.field] = None
            parsed.append((raw.number, values))
    except UnreadableFile as unreadable:
        result.errors = unreadable.errors
        return result
    result.rows = len(parsed)
    allowed = issuing.issued_roles(actor)
    # Resolve the subjects: one query per role and 2,000 codes, only within the actor's scope.
    wanted: dict[Role, set[str]] = {}
    for number, values in parsed:
        if values["role"] is None or values["code"] is None:
            continue
        role = Role(values["role"])
        if role not in allowed:
            _error(result.errors, number, "role", f"您不能发放“{role.label}”账号")
            values["role"] = None
            continue
        wanted.setdefault(role, set()).add(values["code"])
    found: dict[Role, dict[str, Any]] = {}
    for role, codes in wanted.items():
        key = KEY.get(role, "code")
        found[role] = {}
        ordered = sorted(codes)
        for start in range(0, len(ordered), 2000):
            rows = issuing.subjects(actor, role).filter(
                **{f"{key}__in": ordered[start : start + 2000]}
            )
            found[role] |= {getattr(row, key): row for row in rows}
    planned: list[tuple[int, issuing.Planned]] = []
    for number, values in parsed:
        if values["role"] is None or values["code"] is None:
            continue
        role = Role(values["role"])
        subject = found[role].get(values["code"])
        if subject is None:
            _error(
                result.errors,
                number,
                "code",
                f"在您的管辖范围内找不到{_subject_noun(role)}“{values['code']}”",
            )
            continue
        planned.append(
            (
                number,
                issuing.Planned(
                    role, subject, values["username"] or "", values["display_name"] or ""
                ),
            )
        )
    for (number, _p), problems in zip(planned, issuing.check([p for _, p in planned]), strict=True):
        for name, messages in problems.items():
            for message in messages:
                _error(result.errors, number, "username" if name == "username" else "code", message)
    if result.errors:
        order = {c.header: i for i, c in enumerate(ROSTER.columns)}
        result.errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))
        return result
    try:
        with transaction.atomic():
            result.issued = issuing.issue_all(actor, [p for _, p in planned])
            record(
                actor,
                Action.IMPORT,
                summary=f"导入账号花名册：发放 {len(result.issued)} 个账号",
                changes={
                    "kind": "account_roster",
                    "rows": result.rows,
                    "created": len(result.issued),
                },
                region_path=common_path(i.assignment.region.path for i in result.issued),
            )
    except AccountRefused as refused:  # a row changed meanwhile (another admin issued it)
        result.issued = []
        result.errors = [RowError(0, "", refused.args[0])]
    return result


def _subject_noun(role: Role) -> str:
    return {
        Role.BRANCH: "组织代码",
        Role.GRID_WORKER: "网格编码",
        Role.UNIT: "单位编码",
        Role.CLERK: "村（社区）区划代码",
        Role.MEMBER: "身份证号",
        Role.RESIDENT: "户编号",
        Role.ADMIN: "区划代码",
    }[role]
