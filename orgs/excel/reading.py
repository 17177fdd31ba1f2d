"""Reading an uploaded workbook into rows of raw cell values keyed by header, with the file's
own problems (too big — on disk, expanded (``core.excel.check_archive``) or in one cell —, not
an .xlsx, a missing or renamed header, no data) as clear errors."""

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from core.excel import UnsafeWorkbook, check_archive, check_cells
from orgs.excel import cells
from orgs.excel.kinds import INSTRUCTIONS_SHEET, KINDS, Kind
from orgs.excel.results import RowError

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
IGNORED_HEADERS = frozenset({"序号", "备注"})
CORRUPT = "无法读取该文件：文件可能已损坏。请用 Excel 打开后另存为 .xlsx 再上传。"
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class UnreadableFile(Exception):
    """The file cannot be imported at all; ``errors`` say why."""

    def __init__(self, *errors: RowError) -> None:
        super().__init__(*errors)
        self.errors = list(errors)


def file_error(message: str) -> UnreadableFile:
    return UnreadableFile(RowError(0, "", message))


@dataclass
class RawRow:
    number: int
    cells: dict[str, Any]


def read_rows(spec: Kind, file: bytes | IO[bytes]) -> Iterator[RawRow]:
    """The non-blank data rows of ``spec``'s sheet, read one at a time so that a large file is
    never held twice; raises ``UnreadableFile`` (possibly while iterating) for a file that
    cannot be imported as a whole."""
    content = _content(file)
    try:
        check_archive(content)
    except UnsafeWorkbook as unsafe:
        raise file_error(str(unsafe)) from None
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for files it cannot read.
        raise file_error(CORRUPT) from None
    try:
        sheet = _data_sheet(workbook, spec)
        sheet.reset_dimensions()
        lines = _lines(sheet)
        header = next(lines, None)
        if header is None:
            raise file_error(f"工作表「{sheet.title}」是空的：第 1 行应为表头。")
        positions = _header_positions(spec, [cells.text(value) for value in header])
        count = 0
        for number, line in enumerate(lines, start=2):
            try:
                check_cells(number, line)
            except UnsafeWorkbook as unsafe:
                raise file_error(str(unsafe)) from None
            values = {
                name: line[index] if index < len(line) else None
                for name, index in positions.items()
            }
            if all(cells.text(value) == "" for value in values.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                raise file_error(f"数据超过 {MAX_ROWS} 行的上限，请分成几个文件导入。")
            yield RawRow(number, values)
    finally:
        workbook.close()
    if not count:
        raise file_error("文件中没有数据：表头以下至少要有一行记录。")


def _lines(sheet: ReadOnlyWorksheet) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows of values; a sheet openpyxl cannot parse is an unreadable file."""
    rows = sheet.iter_rows(values_only=True)
    while True:
        try:
            line = next(rows)
        except StopIteration:
            return
        except Exception:  # as above: a damaged sheet fails in many ways.
            raise file_error(CORRUPT) from None
        yield line


def _content(file: bytes | IO[bytes]) -> bytes:
    if isinstance(file, bytes | bytearray):
        content = bytes(file)
    else:
        size = getattr(file, "size", None)
        if size is not None and size > MAX_FILE_BYTES:
            raise _too_big()
        content = file.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise _too_big()
    if not content:
        raise file_error("上传的文件是空的。")
    if content.startswith(OLE_MAGIC):
        raise file_error(
            "这是旧版 Excel（.xls）文件或设置了密码的文件："
            "请在 Excel 中取消密码并“另存为” .xlsx 后再上传。"
        )
    if not content.startswith(XLSX_MAGIC):
        raise file_error("只能导入 Excel 的 .xlsx 文件：CSV、WPS 等格式请先另存为 .xlsx 再上传。")
    return content


def _too_big() -> UnreadableFile:
    return file_error(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限，请分成几个文件导入。")


def _data_sheet(workbook: Workbook, spec: Kind) -> ReadOnlyWorksheet:
    if spec.title in workbook.sheetnames:
        return workbook[spec.title]
    for sheet in workbook.worksheets:
        if sheet.title != INSTRUCTIONS_SHEET:
            return sheet
    raise file_error(f"文件中没有「{spec.title}」工作表。")


def _header_positions(spec: Kind, header: list[str]) -> dict[str, int]:
    """Where each of ``spec``'s columns is; every problem with the header row at once."""
    positions: dict[str, int] = {}
    errors = []
    for index, name in enumerate(header):
        if not name or name in IGNORED_HEADERS:
            continue
        if name in positions:
            errors.append(RowError(1, name, "列名重复"))
        elif name in spec.headers:
            positions[name] = index
        else:
            errors.append(RowError(1, name, "无法识别的列名；请使用模板中的列名"))
    missing = [name for name in spec.headers if name not in positions]
    if missing:
        other = _other_kind(set(header))
        if other is not None:
            raise file_error(
                f"这是「{other.title}」表，不是「{spec.title}」表；请到「{other.title}」导入中上传。"
            )
        errors.append(
            RowError(
                1,
                "",
                "缺少列" + "、".join(f"「{name}」" for name in missing) + "；请勿修改模板的表头",
            )
        )
    if errors:
        raise UnreadableFile(*errors)
    return positions


def _other_kind(header: set[str]) -> Kind | None:
    for kind in KINDS.values():
        if set(kind.headers) <= header:
            return kind
    return None
