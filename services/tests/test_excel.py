"""The catalogue's Excel import: all rows or none, with row-numbered errors in Chinese."""

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from services.excel import CATALOGUE_HEADERS, catalogue_template, import_catalogue
from services.models import ServiceCategory, ServiceItem

pytestmark = pytest.mark.django_db


def sheet(*rows) -> bytes:
    book = Workbook()
    book.active.append(CATALOGUE_HEADERS)
    for row in rows:
        book.active.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = ("01", "社会保障", "01001", "低保申请", "公共服务事项", "乡镇级", 20, "身份证", "", "是")


def test_the_template_imports_as_it_is(world):
    result = import_catalogue(world.county_admin, world.county, catalogue_template())
    assert result.ok and result.created == 2
    assert ServiceCategory.objects.count() == 2


def test_a_bad_row_imports_nothing_and_is_named_by_its_row(world):
    bad = ("02", "农牧业", "01001", "", "许可", "省级", "三天", "", "", "也许")
    result = import_catalogue(world.county_admin, world.county, sheet(GOOD, bad))
    assert not result.ok
    messages = [str(e) for e in result.errors]
    assert "第 3 行「事项编码」：与第 2 行重复。" in messages
    assert any(m.startswith("第 3 行「事项类型」") for m in messages)
    assert any(m.startswith("第 3 行「办理时限（天）」") for m in messages)
    assert ServiceItem.objects.count() == 0 and ServiceCategory.objects.count() == 0


def test_a_second_import_changes_what_changed(world):
    import_catalogue(world.county_admin, world.county, sheet(GOOD))
    changed = (*GOOD[:6], 15, *GOOD[7:])
    result = import_catalogue(world.county_admin, world.county, sheet(changed))
    assert (result.created, result.updated) == (0, 1)
    assert ServiceItem.objects.get().time_limit_days == 15


def test_the_import_page_is_the_county_admins(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("c.xlsx", sheet(GOOD))
    response = login(world.county_admin).post("/services/catalogue/import/", {"file": upload})
    assert "导入完成" in response.content.decode()
    assert login(world.township_admin).get("/services/catalogue/import/").status_code == 404
    exported = login(world.county_admin).get("/services/catalogue/export.xlsx")
    rows = list(load_workbook(BytesIO(exported.content)).active.values)
    assert rows[1][3] == "低保申请"
