"""Excel templates, exports and imports of the tree and the people in it, as cadres use them."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from accounts.models import User
from audit.models import AuditEntry
from core.idnumbers import complete
from core.masking import looks_masked
from orgs.domain import people, tree
from orgs.domain.counts import recount
from orgs.excel import KINDS, export_workbook, import_workbook, reading, template_workbook
from orgs.models import Grid, Household, Member, Organization, Region, Unit
from tests.world import add_household, add_member

FULL_WIDTH = str.maketrans("0123456789X-", "０１２３４５６７８９Ｘ－")


def workbook(kind: str, rows: list[dict], headers: list[str] | None = None) -> bytes:
    """An .xlsx with the kind's header row and ``rows`` given as {header: value}."""
    book = Workbook()
    sheet = book.active
    headers = headers or KINDS[kind].headers
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def data_rows(content: bytes) -> list[tuple]:
    """The data rows of an exported or template workbook's first sheet, header first."""
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def as_dicts(content: bytes) -> list[dict]:
    header, *rows = data_rows(content)
    return [dict(zip(header, row, strict=True)) for row in rows]


def messages(result) -> list[str]:
    return [str(error) for error in result.errors]


def table_counts() -> dict[str, int]:
    models = (Region, Organization, Grid, Member, Household)
    return {model.__name__: model.objects.count() for model in models}


def writes() -> int:
    return AuditEntry.objects.filter(action__in=["create", "update", "delete"]).count()


def new_member(world, **cells) -> dict:
    row = {
        "身份证号": complete("15052519900315002"),
        "姓名": "周晓燕",
        "性别": "女",
        "出生日期": date(1990, 3, 15),
        "手机号": "13700001111",
        "学历": "本科",
        "党员类别": "预备党员",
        "入党日期": "2021-06-01",
        "所在党组织代码": world.branch_org.code,
    }
    row.update(cells)
    return row


def snapshot() -> dict[str, set[tuple]]:
    """Every row of the five kinds with its references as codes: what a round trip keeps."""
    return {
        "regions": set(Region.objects.values_list("code", "name", "level", "parent__code")),
        "organizations": set(
            Organization.objects.values_list(
                "code",
                "name",
                "kind",
                "parent__code",
                "region__code",
                "founded_on",
                "closed_on",
                "under_rectification",
            )
        ),
        "grids": set(
            Grid.objects.values_list(
                "code", "name", "region__code", "organization__code", "party_group__code"
            )
        ),
        "members": set(
            Member.objects.values_list(
                "id_number",
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
                "organization__code",
                "household__code",
                "region__code",
            )
        ),
        "households": set(
            Household.objects.values_list(
                "code",
                "head_name",
                "head_id_number",
                "phone",
                "address",
                "size",
                "grid__code",
                "liaison__id_number",
                "region__code",
            )
        ),
        "counters": set(
            Region.objects.values_list(
                "code",
                "own_member_count",
                "own_household_count",
                "own_organization_count",
                "own_grid_count",
            )
        ),
    }


def enrich(world) -> None:
    """Fill the fields the test county leaves blank, and give its people valid ID numbers, so
    that a round trip has something to lose."""
    group = tree.add_organization(
        None,
        parent=world.branch_org,
        region=world.village,
        name="红旗村第一党小组",
        code="O-V1-G1",
        kind="group",
        founded_on=date(2019, 7, 1),
    )
    people.update(None, world.grid, party_group=group)
    tree.add_organization(
        None,
        parent=world.neighbour_branch_org,
        region=world.neighbour_village,
        name="向阳村第二党小组",
        code="O-V2-G2",
        kind="group",
        founded_on=date(2015, 4, 1),
        closed_on=date(2023, 12, 31),
        under_rectification=True,
    )
    people.update(
        None,
        world.neighbour_member,
        is_mobile=True,
        mobile_location="呼和浩特",
        workplace="青山旗农牧局",
        is_in_service=True,
        education="bachelor",
        status="probationary",
    )
    people.update(None, world.household, liaison=world.neighbour_member, address="红旗村一组 3 号")
    for number, member in enumerate(Member.objects.order_by("pk"), start=1):
        people.update(None, member, id_number=complete(f"15052519800101{number:03d}"))
    for number, household in enumerate(Household.objects.order_by("pk"), start=1):
        people.update(None, household, head_id_number=complete(f"15052519700101{number:03d}"))


