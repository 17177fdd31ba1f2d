"""Blank templates and exports, written through the one writer (``core.excel``: typed text
stays text, whatever it begins with). Both write the same data sheet — so an export is also a
template, and imports back unchanged — followed by a 填写说明 sheet with the rules.

Workbooks are written in openpyxl's write-only mode and rows are read in chunks, so a county's
60,000 households are streamed rather than held in memory."""

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.scope import scope_for, visible
from audit.log import Action, record
from core.excel import append, save
from core.masking import mask_id_number, mask_phone
from core.paths import common_path, subtree_q
from orgs.excel.kinds import (
    INSTRUCTIONS_SHEET,
    TEXT_FORMATTED,
    Column,
    ColumnType,
    Kind,
    kind_named,
)
from orgs.models import Member, Region

CHUNK = 2000
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
OPTIONAL_FONT = Font(bold=True)
LAST_ROW = 1_048_576
GENERAL_RULES = (
    "第一个工作表是数据表：第 1 行是表头，请勿修改、删除或调换表头；从第 2 行起每行一条记录。",
    "红色表头为必填列，黑色表头为选填列；选填列留空表示没有（已有的值会被清空）。",
    "按第一列的编码匹配：编码已存在的更新，不存在的新增；内容相同的行不做任何修改。",
    "文件中只要有一处错误，整份文件都不会导入；请按提示的行号和列名修改后重新上传。",
    "可另加「序号」「备注」列，导入时忽略。导入顺序：行政区划 → 党组织 → 网格 → 党员 → 农户。",
)


def template_workbook(kind: str) -> bytes:
    """A blank workbook for ``kind``: the header row with dropdowns, and the 填写说明 sheet."""
    return _workbook(kind_named(kind), [])


def export_workbook(
    user, kind: str, root_region: Region | None = None, *, unmasked: bool = False
) -> bytes:
    """The rows of ``kind`` visible to ``user`` (only ``root_region``'s subtree when given), in
    tree order and in the template's columns. ID numbers and phones are masked unless
    ``unmasked``, which only admins may ask for (``PermissionError`` otherwise). Every export
    is written to the audit log with its row count."""
    spec = kind_named(kind)
    scope = scope_for(user)
    if unmasked and not scope.is_admin:
        raise PermissionError("只有管理员可以导出完整的身份证号和手机号。")
    counter = _Counter(_export_rows(user, spec, root_region, unmasked))
    content = _workbook(spec, counter)
    place = root_region.path if root_region is not None else common_path(scope.place_paths)
    record(
        user,
        Action.EXPORT,
        summary=f"导出{spec.title} {counter.count} 条" + ("（含完整个人信息）" if unmasked else ""),
        changes={"kind": spec.name, "rows": counter.count, "unmasked": unmasked},
        region_path=place,
    )
    return content


class _Counter:
    """Passes rows through, counting them for the audit entry."""

    def __init__(self, rows: Iterable[list[Any]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def _export_rows(
    user, spec: Kind, root_region: Region | None, unmasked: bool
) -> Iterator[list[Any]]:
    queryset: QuerySet = visible(user, spec.model)
    if root_region is not None:
        field = "path" if spec.model is Region else "region_path"
        queryset = queryset.filter(subtree_q(field, root_region.path))
    plain = [column for column in spec.columns if column.datatype is not ColumnType.ID_LIST]
    # The one list column is a household's 户内党员身份证号, read per chunk of households.
    lists = [column for column in spec.columns if column.datatype is ColumnType.ID_LIST]
    rows = queryset.values_list("pk", *(column.lookup for column in plain)).iterator(CHUNK)
    while chunk := list(islice(rows, CHUNK)):
        members = _household_members(user, [row[0] for row in chunk]) if lists else {}
        for pk, *values in chunk:
            cells = dict(zip((column.field for column in plain), values, strict=True))
            for column in lists:
                cells[column.field] = members.get(pk, [])
            yield [_cell_value(column, cells[column.field], unmasked) for column in spec.columns]


def _household_members(user, household_ids: list[int]) -> dict[int, list[str]]:
    """The ID numbers of the visible members living in each household."""
    members: dict[int, list[str]] = {}
    rows = (
        visible(user, Member)
        .filter(household_id__in=household_ids)
        .order_by("id_number")
        .values_list("household_id", "id_number")
    )
    for household_id, id_number in rows:
        members.setdefault(household_id, []).append(id_number)
    return members


def _cell_value(column: Column, value: Any, unmasked: bool) -> Any:
    """What the cell shows: labels for choices, 是/否, masked personal data; blank for none."""
    if value is None or value == "" or value == []:
        return None
    match column.datatype:
        case ColumnType.CHOICE:
            assert column.choices is not None
            return str(column.choices(value).label)
        case ColumnType.BOOL:
            return "是" if value else "否"
        case ColumnType.ID_NUMBER:
            return value if unmasked else mask_id_number(value)
        case ColumnType.PHONE:
            return value if unmasked else mask_phone(value)
        case ColumnType.ID_LIST:
            return "、".join(value if unmasked else [mask_id_number(item) for item in value])
    return value


def _workbook(spec: Kind, rows: Iterable[list[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec.title)
    for index, column in enumerate(spec.columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.datatype in TEXT_FORMATTED:
            dimension.number_format = "@"
        elif column.datatype is ColumnType.DATE:
            dimension.number_format = "yyyy-mm-dd"
        _add_dropdown(sheet, column, get_column_letter(index))
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, column.header, column.required) for column in spec.columns])
    for row in rows:
        append(sheet, row)
    _write_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), spec)
    return save(workbook)


def _header_cell(sheet: WriteOnlyWorksheet, text: str, required: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = REQUIRED_FONT if required else OPTIONAL_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell


def _add_dropdown(sheet: WriteOnlyWorksheet, column: Column, letter: str) -> None:
    if column.datatype is ColumnType.CHOICE:
        labels = column.labels
    elif column.datatype is ColumnType.BOOL:
        labels = ["是", "否"]
    else:
        return
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(labels) + '"',
        allow_blank=not column.required,
        showErrorMessage=True,
        errorTitle=column.header,
        error="请从下拉列表中选择：" + "、".join(labels),
    )
    validation.add(f"{letter}2:{letter}{LAST_ROW}")
    sheet.data_validations.append(validation)


def _write_instructions(sheet: WriteOnlyWorksheet, spec: Kind) -> None:
    for letter, width in zip("ABCD", (22, 10, 70, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    title = WriteOnlyCell(sheet, value=f"「{spec.title}」导入说明")
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    for rule in (*GENERAL_RULES, spec.note):
        if rule:
            append(sheet, [rule])
    sheet.append([])
    sheet.append([_header_cell(sheet, text) for text in ("列名", "必填", "填写要求", "示例")])
    for column in spec.columns:
        append(
            sheet,
            [
                column.header,
                "必填" if column.required else "选填",
                column.rule(),
                column.example or None,
            ],
        )
