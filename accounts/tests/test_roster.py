"""The Excel roster: all or nothing, row-numbered Chinese errors, and the pre-filled roster of
missing accounts that imports back unchanged (issue 11: "a county admin issues every branch
and grid worker an account from one Excel file")."""

import base64
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from accounts.domain import coverage
from accounts.domain.roster import ROSTER, import_roster
from accounts.models import User
from audit.models import AuditEntry


def roster_file(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = ROSTER.title
    sheet.append(ROSTER.headers)
    for row in rows:
        sheet.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.xlsx", content)


def test_it_issues_every_row_of_a_good_file(world, login):
    content = roster_file(
        ("支部账号", "O-V2", "向阳村党支部", "", ""),
        ("网格员", "G-2", "", "xiangyang-grid", "李网格"),
        ("超市管理员", "150525100002", "", "", ""),
    )
    response = login(world.township_admin).post(
        "/accounts/roster/import/", {"file": upload(content)}
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    issued = response.context["issued"]
    assert [i["user"].username for i in issued] == ["b-o-v2", "xiangyang-grid", "c-150525100002"]
    page = response.content.decode()
    assert all(i["password"] in page for i in issued)
    assert User.objects.get(username="xiangyang-grid").display_name == "李网格"
    # the same passwords as an Excel file inside the page, so the server keeps no copy
    data = response.context["file"].split("base64,", 1)[1]
    sheet = load_workbook(BytesIO(base64.b64decode(data))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("用户名", "显示名称", "角色", "初始密码")
    assert rows[2][0] == "xiangyang-grid" and rows[2][3] == issued[1]["password"]
    assert AuditEntry.objects.filter(action="import", actor=world.township_admin).exists()
    assert AuditEntry.objects.filter(action="create", model="accounts.User").count() == 3


def test_a_file_with_errors_writes_nothing_and_numbers_every_row(world, login):
    users = User.objects.count()
    content = roster_file(
        ("支部账号", "O-V2", "", "", ""),  # row 2: fine
        ("支部账号", "O-V1", "", "", ""),  # row 3: already has an active branch account
        ("网格员", "G-3", "", "", ""),  # row 4: another township's grid
        ("村长", "G-2", "", "", ""),  # row 5: no such role
        ("网格员", "G-2", "", "alice", ""),  # row 6: username taken
        ("管理员", "150525100", "", "", ""),  # row 7: a township admin issues no admins
    )
    response = login(world.township_admin).post(
        "/accounts/roster/import/", {"file": upload(content)}
    )
    errors = [str(e) for e in response.context["result"].errors]
    assert User.objects.count() == users
    assert errors[0].startswith("第 3 行「对象编码」") and "已有启用的支部账号" in errors[0]
    assert errors[1].startswith("第 4 行「对象编码」") and "在您的管辖范围内找不到" in errors[1]
    assert errors[2].startswith("第 5 行「角色」")
    assert errors[3].startswith("第 6 行「用户名」") and "已被使用" in errors[3]
    assert errors[4].startswith("第 7 行「角色」")
    assert len(errors) == 5
    assert "未发放任何账号" in response.content.decode()


def test_the_same_subject_twice_in_one_file_is_an_error(world):
    result = import_roster(
        world.county_admin,
        roster_file(("网格员", "G-2", "", "", ""), ("网格员", "G-2", "", "g-two", "")),
    )
    assert [str(e) for e in result.errors] == [
        "第 3 行「对象编码」：向阳村第一网格 · G-2的网格员在文件中重复。"
    ]


def test_a_file_that_is_not_a_roster_is_refused(world):
    result = import_roster(world.county_admin, b"not an excel file")
    assert not result.ok and "xlsx" in str(result.errors[0])


def test_the_missing_roster_imports_back_unchanged(world, login):
    client = login(world.county_admin)
    world.grid_worker.is_active = False  # its username g-… is free; b-o-v1 is not taken either
    world.grid_worker.save()
    export = client.get(f"/accounts/roster/missing.xlsx?region={world.county.pk}")
    rows = list(load_workbook(BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == tuple(ROSTER.headers)
    assert len(rows) == 1 + 5 + 3  # five organizations, three grids
    response = client.post("/accounts/roster/import/", {"file": upload(export.content)})
    assert len(response.context["issued"]) == 8
    assert not coverage.missing_organizations(world.county).exists()
    assert not coverage.missing_grids(world.county).exists()


def test_a_taken_username_gets_a_free_suffix_in_the_missing_roster(world, login):
    from accounts.domain import issuing, passwords
    from accounts.models import Role

    issued = issuing.issue_account(world.county_admin, Role.GRID_WORKER, world.neighbour_grid)
    passwords.set_active(world.county_admin, issued.user, False)
    export = login(world.township_admin).get(
        f"/accounts/roster/missing.xlsx?region={world.township.pk}"
    )
    rows = list(load_workbook(BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert ("网格员", "G-2", "向阳村第一网格", "g-g-2-2", "向阳村第一网格网格员") in rows
    result = import_roster(world.township_admin, export.content)
    assert result.ok, result.errors


def test_names_that_look_like_formulas_stay_text(world, login):
    from orgs.domain import tree

    tree.update_node(world.county_admin, world.neighbour_branch_org, name="=HYPERLINK(1)")
    export = login(world.county_admin).get("/accounts/roster/missing.xlsx")
    sheet = load_workbook(BytesIO(export.content)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_template_downloads_with_its_instructions(world, login):
    response = login(world.county_admin).get("/accounts/roster/template.xlsx")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [ROSTER.title, "填写说明"]