def delete_everything() -> None:
    Household.objects.all().delete()
    Member.objects.all().delete()
    Grid.objects.all().delete()
    Unit.objects.all().delete()
    for model in (Organization, Region):
        for node in model.objects.order_by("-depth"):
            node.delete()


# Templates --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_template_has_the_headers_dropdowns_and_instructions(kind):
    book = load_workbook(BytesIO(template_workbook(kind)))
    assert book.sheetnames == [KINDS[kind].title, "填写说明"]
    sheet = book.worksheets[0]
    assert [cell.value for cell in sheet[1]] == KINDS[kind].headers
    assert sheet.max_row == 1  # no example row: the data sheet imports cleanly as it is
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert all(sheet.column_dimensions[cell.column_letter].width >= 8 for cell in sheet[1])
    instructions = [row[0] for row in book["填写说明"].iter_rows(values_only=True)]
    assert set(KINDS[kind].headers) <= set(instructions)


def test_template_offers_dropdowns_for_choices_and_keeps_id_numbers_as_text():
    sheet = load_workbook(BytesIO(template_workbook("members"))).worksheets[0]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["C2"] == '"男,女"'
    assert lists["F2"] == '"小学及以下,初中,高中/中专,大专,本科,研究生"'
    assert lists["G2"] == '"正式党员,预备党员"'
    assert lists["J2"] == '"是,否"'
    assert sheet.column_dimensions["A"].number_format == "@"


def test_a_filled_in_template_imports(world):
    book = load_workbook(BytesIO(template_workbook("members")))
    row = new_member(world)
    book.worksheets[0].append([row.get(header) for header in KINDS["members"].headers])
    buffer = BytesIO()
    book.save(buffer)

    result = import_workbook(world.township_admin, "members", buffer.getvalue())

    assert messages(result) == []
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    member = Member.objects.get(id_number=row["身份证号"])
    assert (member.gender, member.education, member.status) == (
        "female",
        "bachelor",
        "probationary",
    )
    assert member.joined_on == date(2021, 6, 1)
    assert member.region == world.village


# Exports ----------------------------------------------------------------------------------


def test_export_masks_id_numbers_and_phones_for_everyone_by_default(world):
    for user in (world.county_admin, world.branch):
        rows = as_dicts(export_workbook(user, "members"))
        assert rows and all(looks_masked(row["身份证号"]) for row in rows)
        assert all(looks_masked(row["手机号"]) for row in rows)
    households = as_dicts(export_workbook(world.township_admin, "households"))
    assert all(looks_masked(row["户主身份证号"]) for row in households)
    wang = next(row for row in households if row["户主姓名"] == "王建国")
    assert looks_masked(wang["户内党员身份证号"])


def test_unmasked_export_needs_an_admin(world):
    with pytest.raises(PermissionError, match="只有管理员"):
        export_workbook(world.branch, "members", unmasked=True)
    assert not AuditEntry.objects.filter(action="export").exists()

    rows = as_dicts(export_workbook(world.township_admin, "members", unmasked=True))

    assert {row["身份证号"] for row in rows} == {
        world.member_person.id_number,
        world.neighbour_member.id_number,
    }
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == world.township_admin
    assert entry.changes == {"kind": "members", "rows": 2, "unmasked": True}
    assert entry.region_path == world.township.path


def test_every_export_is_audited(world):
    export_workbook(world.county_admin, "households", root_region=world.village)
    entry = AuditEntry.objects.get(action="export")
    assert entry.changes == {"kind": "households", "rows": 2, "unmasked": False}
    assert entry.region_path == world.village.path


