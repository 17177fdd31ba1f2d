"""What each importable sheet looks like: its columns, their Chinese headers, how each maps
to a model field, and the rules shown to cadres in the 填写说明 sheet.

References between sheets are by code, never by database id: a region by its 区划代码, an
organization by its 组织代码, a grid by its 网格编码, a member by 身份证号. Choices are
written as their Chinese labels, booleans as 是/否, dates as real Excel dates."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import models

from orgs.excel import cells
from orgs.models import Education, Gender, Grid, Household, Member, Organization, Region


class ColumnType(StrEnum):
    TEXT = "text"
    CODE = "code"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    CHOICE = "choice"
    BOOL = "bool"
    DATE = "date"
    COUNT = "count"
    ID_LIST = "id_list"


INSTRUCTIONS_SHEET = "填写说明"
TEXT_FORMATTED = (ColumnType.CODE, ColumnType.ID_NUMBER, ColumnType.PHONE, ColumnType.ID_LIST)
BLANK: dict[ColumnType, Any] = {ColumnType.DATE: None, ColumnType.BOOL: False}


@dataclass(frozen=True)
class Column:
    """One column of a sheet. ``field`` names the parsed value; ``source`` is the lookup that
    exports it (``parent__code``) when it differs from ``field``."""

    header: str
    field: str
    datatype: ColumnType
    required: bool = False
    max_length: int = 0
    choices: type[models.TextChoices] | None = None
    source: str = ""
    example: str = ""
    note: str = ""

    @property
    def lookup(self) -> str:
        return self.source or self.field

    @property
    def labels(self) -> list[str]:
        return [str(choice.label) for choice in self.choices] if self.choices else []

    def parse(self, value: Any) -> Any:
        """The model value of one cell; ``cells.CellError`` when it cannot be imported."""
        if cells.text(value) == "":
            if self.required:
                raise cells.CellError("必填，不能为空")
            return [] if self.datatype is ColumnType.ID_LIST else BLANK.get(self.datatype, "")
        match self.datatype:
            case ColumnType.TEXT:
                return cells.parse_text(value, self.max_length)
            case ColumnType.CODE:
                return cells.parse_code(value, self.max_length)
            case ColumnType.ID_NUMBER:
                return cells.parse_id_number(value, self.header)
            case ColumnType.PHONE:
                return cells.parse_phone(value, self.header)
            case ColumnType.CHOICE:
                assert self.choices is not None
                return cells.parse_choice(value, self.choices)
            case ColumnType.BOOL:
                return cells.parse_bool(value)
            case ColumnType.DATE:
                return cells.parse_date(value)
            case ColumnType.COUNT:
                return cells.parse_count(value)
            case ColumnType.ID_LIST:
                return cells.parse_id_list(value, self.header)

    def rule(self) -> str:
        """How to fill the column, for the 填写说明 sheet."""
        rules = {
            ColumnType.TEXT: f"不超过 {self.max_length} 个字",
            ColumnType.CODE: f"不超过 {self.max_length} 个字符，不能有空格",
            ColumnType.ID_NUMBER: "18 位居民身份证号，末位可为 X；请设为文本格式，勿用掩码",
            ColumnType.PHONE: "数字、空格或“-”，7 至 20 位；勿用掩码",
            ColumnType.CHOICE: "从下拉列表选择：" + "、".join(self.labels),
            ColumnType.BOOL: "填“是”或“否”，留空视为“否”",
            ColumnType.DATE: "日期，如 2021-06-01（也可写 2021/6/1 或 2021年6月1日）",
            ColumnType.COUNT: "1 到 99 之间的整数",
            ColumnType.ID_LIST: "多个身份证号用顿号“、”分隔",
        }
        return "；".join(part for part in (rules[self.datatype], self.note) if part)

    @property
    def width(self) -> float:
        """A column width that shows a typical value and the header in Chinese."""
        typical = {
            ColumnType.TEXT: min(max(self.max_length // 4, 12), 36),
            ColumnType.CODE: 16,
            ColumnType.ID_NUMBER: 22,
            ColumnType.PHONE: 16,
            ColumnType.CHOICE: max((len(label) * 2 + 4 for label in self.labels), default=10),
            ColumnType.BOOL: 8,
            ColumnType.DATE: 13,
            ColumnType.COUNT: 8,
            ColumnType.ID_LIST: 42,
        }[self.datatype]
        return float(max(typical, len(self.header) * 2 + 4))


@dataclass(frozen=True)
class Kind:
    """One importable kind of row: its sheet title, model and columns. The first column is
    the key that an import matches existing rows by."""

    name: str
    title: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    note: str = ""

    @property
    def key(self) -> Column:
        return self.columns[0]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)


def _length(model: type[models.Model], field: str) -> int:
    max_length = model._meta.get_field(field).max_length  # type: ignore[union-attr]
    assert max_length is not None
    return max_length


REGION_CODE = _length(Region, "code")
ORGANIZATION_CODE = _length(Organization, "code")
GRID_CODE = _length(Grid, "code")

REGIONS = Kind(
    name="regions",
    title="行政区划",
    model=Region,
    columns=(
        Column("区划代码", "code", ColumnType.CODE, True, REGION_CODE, example="150525100001"),
        Column("名称", "name", ColumnType.TEXT, True, _length(Region, "name"), example="红旗村"),
        Column(
            "层级", "level", ColumnType.CHOICE, True, choices=Region.Level, example="村/嘎查/社区"
        ),
        Column(
            "上级区划代码",
            "parent",
            ColumnType.CODE,
            max_length=REGION_CODE,
            source="parent__code",
            example="150525100",
            note="上级须已存在或在本表中；已有区划不能通过导入调整上级或层级",
        ),
    ),
    note="上级与下级可在同一文件中，顺序不限。",
)

ORGANIZATIONS = Kind(
    name="organizations",
    title="党组织",
    model=Organization,
    columns=(
        Column("组织代码", "code", ColumnType.CODE, True, ORGANIZATION_CODE, example="O-V1"),
        Column(
            "名称",
            "name",
            ColumnType.TEXT,
            True,
            _length(Organization, "name"),
            example="中共红旗村支部委员会",
        ),
        Column(
            "类型", "kind", ColumnType.CHOICE, True, choices=Organization.Kind, example="党支部"
        ),
        Column(
            "上级组织代码",
            "parent",
            ColumnType.CODE,
            max_length=ORGANIZATION_CODE,
            source="parent__code",
            example="O-T1",
            note="上级须已存在或在本表中；已有组织不能通过导入调整上级",
        ),
        Column(
            "所在区划代码",
            "region",
            ColumnType.CODE,
            True,
            REGION_CODE,
            source="region__code",
            example="150525100001",
            note="该组织所在（领导）的区划，须先导入行政区划",
        ),
        Column("成立日期", "founded_on", ColumnType.DATE, example="1956-07-01"),
        Column("撤销日期", "closed_on", ColumnType.DATE, note="仍在运行的组织留空"),
        Column("软弱涣散整顿中", "under_rectification", ColumnType.BOOL, example="否"),
    ),
    note="上级与下级可在同一文件中，顺序不限。",
)

GRIDS = Kind(
    name="grids",
    title="网格",
    model=Grid,
    columns=(
        Column("网格编码", "code", ColumnType.CODE, True, GRID_CODE, example="G-1"),
        Column(
            "名称", "name", ColumnType.TEXT, True, _length(Grid, "name"), example="红旗村第一网格"
        ),
        Column(
            "所在区划代码",
            "region",
            ColumnType.CODE,
            True,
            REGION_CODE,
            source="region__code",
            example="150525100001",
            note="须为村/嘎查/社区",
        ),
        Column(
            "所属支部代码",
            "organization",
            ColumnType.CODE,
            True,
            ORGANIZATION_CODE,
            source="organization__code",
            example="O-V1",
            note="领导该网格的党组织的组织代码",
        ),
        Column(
            "党小组代码",
            "party_group",
            ColumnType.CODE,
            max_length=ORGANIZATION_CODE,
            source="party_group__code",
            note="该网格对应党小组的组织代码",
        ),
    ),
)

MEMBERS = Kind(
    name="members",
    title="党员",
    model=Member,
    columns=(
        Column("身份证号", "id_number", ColumnType.ID_NUMBER, True, example="150525198806120014"),
        Column("姓名", "name", ColumnType.TEXT, True, _length(Member, "name"), example="张红梅"),
        Column("性别", "gender", ColumnType.CHOICE, True, choices=Gender, example="女"),
        Column(
            "出生日期",
            "birth_date",
            ColumnType.DATE,
            example="1988-06-12",
            note="留空时按身份证号推算",
        ),
        Column("手机号", "phone", ColumnType.PHONE, example="13912345678"),
        Column("学历", "education", ColumnType.CHOICE, True, choices=Education, example="本科"),
        Column(
            "党员类别", "status", ColumnType.CHOICE, True, choices=Member.Status, example="正式党员"
        ),
        Column("入党日期", "joined_on", ColumnType.DATE, True, example="2012-07-01"),
        Column(
            "所在党组织代码",
            "organization",
            ColumnType.CODE,
            True,
            ORGANIZATION_CODE,
            source="organization__code",
            example="O-V1",
            note="须先导入党组织",
        ),
        Column("流动党员", "is_mobile", ColumnType.BOOL, example="否"),
        Column(
            "外出地点",
            "mobile_location",
            ColumnType.TEXT,
            max_length=_length(Member, "mobile_location"),
        ),
        Column("在职党员", "is_in_service", ColumnType.BOOL, example="否"),
        Column("工作单位", "workplace", ColumnType.TEXT, max_length=_length(Member, "workplace")),
    ),
    note="按身份证号匹配：已有的党员更新，没有的新增。党员所在的户在「农户」表的“户内党员身份证号”中填写。",
)

HOUSEHOLDS = Kind(
    name="households",
    title="农户",
    model=Household,
    columns=(
        Column(
            "户编号", "code", ColumnType.CODE, True, _length(Household, "code"), example="H000001"
        ),
        Column(
            "户主姓名",
            "head_name",
            ColumnType.TEXT,
            True,
            _length(Household, "head_name"),
            example="王建国",
        ),
        Column(
            "户主身份证号", "head_id_number", ColumnType.ID_NUMBER, example="150525197001010016"
        ),
        Column("联系电话", "phone", ColumnType.PHONE, example="13800001234"),
        Column(
            "住址",
            "address",
            ColumnType.TEXT,
            max_length=_length(Household, "address"),
            example="红旗村一组 12 号",
        ),
        Column("家庭人口", "size", ColumnType.COUNT, True, example="3"),
        Column(
            "网格编码",
            "grid",
            ColumnType.CODE,
            True,
            GRID_CODE,
            source="grid__code",
            example="G-1",
            note="须先导入网格",
        ),
        Column(
            "联系党员身份证号",
            "liaison",
            ColumnType.ID_NUMBER,
            source="liaison__id_number",
            note="党员联系户的联系党员，须先导入党员",
        ),
        Column(
            "户内党员身份证号",
            "members",
            ColumnType.ID_LIST,
            note="住在本户的党员，须先导入党员；留空表示本户没有党员",
        ),
    ),
    note="先导入党员，再导入农户：联系党员和户内党员都按身份证号引用已有的党员。",
)

KINDS: dict[str, Kind] = {
    kind.name: kind for kind in (REGIONS, ORGANIZATIONS, GRIDS, MEMBERS, HOUSEHOLDS)
}
"""The importable kinds in the order a new county is loaded."""


def kind_named(name: str) -> Kind:
    """The kind called ``name``; ``ValueError`` for a name that is not in ``KINDS``."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown Excel kind {name!r}; expected one of {list(KINDS)}") from None
