"""Excel exports of the incident tables (the command centre's tables and any incident list),
in openpyxl's write-only mode; every export is written to the audit log with its row count.
Chinese documents whatever the page language (callers run them with Chinese active)."""

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from audit.log import Action, record
from core.excel import workbook
from incidents.domain.figures import Period, Row
from orgs.models import Region

CHUNK = 2000


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _audited(user, region: Region, summary: str, content_rows) -> bytes:
    content, count = content_rows
    record(
        user,
        Action.EXPORT,
        summary=f"导出{summary} {count} 条",
        changes={"kind": "incidents", "rows": count},
        region_path=region.path,
    )
    return content


COUNT_HEADERS = ["未办结", "超时未办结", "待核实", "期内上报", "期内关闭"]


def counts_workbook(user, region: Region, period: Period, label: str, rows: list[Row]) -> bytes:
    def lines() -> Iterable[list[Any]]:
        for row in rows:
            c = row.counts
            yield [row.label, c.open, c.overdue, c.fixed, c.reported, c.closed]

    title = f"{region.name}网格事件（按{label}）{period.since}至{period.until}"
    return _audited(user, region, title, workbook(title, [label, *COUNT_HEADERS], lines()))


def months_workbook(user, region: Region, months) -> bytes:
    rows = ([f"{month:%Y-%m}", reported, closed] for month, reported, closed in months)
    title = f"{region.name}网格事件（按月）"
    return _audited(user, region, title, workbook(title, ["月份", "上报", "关闭"], rows))


INCIDENT_HEADERS = [
    "编号", "事件类型", "状态", "所在村/社区", "网格", "事件描述", "发生时间", "上报时间",
    "处置时限", "升级层级", "承办", "应急", "疏散群众（人次）", "排除隐患（处）", "关闭时间",
]  # fmt: skip


def incidents_workbook(user, region: Region, rows) -> bytes:
    rows = rows.select_related(
        "type", "state", "grid", "region", "assigned_user", "assigned_unit", "emergency"
    )

    def lines() -> Iterable[list[Any]]:
        for i in rows.iterator(chunk_size=CHUNK):
            yield [
                i.pk, i.type.name, i.state.label, i.region.name, i.grid.name, i.description,
                _local(i.occurred_at), _local(i.reported_at), _local(i.deadline),
                i.get_escalation_level_display(), i.assignee_label,
                i.emergency.name if i.emergency else "", i.people_evacuated, i.hazards_removed,
                _local(i.closed_at),
            ]  # fmt: skip

    title = f"{region.name}网格事件"
    return _audited(user, region, title, workbook(title, INCIDENT_HEADERS, lines()))