def test_township_admin_exports_only_its_township(world):
    def keys(kind):
        return {row[0] for row in data_rows(export_workbook(world.township_admin, kind))[1:]}

    assert keys("regions") == {"150525100", "150525100001", "150525100002"}
    assert keys("organizations") == {"O-T1", "O-V1", "O-V2"}
    assert keys("grids") == {"G-1", "G-2"}
    assert keys("households") == {
        world.household.code,
        world.other_household_same_grid.code,
        world.neighbour_household.code,
    }
    names = {row[1] for row in data_rows(export_workbook(world.township_admin, "members"))[1:]}
    assert names == {"张红梅", "刘志强"}


def test_export_of_a_subtree_is_in_tree_order(world):
    rows = data_rows(export_workbook(world.county_admin, "regions", root_region=world.township))
    assert [row[0] for row in rows[1:]] == ["150525100", "150525100001", "150525100002"]
    assert rows[1][2] == "乡/镇/苏木/街道"
    outsider_rows = data_rows(export_workbook(world.outsider, "households", world.township))
    assert outsider_rows[1:] == []


def test_export_writes_real_dates_and_labels(world):
    rows = as_dicts(export_workbook(world.county_admin, "members", unmasked=True))
    zhang = next(row for row in rows if row["姓名"] == "张红梅")
    assert zhang["出生日期"].date() == date(1980, 1, 1)
    assert (zhang["性别"], zhang["学历"], zhang["党员类别"], zhang["流动党员"]) == (
        "女",
        "高中/中专",
        "正式党员",
        "否",
    )


# Round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_round_trip_of_an_export_changes_nothing(world, kind):
    enrich(world)
    before, audit_before = snapshot(), AuditEntry.objects.count()
    content = export_workbook(world.county_admin, kind, unmasked=True)

    result = import_workbook(world.county_admin, kind, content)

    assert messages(result) == []
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == result.rows == len(data_rows(content)) - 1
    assert snapshot() == before
    new_entries = AuditEntry.objects.order_by("id")[audit_before:]
    assert [entry.action for entry in new_entries] == ["export", "import"]
    assert new_entries[1].changes["unchanged"] == result.rows


def test_round_trip_into_an_empty_database_rebuilds_the_tree(world):
    enrich(world)
    root = User.objects.create_superuser("root", password="lingyan-test-pass")
    exports = {kind: export_workbook(root, kind, unmasked=True) for kind in KINDS}
    before = snapshot()

    delete_everything()
    assert table_counts() == dict.fromkeys(table_counts(), 0)
    for kind in ("regions", "organizations", "grids", "members", "households"):
        result = import_workbook(root, kind, exports[kind])
        assert messages(result) == [], kind
        assert result.created == result.rows

    assert snapshot() == before
    counters = snapshot()["counters"]
    recount()
    assert snapshot()["counters"] == counters
    for grid in Grid.objects.select_related("region", "organization"):
        assert (grid.region_path, grid.org_path) == (grid.region.path, grid.organization.path)


def test_changed_rows_are_updated_and_audited_one_by_one(world):
    rows = as_dicts(export_workbook(world.township_admin, "members", unmasked=True))
    for row in rows:
        if row["姓名"] == "刘志强":
            row["手机号"] = "13912340000"
            row["流动党员"] = "是"
            row["外出地点"] = "包头"

    result = import_workbook(world.township_admin, "members", workbook("members", rows))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    world.neighbour_member.refresh_from_db()
    assert (world.neighbour_member.phone, world.neighbour_member.is_mobile) == (
        "13912340000",
        True,
    )
    update = AuditEntry.objects.get(action="update")
    assert update.object_id == str(world.neighbour_member.pk)
    assert update.changes["mobile_location"] == ["", "包头"]
    summary = AuditEntry.objects.get(action="import")
    assert summary.changes == {
        "kind": "members",
        "rows": 2,
        "created": 0,
        "updated": 1,
        "unchanged": 1,
    }
    assert summary.region_path == world.township.path


# Tree imports -----------------------------------------------------------------------------


