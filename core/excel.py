"""Excel files every app writes the same way: one bold header row, Shanghai wall-clock times,
and Chinese whatever the page language (``EXCEL_LANGUAGE``: the files are documents an
English reader still imports)."""

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

EXCEL_LANGUAGE = "zh-hans"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def local_time(moment):
    """Excel has no time zones: the Shanghai wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def workbook(title: str, headers: list[str], rows: Iterable[list[Any]]) -> tuple[bytes, int]:
    """One sheet: a bold header row and ``rows``; returns the file and the row count."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    out = BytesIO()
    book.save(out)
    return out.getvalue(), count
