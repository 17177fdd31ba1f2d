"""Excel files of the services capability: the county's catalogue (template, export and an
all-or-nothing import with row-numbered errors, following ``orgs.excel``), the command
centre's tables and the request lists behind them. Chinese documents whatever the page
language (callers run them with Chinese active); every export and import is audited."""

import zipfile
from collections.abc import Iterable
from io import BytesIO
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from audit.log import Action, record
from core.excel import check_archive, check_cells, workbook
from orgs.excel.results import ImportResult, RowError
from orgs.models import Region
from services.domain import catalogue
from services.domain.figures import ChildRow, RequestFigures
from services.models import Level, RequestStatus, ServiceItem

CATALOGUE_HEADERS = [
    "类别编码",
    "类别名称",
    "事项编码",
    "事项名称",
    "事项类型",
    "办理层级",
    "办理时限（天）",
    "申请材料",
    "说明",
    "启用",
]
KIND_BY_LABEL = {"公共服务事项": "public_service", "行政审批事项": "approval"}
LABEL_BY_KIND = {v: k for k, v in KIND_BY_LABEL.items()}
LEVEL_BY_LABEL = {"旗县级": Level.COUNTY, "乡镇级": Level.TOWNSHIP, "村（社区）级": Level.VILLAGE}
LABEL_BY_LEVEL = {v: k for k, v in LEVEL_BY_LABEL.items()}
YES, NO = "是", "否"
MAX_ROWS = 5000
MAX_FILE_BYTES = 10 * 1024 * 1024


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _percent(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _audited(user, region_path: str, summary: str, kind: str, content_rows) -> bytes:
    content, count = content_rows
    record(
        user,
        Action.EXPORT,
        summary=f"导出{summary} {count} 条",
        changes={"kind": kind, "rows": count},
        region_path=region_path,
    )
    return content


# --- the catalogue -----------------------------------------------------------------------


def catalogue_template() -> bytes:
    """The empty sheet with its headers and two example rows."""
    content, _ = workbook(
        "服务目录",
        CATALOGUE_HEADERS,
        [
            [
                "01",
                "社会保障",
                "01001",
                "城乡居民最低生活保障申请",
                "公共服务事项",
                "乡镇级",
                20,
                "身份证、户口簿、收入证明",
                "",
                YES,
            ],
            [
                "05",
                "户籍证照",
                "05001",
                "居民身份证换领",
                "行政审批事项",
                "旗县级",
                30,
                "身份证、照片",
                "",
                YES,
            ],
        ],
    )
    return content


def _item_row(item: ServiceItem) -> list[Any]:
    return [
        item.category.code,
        item.category.name,
        item.code,
        item.name,
        LABEL_BY_KIND[item.kind],
        LABEL_BY_LEVEL[Level(item.handling_level)],
        item.time_limit_days,
        item.materials,
        item.description,
        YES if item.active else NO,
    ]


def export_catalogue(user, county: Region, items: QuerySet[ServiceItem]) -> bytes:
    rows = (
        _item_row(i)
        for i in items.select_related("category").order_by("category__position", "code")
    )
    return _audited(
        user, county.path, "服务目录", "catalogue", workbook("服务目录", CATALOGUE_HEADERS, rows)
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read(file: bytes | IO[bytes]) -> list[tuple[int, dict[str, str]]]:
    content = file if isinstance(file, bytes) else file.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise ValueError(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限。")
    check_archive(content)  # an UnsafeWorkbook is a ValueError: its message is the answer
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile):
        raise ValueError("无法读取该文件，请上传由模板填写的 .xlsx 文件。") from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    missing = [h for h in CATALOGUE_HEADERS if h not in header]
    if missing:
        raise ValueError(f"表头缺少：{'、'.join(missing)}。请使用下载的模板。")
    read = []
    for number, values in enumerate(rows, start=2):
        check_cells(number, values)
        cells = {h: _text(values[i]) if i < len(values) else "" for i, h in enumerate(header)}
        if any(cells.values()):
            read.append((number, cells))
        if len(read) > MAX_ROWS:
            raise ValueError(f"一次最多导入 {MAX_ROWS} 行。")
    return read


def import_catalogue(user, county: Region, file: bytes | IO[bytes]) -> ImportResult:
    """Create or change the categories and items of ``county``'s catalogue from the sheet.
    Every row is checked first; if any has an error, nothing is written and every error is
    reported with its Excel row number. Otherwise all rows are written in one transaction,
    each through ``services.domain.catalogue``, plus one ``import`` audit entry."""
    result = ImportResult(kind="catalogue")
    try:
        rows = _read(file)
    except ValueError as error:
        result.errors.append(RowError(0, "", str(error)))
        return result
    result.rows = len(rows)
    categories: dict[str, tuple[str, int]] = {}
    plans: list[tuple[int, dict[str, Any]]] = []
    seen_items: dict[str, int] = {}
    for number, cells in rows:

        def error(column: str, message: str, number=number) -> None:
            result.errors.append(RowError(number, column, message))

        category_code, category_name = cells["类别编码"], cells["类别名称"]
        if not category_code:
            error("类别编码", "必填。")
        if not category_name:
            error("类别名称", "必填。")
        if category_code and category_name:
            known = categories.get(category_code)
            if known is not None and known[0] != category_name:
                error(
                    "类别名称", f"同一类别编码 {category_code} 的名称前后不一致（“{known[0]}”）。"
                )
            categories.setdefault(category_code, (category_name, len(categories) + 1))
        code = cells["事项编码"]
        if code in seen_items:
            error("事项编码", f"与第 {seen_items[code]} 行重复。")
        elif code:
            seen_items[code] = number
        kind = KIND_BY_LABEL.get(cells["事项类型"])
        if kind is None:
            error("事项类型", "应为“公共服务事项”或“行政审批事项”。")
        level = LEVEL_BY_LABEL.get(cells["办理层级"])
        if level is None:
            error("办理层级", "应为“旗县级”“乡镇级”或“村（社区）级”。")
        try:
            days = int(cells["办理时限（天）"])
        except ValueError:
            error("办理时限（天）", "请填写整数天数。")
            days = 0
        active_text = cells["启用"] or YES
        if active_text not in (YES, NO):
            error("启用", "应为“是”或“否”。")
        data = catalogue.ItemInput(
            code=code,
            name=cells["事项名称"],
            category=None,  # type: ignore[arg-type]  # set when written
            kind=kind or "",
            handling_level=level or "",
            time_limit_days=days,
            materials=cells["申请材料"],
            description=cells["说明"],
            active=active_text != NO,
        )
        for field, messages in catalogue.check_item(data).items():
            column = {
                "code": "事项编码",
                "name": "事项名称",
                "time_limit_days": "办理时限（天）",
            }.get(field)
            if column is not None:
                for message in messages:
                    error(column, message)
        plans.append((number, {"data": data, "category": category_code}))
    if result.errors:
        result.errors.sort(
            key=lambda e: (
                e.row,
                CATALOGUE_HEADERS.index(e.column) if e.column in CATALOGUE_HEADERS else 99,
            )
        )
        return result
    items = ServiceItem.objects.filter(region=county)  # scope-ok: caller checked the county admin
    existing = {i.code: i for i in items.select_related("category")}
    with transaction.atomic():
        saved = {
            code: catalogue.save_category(
                user, county, catalogue.CategoryInput(code, name, position)
            )
            for code, (name, position) in categories.items()
        }
        for _number, plan in plans:
            data = plan["data"]
            data.category = saved[plan["category"]]
            before = existing.get(data.code)
            snapshot = _item_row(before) if before is not None else None
            item = catalogue.save_item(user, county, data)
            if before is None:
                result.created += 1
            elif _item_row(item) != snapshot:
                result.updated += 1
            else:
                result.unchanged += 1
        record(
            user,
            Action.IMPORT,
            summary=f"导入服务目录 {result.rows} 行",
            changes={"created": result.created, "updated": result.updated},
            region_path=county.path,
        )
    return result


# --- the command centre's tables ---------------------------------------------------------


def figure_headers() -> list[str]:
    return [
        "诉求总数",
        *[str(label) for _, label in RequestStatus.choices],
        "已办结",
        "期限内办结",
        "超期未办结",
        "快速办结率（%）",
        "按时率（%）",
        "评价数",
        "平均评分",
    ]


def _figure_cells(figures: RequestFigures) -> list[Any]:
    return [
        figures.total,
        *[figures.count(status) for status in RequestStatus.values],
        figures.finished,
        figures.finished_on_time,
        figures.overdue,
        _percent(figures.quick_completion_rate),
        _percent(figures.on_time_share),
        figures.rated,
        round(figures.rating_average, 2) if figures.rating_average is not None else None,
    ]


def export_children(user, region: Region, node: RequestFigures, children: list[ChildRow]) -> bytes:
    rows: Iterable[list[Any]] = [
        [f"{region.name}（合计）", *_figure_cells(node)],
        *([c.region.name, *_figure_cells(c.figures)] for c in children),
    ]
    return _audited(
        user,
        region.path,
        f"{region.name}服务诉求统计",
        "service_children",
        workbook("按下级", ["区划", *figure_headers()], rows),
    )


def export_units(user, region: Region, units: list[dict]) -> bytes:
    rows = ([u["name"], *_figure_cells(u["figures"])] for u in units)
    return _audited(
        user,
        region.path,
        f"{region.name}承办单位统计",
        "service_units",
        workbook("按承办单位", ["承办单位", *figure_headers()], rows),
    )


REQUEST_HEADERS = [
    "编号",
    "标题",
    "服务事项",
    "村（社区）",
    "状态",
    "承办",
    "提交时间",
    "办理期限",
    "办结时间",
    "是否超期",
    "评分",
    "评价",
    "代办",
    "来源",
]


def export_requests(user, region_path: str, requests: QuerySet, now) -> bytes:
    def rows():
        for r in requests.select_related("item", "region", "unit").iterator(chunk_size=2000):
            late = (r.done_at or now) > r.due_at and r.status != RequestStatus.REJECTED
            handler = r.unit.name if r.unit else ("村（社区）自办" if r.self_handled else "")
            yield [
                r.pk,
                r.title,
                r.item.name if r.item else "（自由描述）",
                r.region.name,
                r.get_status_display(),
                handler,
                _local(r.submitted_at),
                _local(r.due_at),
                _local(r.done_at),
                YES if late else NO,
                r.rating,
                r.rating_comment,
                YES if r.proxy_by_id else NO,
                r.get_source_display(),
            ]

    return _audited(
        user,
        region_path,
        "服务诉求",
        "service_requests",
        workbook("服务诉求", REQUEST_HEADERS, rows()),
    )