def test_parents_may_come_after_their_children_in_the_file(world):
    regions = workbook(
        "regions",
        [
            {
                "区划代码": "150525300001",
                "名称": "新华村",
                "层级": "村",
                "上级区划代码": "150525300",
            },
            {"区划代码": "150525300", "名称": "南山镇", "层级": "镇", "上级区划代码": "150525"},
        ],
    )
    organizations = workbook(
        "organizations",
        [
            {
                "组织代码": "O-N1",
                "名称": "新华村党支部",
                "类型": "党支部",
                "上级组织代码": "O-N",
                "所在区划代码": "150525300001",
                "成立日期": "1958/3/1",
            },
            {
                "组织代码": "O-N",
                "名称": "中共南山镇委员会",
                "类型": "党委",
                "上级组织代码": "O-C",
                "所在区划代码": "150525300",
            },
        ],
    )

    assert messages(import_workbook(world.county_admin, "regions", regions)) == []
    assert messages(import_workbook(world.county_admin, "organizations", organizations)) == []

    village = Region.objects.get(code="150525300001")
    assert village.parent.code == "150525300"
    assert village.level == "village"
    assert village.path.startswith(world.county.path)
    branch = Organization.objects.get(code="O-N1")
    assert (branch.parent.code, branch.region, branch.founded_on) == (
        "O-N",
        village,
        date(1958, 3, 1),
    )


def test_moving_a_region_or_organization_by_import_is_refused(world):
    before = snapshot()
    regions = workbook(
        "regions",
        [{"区划代码": "150525100001", "名称": "红旗村", "层级": "村", "上级区划代码": "150525200"}],
    )
    organizations = workbook(
        "organizations",
        [
            {
                "组织代码": "O-V1",
                "名称": "红旗村党支部",
                "类型": "党支部",
                "上级组织代码": "O-T2",
                "所在区划代码": "150525100002",
            }
        ],
    )

    region_result = import_workbook(world.county_admin, "regions", regions)
    organization_result = import_workbook(world.county_admin, "organizations", organizations)

    assert messages(region_result) == [
        "第 2 行「上级区划代码」：不支持通过导入调整上级（现为“150525100”）"
    ]
    assert messages(organization_result) == [
        "第 2 行「上级组织代码」：不支持通过导入调整上级（现为“O-T1”）",
        "第 2 行「所在区划代码」：不支持通过导入调整所在区划（现为“150525100001”）",
    ]
    assert snapshot() == before


def test_levels_and_kinds_must_fit_under_their_parent(world):
    regions = workbook(
        "regions",
        [
            {
                "区划代码": "150525100009",
                "名称": "新镇",
                "层级": "镇",
                "上级区划代码": "150525100001",
            }
        ],
    )
    organizations = workbook(
        "organizations",
        [
            {
                "组织代码": "O-X",
                "名称": "红旗村党委",
                "类型": "党委",
                "上级组织代码": "O-V1",
                "所在区划代码": "150525100001",
            }
        ],
    )

    assert messages(import_workbook(world.county_admin, "regions", regions)) == [
        "第 2 行「层级」：“乡/镇/苏木/街道”不能位于“村/嘎查/社区”之下。"
    ]
    assert messages(import_workbook(world.county_admin, "organizations", organizations)) == [
        "第 2 行「类型」：“党委”不能位于“党支部”之下。"
    ]


def test_a_branch_cannot_be_promoted_above_its_own_groups(world):
    tree.add_organization(
        None, parent=world.branch_org, region=world.village, name="一组", code="O-G", kind="group"
    )
    rows = as_dicts(export_workbook(world.county_admin, "organizations"))
    for row in rows:
        if row["组织代码"] == "O-V1":
            row["类型"] = "党小组"
        if row["组织代码"] == "O-V2":
            row["类型"] = "党总支"
            row["名称"] = "向阳村党总支"

    result = import_workbook(world.county_admin, "organizations", workbook("organizations", rows))

    assert messages(result) == ["第 4 行「类型」：党小组之下不能再设组织。"]
    assert Organization.objects.get(code="O-V2").kind == "branch"


