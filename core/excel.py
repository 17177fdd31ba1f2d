"""The one Excel writer: every workbook Lingyan hands out (the exports, templates and import
sheets of every app) is written through this module, so typed text is always stored as text.

- Text that Excel or LibreOffice would take for a formula — beginning with ``=``, ``+``, ``-``
  or ``@``, or with a tab or carriage return before one (OWASP, "CSV injection") — is written
  as a text cell marked ``quotePrefix``: the cell shows exactly what was typed, is never
  evaluated, and stays text when someone edits it in Excel. Numbers, dates and booleans stay
  what they are.
- Characters an .xlsx cannot hold (the C0 controls other than tab, newline and carriage return)
  are removed and text is cut at Excel's 32,767 characters, so stored text never makes an
  export fail.

One bold header row, Shanghai wall-clock times, and Chinese whatever the page language
(``EXCEL_LANGUAGE``: the files are documents an English reader still imports)."""

import re
import zipfile
from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

EXCEL_LANGUAGE = "zh-hans"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# What an .xlsx cannot hold (the XML 1.0 controls; openpyxl refuses them with an error).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What a spreadsheet may read as the start of a formula (leading blanks are skipped by some).
FORMULA_START = re.compile(r"[\t\r\n ]*[=+\-@\uff1d\uff0b\uff0d\uff20]")
MAX_CELL_TEXT = 32_767
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")


def local_time(moment):
    """Excel has no time zones: the Shanghai wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def clean_text(text: str) -> str:
    """``text`` as an .xlsx can hold it: without illegal controls, at most 32,767 characters."""
    return ILLEGAL_CHARACTERS.sub("", text)[:MAX_CELL_TEXT]


def sheet_title(text: str) -> str:
    """A sheet's name as Excel allows it: no ``\\ / ? * [ ] :``, at most 31 characters."""
    return SHEET_TITLE_FORBIDDEN.sub("_", clean_text(text))[:31] or "Sheet"


def looks_like_formula(text: str) -> bool:
    return FORMULA_START.match(text) is not None


def cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """What to append for ``value``: text becomes a cell that is text whatever it begins
    with; anything else (numbers, dates, booleans, ``None``, cells) is passed through."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    if not looks_like_formula(text):
        return text
    written = WriteOnlyCell(sheet, value=None)
    written._value = text  # set directly: assigning a "=…" value would make it a formula
    written.data_type = "s"
    written.quotePrefix = True
    return written


def append(sheet: WriteOnlyWorksheet, row: Iterable[Any]) -> None:
    """Append one row of values, each through ``cell``."""
    sheet.append([cell(sheet, value) for value in row])


def header_cell(sheet: WriteOnlyWorksheet, text: str, font: Font | None = None) -> WriteOnlyCell:
    written = WriteOnlyCell(sheet, value=clean_text(text))
    written.font = font or Font(bold=True)
    written.fill = HEADER_FILL
    return written


def save(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def workbook(title: str, headers: list[str], rows: Iterable[list[Any]]) -> tuple[bytes, int]:
    """One sheet: a bold header row and ``rows``; returns the file and the row count."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title))
    sheet.append([header_cell(sheet, text) for text in headers])
    count = 0
    for row in rows:
        append(sheet, row)
        count += 1
    return save(book), count


# --- reading uploads -----------------------------------------------------------------------
# An .xlsx is a zip archive: 1 MB on disk may expand to gigabytes (a "zip bomb"), and openpyxl
# would expand it in memory. The archive's directory is checked before anything is read; the
# sizes it declares are binding (Python's zipfile stops at the declared size and fails the
# CRC check if a member is longer).
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_CELL_CHARS = 5000


class UnsafeWorkbook(ValueError):
    """The upload is not read at all; the message says why, in Chinese."""


def check_archive(content: bytes) -> None:
    """Refuse an archive that would expand beyond ``MAX_UNCOMPRESSED_BYTES`` in all, or has
    more than ``MAX_MEMBERS`` files, before openpyxl opens it."""
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: openpyxl's own error says so
    if len(members) > MAX_MEMBERS:
        raise UnsafeWorkbook(f"文件结构异常（包含 {len(members)} 个部件），无法导入。")
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES or any(m.file_size < 0 for m in members):
        raise UnsafeWorkbook(
            f"文件解压后超过 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB 的上限"
            "（可能是异常或被篡改的文件），请分成几个文件导入。"
        )


def check_cells(number: int, values: Iterable[Any]) -> None:
    """Refuse a row with a cell longer than ``MAX_CELL_CHARS`` (no field takes that much)."""
    if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in values):
        raise UnsafeWorkbook(
            f"第 {number} 行有单元格超过 {MAX_CELL_CHARS} 个字符，请检查后重新上传。"
        )
