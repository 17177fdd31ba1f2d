"""An uploaded .xlsx is checked before openpyxl expands it (issue 11, security findings): a
small file that expands beyond the limit (a zip bomb), too many parts, or one cell longer
than any field are refused with a clear message, and nothing is imported. Both importers —
the tree's (``orgs.excel``) and the service catalogue's — share the check (``core.excel``)."""

import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook

from orgs.excel import import_workbook, template_workbook
from orgs.models import Household
from services.excel import CATALOGUE_HEADERS, import_catalogue
from services.models import ServiceItem

CHUNK = b" " * (1024 * 1024)


def bomb(workbook: bytes, mebibytes: int = 110) -> bytes:
    """``workbook`` with one more part of ``mebibytes`` of spaces: a few hundred KB on disk."""
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for member in source.infolist():
            target.writestr(member, source.read(member))
        with target.open("xl/worksheets/padding.xml", "w", force_zip64=True) as padding:
            for _ in range(mebibytes):
                padding.write(CHUNK)
    return out.getvalue()


@pytest.fixture(scope="module")
def household_bomb() -> bytes:
    return bomb(template_workbook("households"))


def test_it_refuses_a_zip_bomb_before_reading_it(world, household_bomb):
    assert len(household_bomb) < 2 * 1024 * 1024
    before = Household.objects.count()
    result = import_workbook(world.county_admin, "households", household_bomb)
    assert "解压后超过" in result.errors[0].message
    assert Household.objects.count() == before


def test_the_catalogue_import_refuses_a_zip_bomb(world):
    book = Workbook()
    book.active.append(CATALOGUE_HEADERS)
    out = BytesIO()
    book.save(out)
    result = import_catalogue(world.county_admin, world.county, bomb(out.getvalue()))
    assert "解压后超过" in result.errors[0].message
    assert not ServiceItem.objects.exists()


def test_it_refuses_a_cell_longer_than_any_field(world):
    book = Workbook()
    book.active.append(CATALOGUE_HEADERS)
    book.active.append(["01", "社会保障", "01001", "长" * 6000, "公共服务事项", "乡镇级", 20])
    out = BytesIO()
    book.save(out)
    result = import_catalogue(world.county_admin, world.county, out.getvalue())
    assert "第 2 行" in result.errors[0].message and "5000" in result.errors[0].message
    assert not ServiceItem.objects.exists()