def test_only_a_superuser_may_add_a_top_level_region(world):
    regions = workbook("regions", [{"区划代码": "160000", "名称": "南原省", "层级": "省"}])
    result = import_workbook(world.county_admin, "regions", regions)
    assert messages(result) == [
        "第 2 行「上级区划代码」：只有系统管理员可以新增最上级区划；请填写上级区划代码"
    ]


def test_a_loop_of_parents_is_reported_on_each_row_in_it(world):
    regions = workbook(
        "regions",
        [
            {"区划代码": "150525400", "名称": "甲镇", "层级": "镇", "上级区划代码": "150525401"},
            {"区划代码": "150525401", "名称": "乙镇", "层级": "镇", "上级区划代码": "150525400"},
        ],
    )
    reported = messages(import_workbook(world.county_admin, "regions", regions))
    assert "第 2 行「上级区划代码」：上级关系形成循环，请检查上级编码" in reported
    assert "第 3 行「上级区划代码」：上级关系形成循环，请检查上级编码" in reported
    assert not Region.objects.filter(code__startswith="1505254").exists()


def test_an_organization_may_be_renamed_and_change_kind(world):
    rows = as_dicts(export_workbook(world.township_admin, "organizations"))
    for row in rows:
        if row["组织代码"] == "O-V2":
            row.update({"类型": "党总支", "名称": "向阳村党总支", "软弱涣散整顿中": "是"})

    result = import_workbook(world.township_admin, "organizations", workbook("organizations", rows))

    assert (messages(result), result.updated, result.unchanged) == ([], 1, 2)
    world.neighbour_branch_org.refresh_from_db()
    assert (world.neighbour_branch_org.kind, world.neighbour_branch_org.name) == (
        "general_branch",
        "向阳村党总支",
    )
    assert world.neighbour_branch_org.under_rectification
    update = AuditEntry.objects.get(action="update")
    assert update.changes["kind"] == ["branch", "general_branch"]
    assert update.region_path == world.neighbour_village.path


# People imports ---------------------------------------------------------------------------


def test_bad_rows_are_all_reported_with_row_numbers_and_nothing_is_written(world):
    before, writes_before = table_counts(), writes()
    rows = [
        new_member(world),
        new_member(world, 身份证号=complete("15052519900315003"), 性别="M"),
        new_member(world, 身份证号=complete("15052519900315004"), 入党日期="2021-13-01"),
        new_member(world, 身份证号="1505**********0018"),
        new_member(world, 身份证号="150525199003150019"),
        new_member(world, 身份证号=complete("15052519900315005"), 所在党组织代码="O-NONE"),
        new_member(world),
        new_member(world, 身份证号=complete("15052519900315006"), 姓名=None, 学历="博士"),
        new_member(world, 身份证号=complete("15052519900315007"), 手机号="139****0000"),
    ]

    result = import_workbook(world.township_admin, "members", workbook("members", rows))

    assert not result.ok
    assert messages(result) == [
        "第 3 行「性别」：只能填写“男”或“女”，收到“M”",
        "第 4 行「入党日期」：无法识别的日期“2021-13-01”，请填写如 2021-06-01 的日期",
        "第 5 行「身份证号」：身份证号是掩码，不能导入；请使用含完整证件号的导出",
        "第 6 行「身份证号」：身份证号“150525199003150019”的校验位不符，请核对是否有错字",
        "第 7 行「所在党组织代码」：在您的管辖范围内找不到党组织“O-NONE”",
        f"第 8 行「身份证号」：“{rows[0]['身份证号']}”与第 2 行重复",
        "第 9 行「姓名」：必填，不能为空",
        "第 9 行「学历」：只能填写“小学及以下”、“初中”、“高中/中专”、“大专”、“本科”、“研究生”之一，"
        "收到“博士”",
        "第 10 行「手机号」：手机号是掩码，不能导入；请使用含完整号码的导出",
    ]
    assert result.summary == "发现 9 处错误，未导入任何数据。"
    assert table_counts() == before
    assert writes() == writes_before
    assert not AuditEntry.objects.filter(action="import").exists()


