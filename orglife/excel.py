"""Excel exports of the organizational-life tables: the command centre's tables, the due
reports behind a number, the warnings. Written in openpyxl's write-only mode, rows read in
chunks; every export is written to the audit log with its row count. The files are Chinese
documents whatever the page language (callers run them with Chinese active)."""

from typing import Any

from django.db.models import QuerySet

from audit.log import exported
from core.excel import local_time, workbook
from core.periods import Period
from orgs.models import Region

CHUNK = 2000


def _percent(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


FIGURE_HEADERS = ["应报", "已报", "按时", "完整率(%)", "及时率(%)"]


def _figures(f) -> list[Any]:
    return [f.due, f.reported, f.on_time, _percent(f.completeness), _percent(f.timeliness)]


def children_workbook(user, region: Region, year: int, rows) -> bytes:
    """The command centre's table by child node: (name, closed figures, in-progress)."""
    data = (
        [row.region.name, *_figures(row.closed), row.in_progress.due, row.in_progress.reported]
        for row in rows
    )
    headers = ["下级", *FIGURE_HEADERS, "进行中应报", "进行中已报"]
    return exported(
        user,
        region.path,
        f"{region.name}{year}年组织生活按下级汇总",
        "orglife_children",
        workbook(f"{year}年按下级", headers, data),
    )


def months_workbook(user, region: Region, year: int, months) -> bytes:
    """The command centre's table by month (the month each period ends in)."""
    data = (
        [f"{m.month:%Y-%m}", *_figures(m.figures), "进行中" if m.in_progress else "已结束"]
        for m in months
    )
    return exported(
        user,
        region.path,
        f"{region.name}{year}年组织生活按月汇总",
        "orglife_months",
        workbook(f"{year}年按月", ["月份", *FIGURE_HEADERS, "周期状态"], data),
    )


def _chunked(rows: QuerySet):
    """Rows in id order, ``CHUNK`` at a time, so a province's export is streamed."""
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].pk


def due_reports_workbook(user, region_path: str, title: str, rows: QuerySet, status_of) -> bytes:
    """The due reports behind a number (``rows`` already scoped and filtered)."""
    rows = rows.select_related("organization", "activity_type")
    data = (
        [
            due.organization.name,
            due.organization.code,
            due.activity_type.name,
            Period(due.period_start, due.period_end).label,
            local_time(due.deadline),
            local_time(due.reported_at),
            str(status_of(due)),
        ]
        for due in _chunked(rows)
    )
    headers = ["党组织", "组织代码", "活动类型", "周期", "截止时间", "上报时间", "状态"]
    return exported(
        user, region_path, title, "orglife_due_reports", workbook("应报明细", headers, data)
    )


def warnings_workbook(user, region_path: str, rows: QuerySet) -> bytes:
    """The warnings list (``rows`` already scoped and filtered)."""
    rows = rows.select_related("organization", "activity_type")
    data = (
        [
            warning.pk,
            warning.organization.name,
            warning.activity_type.name,
            Period(warning.period_start, warning.period_end).label,
            local_time(warning.raised_at),
            str(warning.get_status_display()),
            local_time(warning.updated_at),
            warning.explanation,
        ]
        for warning in _chunked(rows)
    )
    headers = ["编号", "党组织", "活动类型", "周期", "预警时间", "状态", "更新时间", "整改说明"]
    return exported(
        user, region_path, "组织生活预警", "orglife_warnings", workbook("预警", headers, data)
    )
