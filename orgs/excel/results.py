"""What an import reports back: counts, or every error with its Excel row and column."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowError:
    """One problem in the file. ``row`` is the Excel row number (the header is row 1, the
    first data row is 2; 0 for the file as a whole); ``column`` is the header, or ``""``."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        place = f"第 {self.row} 行" if self.row else ""
        if self.column:
            place += f"「{self.column}」"
        return f"{place}：{self.message}" if place else self.message


@dataclass
class ImportResult:
    """The outcome of ``import_workbook``: when ``errors`` is not empty nothing was written."""

    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        if self.errors:
            return f"发现 {len(self.errors)} 处错误，未导入任何数据。"
        return (
            f"导入完成：新增 {self.created} 条，修改 {self.updated} 条，未变 {self.unchanged} 条。"
        )