def test_full_width_digits_and_stray_spaces_are_forgiven_but_numeric_ids_are_not(world):
    typed = new_member(
        world,
        身份证号=" 150525 " + complete("15052519900315040")[6:].translate(FULL_WIDTH),
        所在党组织代码=" Ｏ－Ｖ１",
        性别=" 女 ",
        学历="大专",
        流动党员="Y",
    )
    numeric = new_member(world, 身份证号=int(complete("15052519900315041")))

    result = import_workbook(world.township_admin, "members", workbook("members", [typed]))
    refused = import_workbook(world.township_admin, "members", workbook("members", [numeric]))

    assert messages(result) == []
    member = Member.objects.get(id_number=complete("15052519900315040"))
    assert (member.organization, member.education, member.is_mobile) == (
        world.branch_org,
        "college",
        True,
    )
    assert messages(refused) == [
        "第 2 行「身份证号」：身份证号被 Excel 存成了数字，后几位已经丢失；"
        "请把该列设为“文本”格式后重新录入"
    ]


def test_dates_may_be_typed_as_text(world):
    rows = [
        new_member(world, 身份证号=complete(f"15052519900315{n:03d}"), 入党日期=typed)
        for n, typed in enumerate(["2021/6/1", "2021年6月1日", "2021.6.1", "20210601"], start=10)
    ]
    rows[0]["出生日期"] = None  # taken from the ID number

    result = import_workbook(world.township_admin, "members", workbook("members", rows))

    assert messages(result) == []
    joined = set(Member.objects.filter(name="周晓燕").values_list("joined_on", "birth_date"))
    assert joined == {(date(2021, 6, 1), date(1990, 3, 15))}


def test_a_masked_export_cannot_be_imported(world):
    content = export_workbook(world.township_admin, "households")
    result = import_workbook(world.township_admin, "households", content)
    assert "第 2 行「户主身份证号」：户主身份证号是掩码，不能导入；请使用含完整证件号的导出" in (
        messages(result)
    )
    assert not AuditEntry.objects.filter(action="import").exists()


def test_households_name_their_liaison_and_the_members_living_in_them(world):
    rows = as_dicts(export_workbook(world.township_admin, "households", unmasked=True))
    for row in rows:
        if row["户编号"] == world.household.code:
            row["户内党员身份证号"] = None  # 张红梅 moves out …
        if row["户编号"] == world.neighbour_household.code:
            row["户内党员身份证号"] = world.member_person.id_number  # … to 赵德胜's household
            row["联系党员身份证号"] = world.neighbour_member.id_number
    rows.append(
        {
            "户编号": "H-NEW",
            "户主姓名": "吴桂芝",
            "户主身份证号": complete("15052519650808002"),
            "家庭人口": 2,
            "网格编码": "G-2",
            "户内党员身份证号": world.neighbour_member.id_number,
        }
    )

    result = import_workbook(world.township_admin, "households", workbook("households", rows))

    assert messages(result) == []
    assert (result.created, result.updated, result.unchanged) == (1, 1, 2)
    world.member_person.refresh_from_db()
    world.neighbour_member.refresh_from_db()
    world.neighbour_household.refresh_from_db()
    assert world.member_person.household == world.neighbour_household
    assert world.neighbour_member.household.code == "H-NEW"
    assert world.neighbour_household.liaison == world.neighbour_member


def test_a_member_may_live_in_one_household_only(world):
    rows = as_dicts(export_workbook(world.township_admin, "households", unmasked=True))
    for row in rows:
        row["户内党员身份证号"] = world.member_person.id_number
    result = import_workbook(world.township_admin, "households", workbook("households", rows))
    assert messages(result)[0] == (
        f"第 3 行「户内党员身份证号」：党员“{world.member_person.id_number}”已列在第 2 行的户内"
    )


