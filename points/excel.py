"""Excel exports of the points reports: the period tallies, the rankings and the linkage
lists, each with the figures and the rule behind every row. Chinese documents whatever the
page language (the views run them with Chinese active); every export is an audit entry with
its row count (``orglife.excel``'s workbook and audit helpers)."""

from collections.abc import Iterable
from typing import Any

from audit.log import exported
from core.excel import workbook
from orgs.models import Grid, Region
from points.domain.linkages import Candidate, ListKind
from points.domain.rankings import Ranked
from points.domain.tallies import Tally

BY = {"household": "农户", "grid": "网格", "region": "下级"}


def _path_of(place: Region | Grid) -> str:
    return place.region_path if isinstance(place, Grid) else place.path


def tally_workbook(user, tally: Tally) -> bytes:
    """One row per household / grid / child region, then the total."""
    headers = [BY[tally.by], "有积分户数", "积分条数", "净积分", "加分", "减分"]
    if tally.is_review:
        headers.append("达到兑换门槛户数")
    headers += ["审核中条数", "审核中积分"]

    def line(row) -> list[Any]:
        cells = [row.name, row.households, row.entries, row.points, row.plus, row.minus]
        if tally.is_review:
            cells.append(row.reached)
        return [*cells, row.pending_count, row.pending_points]

    rows: Iterable[list[Any]] = [*(line(r) for r in tally.rows), line(tally.total)]
    title = f"{tally.place.name}{tally.period.label}积分{tally.period.span_label}"
    return exported(
        user,
        _path_of(tally.place),
        title,
        "points_tally",
        workbook(tally.period.label, headers, rows),
    )


def ranking_workbook(
    user, place: Region | Grid, period, rows: list[Ranked], person_class: str = "resident"
) -> bytes:
    who = {
        "resident": ["户主", "户编号"],
        "member": ["党员", ""],
        "grid_worker": ["网格员", "网格编码"],
    }[person_class]
    headers = [
        "名次",
        *[h for h in who if h],
        "村/社区",
        "网格",
        "积分",
        "网格内名次",
        "村内名次",
        "乡镇内名次",
    ]
    data = (
        [
            r.place_rank,
            *([r.person or "", r.code] if person_class == "grid_worker" else [r.head_name]),
            *([r.code] if person_class == "resident" else []),
            r.village_name,
            r.grid_name,
            r.points,
            f"{r.grid_rank}/{r.grid_count}",
            f"{r.village_rank}/{r.village_count}",
            r.township_rank,
        ]
        for r in rows
    )
    title = {"resident": "", "member": "党员", "grid_worker": "网格员"}[person_class]
    return exported(
        user,
        _path_of(place),
        f"{place.name}{period.label}{title}积分排名",
        "points_ranking",
        workbook("积分排名", headers, data),
    )


def linkage_workbook(user, kind: str, place: Region, year: int, listed: list[Candidate]) -> bytes:
    label = str(ListKind(kind).label)
    headers = ["序号", "姓名", "户主", "户编号", "村/社区", "网格", "年度积分", "村内名次"]
    if kind == ListKind.CREDIT:
        headers.append("建议信用等级")
    headers.append("列入依据")

    def line(number: int, c: Candidate) -> list[Any]:
        cells = [
            number,
            c.person,
            c.household.head_name,
            c.household.code,
            c.household.region.name,
            c.household.grid.name,
            c.figures.points,
            f"{c.figures.village_rank}/{c.figures.village_count}",
        ]
        if kind == ListKind.CREDIT:
            cells.append(c.grade)
        return [*cells, c.reason]

    return exported(
        user,
        place.path,
        f"{place.name}{year}年{label}",
        f"points_{kind}",
        workbook(label, headers, (line(n, c) for n, c in enumerate(listed, 1))),
    )
