"""The Excel page: templates, exports and imports through the browser-facing views."""

from io import BytesIO

from openpyxl import load_workbook

from audit.models import AuditEntry
from orgs.models import Household


def sheet_rows(response):
    workbook = load_workbook(BytesIO(response.content))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def test_branch_sees_only_the_kinds_it_manages(world, login):
    page = login(world.branch).get("/transfer/").content.decode()
    assert "农户" in page and "党员" in page
    assert "/transfer/regions/" not in page


def test_export_is_masked_and_audited(world, login):
    response = login(world.township_admin).get("/transfer/households/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = str(sheet_rows(response))
    assert "王建国" in text and "孙玉兰" not in text
    assert world.household.head_id_number not in text
    assert AuditEntry.objects.filter(action="export", actor=world.township_admin).exists()


def test_unmasked_export_refused_to_a_branch(world, login):
    response = login(world.branch).get("/transfer/households/export.xlsx?unmasked=1")
    assert response.status_code == 403


def test_import_with_errors_lists_them_and_writes_nothing(world, login):
    client = login(world.county_admin)
    export = client.get("/transfer/households/export.xlsx?unmasked=1")
    workbook = load_workbook(BytesIO(export.content))
    sheet = workbook.worksheets[0]
    sheet.cell(row=2, column=2).value = "新户主"  # a good change …
    sheet.cell(row=3, column=1).value = None  # … and a row without its code
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "households.xlsx"
    response = client.post("/transfer/households/import/", {"file": buffer})
    page = response.content.decode()
    assert "第 3 行" in page and "未导入任何数据" in page
    assert not Household.objects.filter(head_name="新户主").exists()


def test_import_without_a_file_says_so(world, login):
    page = login(world.county_admin).post("/transfer/members/import/").content.decode()
    assert "请选择要导入的 Excel 文件" in page


def test_unknown_kind_is_404(world, login):
    assert login(world.county_admin).get("/transfer/cows/template.xlsx").status_code == 404