def test_counters_still_match_after_an_import(world):
    members = [
        new_member(world, 身份证号=complete("15052519900315020")),
        new_member(
            world,
            身份证号=complete("15052519900315021"),
            所在党组织代码=world.neighbour_branch_org.code,
        ),
    ]
    moved = as_dicts(export_workbook(world.township_admin, "members", unmasked=True))
    for row in moved:
        row["所在党组织代码"] = world.neighbour_branch_org.code
    households = [
        {"户编号": f"H-{n}", "户主姓名": "新户", "家庭人口": 4, "网格编码": grid}
        for n, grid in enumerate(["G-1", "G-2", "G-2"])
    ]

    for kind, rows in (("members", members + moved), ("households", households)):
        result = import_workbook(world.township_admin, kind, workbook(kind, rows))
        assert messages(result) == []

    counters = snapshot()["counters"]
    recount()
    assert snapshot()["counters"] == counters
    world.neighbour_village.refresh_from_db()
    assert world.neighbour_village.own_member_count == 3
    assert world.neighbour_village.own_household_count == 3


def test_grids_must_be_in_a_village_and_name_a_party_group(world):
    grids = workbook(
        "grids",
        [
            {
                "网格编码": "G-9",
                "名称": "镇上网格",
                "所在区划代码": "150525100",
                "所属支部代码": "O-V1",
            },
            {
                "网格编码": "G-10",
                "名称": "红旗村第二网格",
                "所在区划代码": "150525100001",
                "所属支部代码": "O-V1",
                "党小组代码": "O-V2",
            },
        ],
    )
    assert messages(import_workbook(world.township_admin, "grids", grids)) == [
        "第 2 行「所在区划代码」：网格只能设在村、嘎查或社区，东风镇是乡/镇/苏木/街道",
        "第 3 行「党小组代码」：“O-V2”不是党小组",
    ]


# Scope ------------------------------------------------------------------------------------


def test_outsider_cannot_import_into_our_township(world):
    before, writes_before = table_counts(), writes()
    household = {"户主姓名": "钱多多", "家庭人口": 1}
    rows = [
        {**household, "户编号": "H-X1", "网格编码": world.grid.code},
        {**household, "户编号": "H-X2", "网格编码": "G-404"},
        {**household, "户编号": world.household.code, "网格编码": world.outsider_grid.code},
    ]

    result = import_workbook(world.outsider, "households", workbook("households", rows))

    assert messages(result) == [
        # our grid reads exactly like a grid that does not exist
        "第 2 行「网格编码」：在您的管辖范围内找不到网格“G-1”",
        "第 3 行「网格编码」：在您的管辖范围内找不到网格“G-404”",
        f"第 4 行「户编号」：“{world.household.code}”已存在，但不在您可修改的范围内",
    ]
    assert table_counts() == before
    assert writes() == writes_before
    world.household.refresh_from_db()
    assert world.household.grid == world.grid


def test_outsider_cannot_add_members_to_our_branch(world):
    result = import_workbook(world.outsider, "members", workbook("members", [new_member(world)]))
    assert messages(result) == ["第 2 行「所在党组织代码」：在您的管辖范围内找不到党组织“O-V1”"]
    assert not Member.objects.filter(name="周晓燕").exists()


def test_a_branch_imports_into_its_own_organization_only(world):
    own = new_member(world)
    neighbour = new_member(
        world,
        身份证号=complete("15052519900315030"),
        所在党组织代码=world.neighbour_branch_org.code,
    )

    refused = import_workbook(world.branch, "members", workbook("members", [own, neighbour]))
    accepted = import_workbook(world.branch, "members", workbook("members", [own]))

    assert messages(refused) == ["第 3 行「所在党组织代码」：在您的管辖范围内找不到党组织“O-V2”"]
    assert (accepted.created, Member.objects.get(id_number=own["身份证号"]).organization) == (
        1,
        world.branch_org,
    )


def test_rows_that_would_land_outside_the_write_scope_are_refused(world):
    # A member sees their own village and organization, but may not create grids there.
    grids = workbook(
        "grids",
        [
            {
                "网格编码": "G-M",
                "名称": "自建网格",
                "所在区划代码": "150525100001",
                "所属支部代码": "O-V1",
            }
        ],
    )
    result = import_workbook(world.member, "grids", grids)
    assert messages(result) == ["第 2 行：这一行将落在您可修改的范围之外，不能导入"]
    assert not Grid.objects.filter(code="G-M").exists()
    assert not AuditEntry.objects.filter(model="orgs.Grid", action="create", actor=world.member)


# Files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xe5\xa7\x93\xe5\x90\x8d,\xe6\x80\xa7\xe5\x88\xab\n", "只能导入 Excel 的 .xlsx 文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧版 Excel（.xls）"),
        (b"PK\x03\x04 not really a zip", "无法读取该文件"),
        (b"", "上传的文件是空的"),
    ],
)
def test_a_file_that_is_not_an_xlsx_gets_a_clean_error(world, content, expected):
    result = import_workbook(world.township_admin, "members", content)
    assert len(result.errors) == 1
    assert result.errors[0].row == 0
    assert expected in str(result.errors[0])


def test_a_missing_or_renamed_header_is_named(world):
    headers = [h if h != "性别" else "性 别" for h in KINDS["members"].headers if h != "学历"]
    result = import_workbook(
        world.township_admin, "members", workbook("members", [new_member(world)], headers)
    )
    assert messages(result) == [
        "第 1 行「性 别」：无法识别的列名；请使用模板中的列名",
        "第 1 行：缺少列「性别」、「学历」；请勿修改模板的表头",
    ]


def test_extra_serial_and_remark_columns_are_ignored(world):
    headers = ["序号", *KINDS["members"].headers, "备注"]
    row = {**new_member(world), "序号": 1, "备注": "新发展党员"}
    result = import_workbook(world.township_admin, "members", workbook("members", [row], headers))
    assert (messages(result), result.created) == ([], 1)


def test_an_empty_sheet_and_a_sheet_of_another_kind_are_named(world):
    empty = import_workbook(world.township_admin, "members", workbook("members", []))
    wrong = import_workbook(world.township_admin, "households", workbook("members", []))
    assert messages(empty) == ["文件中没有数据：表头以下至少要有一行记录。"]
    assert messages(wrong) == ["这是「党员」表，不是「农户」表；请到「党员」导入中上传。"]


def test_files_over_the_limits_are_refused(world, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1024 * 1024)
    rows = workbook("members", [new_member(world)] * 3)
    big = b"PK\x03\x04" + bytes(1024 * 1024)

    too_many = import_workbook(world.township_admin, "members", rows)
    too_big = import_workbook(world.township_admin, "members", big)
    too_big_upload = import_workbook(
        world.township_admin, "members", SimpleUploadedFile("a.xlsx", big)
    )

    assert messages(too_many) == ["数据超过 2 行的上限，请分成几个文件导入。"]
    assert (
        messages(too_big)
        == messages(too_big_upload)
        == ["文件超过 1 MB 的上限，请分成几个文件导入。"]
    )


def test_an_uploaded_file_is_accepted(world):
    upload = SimpleUploadedFile("党员.xlsx", workbook("members", [new_member(world)]))
    assert import_workbook(world.township_admin, "members", upload).created == 1


# Efficiency -------------------------------------------------------------------------------


def test_references_are_resolved_per_kind_not_per_row(world):
    def queries_for_unchanged_import() -> int:
        content = export_workbook(world.county_admin, "households", unmasked=True)
        with CaptureQueriesContext(connection) as captured:
            result = import_workbook(world.county_admin, "households", content)
        assert result.unchanged == result.rows
        return len(captured)

    people.update(None, world.household, liaison=world.member_person)
    few = queries_for_unchanged_import()
    for number in range(20):
        household = add_household(world.neighbour_grid, f"户主{number}")
        people.update(None, household, liaison=world.neighbour_member)
        add_member(world.neighbour_branch_org, f"党员{number}", household=household)

    assert queries_for_unchanged_import() == few
