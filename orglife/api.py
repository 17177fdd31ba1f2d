"""Organizational life over the JSON API, for phone clients: activity records (listed, read,
uploaded with photos — offline-made ones keep the phone's clock — and their photos served
through the scope), compliance for a node of the tree, the due reports behind each number,
and warnings with their rectification.

Rows are reached only through ``accounts.scope``; a node a list is narrowed to is itself
fetched with ``get_for_user``, so a node outside the user's scope gives the same 404 as a row
outside it. Every write goes through the domain (``orglife.domain``). An upload may carry an
``idempotency_key``: a phone that lost the answer and retries gets the first record back
instead of a duplicate.
"""

import json
from datetime import date, datetime
from typing import Any, Literal

from django.core.files.base import ContentFile
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from accounts.scope import get_for_user, visible
from core.api import (
    BINARY_200,
    ERRORS,
    ApiError,
    ErrorOut,
    Forbidden,
    Listing,
    Page,
    cleaned_photos,
    invalid,
)
from core.pages import serve
from core.paths import subtree_q
from core.periods import Period
from core.photos import PhotoError, clean_evidence
from orglife import scope_rules
from orglife.domain import warnings as warning_moves
from orglife.domain.compliance import Figures, NodeCompliance, rollup
from orglife.domain.records import RecordInput, RecordRefused, upload_record
from orglife.models import (
    ActivityRecord,
    ActivityType,
    Attendance,
    DueReport,
    RecordPhoto,
    RecordType,
    Warning,
    WarningEvent,
)
from orgs.api import Ref
from orgs.models import Organization, Region
from orgs.scope_rules import manageable_organizations, may_see_counts

router = Router()

CONFLICT = "预警状态已变化，请刷新"
# The domain's field names, as the API's form calls them.
FORM_FIELDS = {"activity_types": "types"}

RECORDS = ActivityRecord.objects.select_related("organization", "uploaded_by").prefetch_related(
    Prefetch("types", queryset=RecordType.objects.select_related("activity_type")),
    Prefetch("photos", queryset=RecordPhoto.objects.order_by("pk")),
)
WARNINGS = Warning.objects.select_related("organization", "activity_type")
DUE_REPORTS = DueReport.objects.select_related("organization", "activity_type", "warning")


def choice(values: list[str], description: str) -> Any:
    """A field holding one of ``values``, listed in the OpenAPI description."""
    return Field(description=description, json_schema_extra={"enum": list[Any](values)})


def period_label(start: date, end: date) -> str:
    return Period(start, end).label


# ---------------------------------------------------------------------------------------------
# Schemas


class TypeOut(Schema):
    """An activity type (三会一课, 主题党日)."""

    code: str
    name: str


class UserRef(Schema):
    id: int
    name: str = Field(description="账号的显示名称")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.display_name or obj.username


class PhotoOut(Schema):
    id: int
    width: int
    height: int
    url: str = Field(description="照片（已去除位置等元数据），需同样的身份认证")
    thumbnail_url: str = Field(description="缩略图")

    @staticmethod
    def resolve_url(obj: RecordPhoto) -> str:
        return photo_url(obj)

    @staticmethod
    def resolve_thumbnail_url(obj: RecordPhoto) -> str:
        return photo_url(obj) + "?thumb=true"


def photo_url(photo: RecordPhoto) -> str:
    return reverse("api:orglife_record_photo", kwargs={"id": photo.record_id, "photo_id": photo.pk})


class AttendanceOut(Schema):
    member_id: int
    name: str
    status: str = choice(Attendance.Status.values, "出席情况")
    status_label: str
    reason: str = Field(description="缺席原因")

    @staticmethod
    def resolve_name(obj: Attendance) -> str:
        return obj.member.name

    @staticmethod
    def resolve_status_label(obj: Attendance) -> str:
        return obj.get_status_display()


class RecordOut(Schema):
    id: int
    organization: Ref
    types: list[TypeOut] = Field(description="一次活动可同时计入多种活动类型")
    held_on: date
    topic: str
    place: str
    online: bool
    uploaded_by: UserRef | None
    received_at: datetime = Field(description="服务器收到的时间（据此判断是否及时）")
    device_time: datetime | None = Field(description="手机记录的时间（离线制作的记录）")
    corrected_at: datetime | None
    photos: list[PhotoOut]

    @staticmethod
    def resolve_types(obj: ActivityRecord) -> list[ActivityType]:
        types = [row.activity_type for row in obj.types.all()]
        return sorted(types, key=lambda t: (t.position, t.code))

    @staticmethod
    def resolve_photos(obj: ActivityRecord) -> list[RecordPhoto]:
        return list(obj.photos.all())


class RecordDetailOut(RecordOut):
    minutes: str
    attendance: list[AttendanceOut] = Field(description="参会情况（党员账号只看到本人的）")

    @staticmethod
    def resolve_attendance(obj: ActivityRecord) -> list[Attendance]:
        return getattr(obj, "shown_attendance", [])


class FiguresOut(Schema):
    due: int = Field(description="应报数")
    reported: int = Field(description="已报数")
    on_time: int = Field(description="及时上报数")
    completeness: float | None = Field(description="完整率（已报 ÷ 应报，无应报时为空）")
    timeliness: float | None = Field(description="及时率（及时上报 ÷ 应报，无应报时为空）")


class MonthOut(FiguresOut):
    month: str = Field(description="周期结束所在月份，YYYY-MM")
    in_progress: bool = Field(description="该月结束的周期尚未结束（本月及以后）")


class NodeOut(FiguresOut):
    """Figures of the periods already over (the node's headline numbers), the periods still
    running apart, and each month."""

    region: Ref
    in_progress: FiguresOut | None = Field(description="尚未结束的本期（仅当年）")
    months: list[MonthOut]


class ComplianceOut(Schema):
    year: int
    closed_through: str | None = Field(description="已结束周期统计到的月份，YYYY-MM")
    node: NodeOut
    children: list[NodeOut]


class DueOut(Schema):
    id: int
    organization: Ref
    activity_type: TypeOut
    period_start: date
    period_end: date
    period_label: str
    month: str = Field(description="周期结束所在月份，YYYY-MM（与完成率统计的月份一致）")
    deadline: datetime = Field(description="及时上报的截止时刻")
    status: str = choice(["missing", "late", "on_time"], "未报 / 逾期补报 / 及时上报")
    status_label: str
    overdue: bool = Field(description="已过截止时刻仍未上报")
    reported_at: datetime | None
    record_id: int | None
    warning_id: int | None

    @staticmethod
    def resolve_period_label(obj: DueReport) -> str:
        return period_label(obj.period_start, obj.period_end)

    @staticmethod
    def resolve_month(obj: DueReport) -> str:
        return obj.month.strftime("%Y-%m")

    @staticmethod
    def resolve_status(obj: DueReport) -> str:
        return due_status(obj)

    @staticmethod
    def resolve_status_label(obj: DueReport) -> str:
        return DUE_STATUS_LABELS[due_status(obj)]

    @staticmethod
    def resolve_overdue(obj: DueReport) -> bool:
        return obj.reported_at is None and obj.deadline <= timezone.now()

    @staticmethod
    def resolve_warning_id(obj: DueReport) -> int | None:
        warning = getattr(obj, "warning", None)
        return warning.pk if warning is not None else None


DUE_STATUS_LABELS = {"missing": "未报", "late": "逾期补报", "on_time": "及时上报"}


def due_status(due: DueReport) -> str:
    if due.reported_at is None:
        return "missing"
    return "on_time" if due.on_time else "late"


ACTIONS = ["acknowledge", "rectify", "close", "reopen"]


class WarningOut(Schema):
    id: int
    organization: Ref
    activity_type: TypeOut
    period_start: date
    period_end: date
    period_label: str
    status: str = choice(Warning.Status.values, "状态")
    status_label: str
    raised_at: datetime
    updated_at: datetime
    explanation: str = Field(description="整改说明")
    evidence_url: str | None = Field(description="整改材料")
    rectifying_record_id: int | None = Field(description="补传的记录")
    actions: list[str] = Field(
        description="当前账号此刻可做的操作：acknowledge / rectify（被预警组织）、"
        "close / reopen（上级）",
        json_schema_extra={"items": {"type": "string", "enum": list[Any](ACTIONS)}},
    )

    @staticmethod
    def resolve_period_label(obj: Warning) -> str:
        return period_label(obj.period_start, obj.period_end)

    @staticmethod
    def resolve_status_label(obj: Warning) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_evidence_url(obj: Warning) -> str | None:
        if not obj.evidence:
            return None
        return reverse("api:orglife_warning_evidence", kwargs={"id": obj.pk})

    @staticmethod
    def resolve_actions(obj: Warning) -> list[str]:
        return getattr(obj, "actions", [])


class EventOut(Schema):
    from_status: str
    to_status: str
    to_status_label: str
    actor: str | None
    at: datetime
    note: str

    @staticmethod
    def resolve_to_status_label(obj: WarningEvent) -> str:
        return str(Warning.Status(obj.to_status).label)

    @staticmethod
    def resolve_actor(obj: WarningEvent) -> str | None:
        return (obj.actor.display_name or obj.actor.username) if obj.actor else None


class WarningDetailOut(WarningOut):
    history: list[EventOut]

    @staticmethod
    def resolve_history(obj: Warning) -> list[WarningEvent]:
        return list(obj.events.select_related("actor"))


# ---------------------------------------------------------------------------------------------
# Parameters


class RecordQuery(Schema):
    organization: int | None = Field(None, description="只列出该党组织（含下级组织）的记录")
    region: int | None = Field(None, description="只列出该区划（含各级下级）内的记录")
    type: str | None = Field(None, max_length=32, description="活动类型代码，如 theme_day")
    since: date | None = Field(None, description="活动日期不早于（YYYY-MM-DD）")
    until: date | None = Field(None, description="活动日期不晚于（YYYY-MM-DD）")


class RecordForm(Schema):
    """An uploaded record (multipart/form-data, with the photos as ``photos`` files)."""

    organization: int = Field(description="上传记录的党组织")
    types: list[str] = Field(description="活动类型代码，可多选（重复此字段）")
    held_on: date = Field(description="活动日期")
    topic: str = Field(max_length=200, description="主题")
    place: str = Field("", max_length=100, description="地点（线上开展时可空）")
    online: bool = Field(False, description="线上开展")
    minutes: str = Field("", description="会议记录")
    attendance: str = Field(
        "[]",
        description='参会情况，JSON 数组：[{"member": 党员ID, "status": "present|online|absent", '
        '"reason": "缺席原因"}]',
    )
    device_time: datetime | None = Field(None, description="手机记录时间（ISO 8601，离线制作时）")
    idempotency_key: str | None = Field(
        None,
        max_length=64,
        description="幂等键：网络中断后用同一键重试，返回第一次上传的记录而不重复创建",
    )


class ComplianceQuery(Schema):
    region: int = Field(description="统计的节点（区划）")
    year: int | None = Field(None, ge=2000, le=2100, description="年份，默认今年")


WarningStatus = Literal[*Warning.Status.values]  # type: ignore[valid-type]
DueStatus = Literal["missing", "late", "on_time"]


class WarningQuery(Schema):
    region: int | None = Field(None, description="只列出该区划（含各级下级）内的预警")
    organization: int | None = Field(None, description="只列出该党组织（含下级组织）的预警")
    status: WarningStatus | None = Field(None, description="状态")


class DueQuery(Schema):
    region: int | None = Field(None, description="只列出该区划（含各级下级）内的应报记录")
    organization: int | None = Field(None, description="只列出该党组织（含下级组织）的")
    month: str | None = Field(None, description="周期结束所在月份，YYYY-MM")
    type: str | None = Field(None, max_length=32, description="活动类型代码")
    status: DueStatus | None = Field(None, description="未报 / 逾期补报 / 及时上报")


# ---------------------------------------------------------------------------------------------
# Helpers


def narrowed(request: HttpRequest, rows: QuerySet, region: int | None, organization: int | None):
    """``rows`` under a region and/or organization the user may see (404 otherwise)."""
    if region is not None:
        node = get_for_user(request.user, Region, region)
        rows = rows.filter(subtree_q("region_path", node.path))
    if organization is not None:
        org = get_for_user(request.user, Organization, organization)
        rows = rows.filter(subtree_q("org_path", org.path))
    return rows


def month_param(value: str) -> date:
    try:
        parsed = datetime.strptime(value, "%Y-%m")  # noqa: DTZ007 - a calendar month, no time
    except ValueError:
        raise invalid("month", "请按 YYYY-MM 填写月份。") from None
    return date(parsed.year, parsed.month, 1)


def activity_types(codes: list[str]) -> list[ActivityType]:
    wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    found = {t.code: t for t in ActivityType.objects.filter(code__in=wanted)}
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise invalid("types", f"未知的活动类型：{'、'.join(unknown)}。")
    return [found[code] for code in wanted]


def attendance_rows(text: str) -> dict[int, tuple[str, str]]:
    """The ``attendance`` JSON: member id → (status, reason)."""
    shape = '参会情况应为 JSON 数组：[{"member": 党员ID, "status": "present|online|absent"}]。'
    try:
        rows = json.loads(text or "[]")
    except ValueError:
        raise invalid("attendance", shape) from None
    if not isinstance(rows, list):
        raise invalid("attendance", shape)
    result: dict[int, tuple[str, str]] = {}
    for row in rows:
        if not isinstance(row, dict) or type(row.get("member")) is not int:
            raise invalid("attendance", shape)
        status, reason = row.get("status"), row.get("reason", "")
        if status not in Attendance.Status.values:
            raise invalid("attendance", "出席情况只能是 present、online 或 absent。")
        if not isinstance(reason, str) or len(reason) > 200:
            raise invalid("attendance", "缺席原因应为不超过 200 字的文本。")
        if row["member"] in result:
            raise invalid("attendance", "同一党员只能出现一次。")
        result[row["member"]] = (status, reason)
    return result


def with_attendance(request: HttpRequest, rec: ActivityRecord) -> ActivityRecord:
    """The record with the attendance rows the user may see (a member: their own)."""
    rows = visible(request.user, Attendance.objects.select_related("member"))
    rec.shown_attendance = list(  # type: ignore[attr-defined]
        rows.filter(record=rec).order_by("member__name", "member_id")
    )
    return rec


def warning_actions(user: Any, warning: Warning) -> list[str]:
    """What ``user`` may do to ``warning`` in its present state."""
    mine = scope_rules.is_warned_organization(user, warning)
    superior = scope_rules.is_superior(user, warning)
    actions = []
    for action in ACTIONS:
        rule = warning_moves.TRANSITIONS[action]
        allowed = mine if rule["by"] == "organization" else superior
        if allowed and warning.status in rule["from"].split(","):
            actions.append(action)
    return actions


def with_actions(user: Any, warning: Warning) -> Warning:
    warning.actions = warning_actions(user, warning)  # type: ignore[attr-defined]
    return warning


def figures_out(figures: Figures) -> dict[str, Any]:
    return {
        "due": figures.due,
        "reported": figures.reported,
        "on_time": figures.on_time,
        "completeness": figures.completeness,
        "timeliness": figures.timeliness,
    }


def node_out(closed: NodeCompliance, running: NodeCompliance | None) -> dict[str, Any]:
    months = [
        {**figures_out(f), "month": m.strftime("%Y-%m"), "in_progress": False}
        for m, f in closed.by_month.items()
    ]
    if running is not None:
        months += [
            {**figures_out(f), "month": m.strftime("%Y-%m"), "in_progress": True}
            for m, f in running.by_month.items()
        ]
    return {
        **figures_out(closed.total),
        "region": {"id": closed.region.pk, "name": closed.region.name},
        "in_progress": figures_out(running.total) if running is not None else None,
        "months": sorted(months, key=lambda row: row["month"]),
    }


# ---------------------------------------------------------------------------------------------
# Records


@router.get(
    "/records/",
    response={200: list[RecordOut], **ERRORS},
    tags=["组织生活"],
    summary="组织生活记录列表",
)
@paginate(Page)
def list_records(request: HttpRequest, params: Query[RecordQuery]) -> QuerySet[ActivityRecord]:
    rows = narrowed(request, visible(request.user, RECORDS), params.region, params.organization)
    if params.type:
        rows = rows.filter(types__activity_type__code=params.type)
    if params.since:
        rows = rows.filter(held_on__gte=params.since)
    if params.until:
        rows = rows.filter(held_on__lte=params.until)
    return rows


@router.get(
    "/records/{id}",
    response={200: RecordDetailOut, **ERRORS},
    tags=["组织生活"],
    summary="组织生活记录详情（含参会情况与照片）",
)
def record_detail(request: HttpRequest, id: int) -> ActivityRecord:
    return with_attendance(request, get_for_user(request.user, RECORDS, id))


@router.post(
    "/records/",
    response={201: RecordDetailOut, **ERRORS},
    tags=["组织生活"],
    summary="上传组织生活记录（multipart/form-data，可附照片）",
)
def upload(
    request: HttpRequest,
    form: Form[RecordForm],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    """Saves a record for an organization the user manages (a branch account: its own).
    A record of the same type on the same day for the organization is refused (422); a retry
    with the same ``idempotency_key`` returns the record saved the first time (201 again)."""
    organization = get_for_user(request.user, Organization, form.organization)
    if not manageable_organizations(request.user).filter(pk=organization.pk).exists():
        raise Http404
    device_time = form.device_time
    if device_time is not None and timezone.is_naive(device_time):
        device_time = timezone.make_aware(device_time)
    data = RecordInput(
        activity_types=activity_types(form.types),
        held_on=form.held_on,
        topic=form.topic,
        place=form.place,
        online=form.online,
        minutes=form.minutes,
        attendance=attendance_rows(form.attendance),
        device_time=device_time,
        client_key=(form.idempotency_key or "").strip() or None,
    )
    try:
        rec = upload_record(request.user, organization, data, cleaned_photos(photos or []))
    except RecordRefused as refused:
        raise ValidationError(
            [
                {"loc": ("form", FORM_FIELDS.get(name, name)), "msg": m, "type": "value_error"}
                for name, messages in refused.errors.items()
                for m in messages
            ]
        ) from None
    return Status(201, with_attendance(request, get_for_user(request.user, RECORDS, rec.pk)))


@router.get(
    "/records/{id}/photos/{photo_id}",
    response={**ERRORS},
    tags=["组织生活"],
    summary="记录的照片（?thumb=true 取缩略图）",
    url_name="orglife_record_photo",
    openapi_extra=BINARY_200,
)
def record_photo(request: HttpRequest, id: int, photo_id: int, thumb: bool = False) -> Any:
    rec = get_for_user(request.user, ActivityRecord, id)
    photo = rec.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    return serve(photo.thumbnail if thumb else photo.image)


# ---------------------------------------------------------------------------------------------
# Compliance and the due reports behind it


@router.get(
    "/compliance/",
    response={200: ComplianceOut, **ERRORS},
    tags=["组织生活"],
    summary="节点及各下级的完整率、及时率（按月）",
)
def compliance(request: HttpRequest, params: Query[ComplianceQuery]) -> dict[str, Any]:
    """Completeness and timeliness of the periods already over in the year (the headline
    figures) and, apart, of the periods still running (``in_progress``); both for the node and
    for each child, in total and by the month the periods end."""
    region = get_for_user(request.user, Region, params.region)
    if not may_see_counts(request.user, region):
        raise Http404
    today = timezone.localdate()
    this_month = date(today.year, today.month, 1)
    year = params.year or today.year
    first, last = date(year, 1, 1), date(year, 12, 1)
    previous_month = (
        date(today.year, today.month - 1, 1) if today.month > 1 else date(today.year - 1, 12, 1)
    )
    closed_last = min(last, previous_month)
    # Before the year's first month is over the range is empty: zeros, and the children.
    closed_node, closed_children = rollup(region, first, closed_last)
    running_first = max(first, this_month)
    running: tuple[NodeCompliance, list[NodeCompliance]] | None = None
    if running_first <= last:
        running = rollup(region, running_first, last)
    return {
        "year": year,
        "closed_through": closed_last.strftime("%Y-%m") if closed_last >= first else None,
        "node": node_out(closed_node, running[0] if running else None),
        "children": [
            node_out(child, running[1][index] if running else None)
            for index, child in enumerate(closed_children)
        ],
    }


@router.get(
    "/due/",
    response={200: list[DueOut], **ERRORS},
    tags=["组织生活"],
    summary="应报记录明细（数字背后的已报、逾期与缺报）",
)
@paginate(Page)
def list_due(request: HttpRequest, params: Query[DueQuery]) -> QuerySet[DueReport]:
    rows = narrowed(request, visible(request.user, DUE_REPORTS), params.region, params.organization)
    if params.month:
        rows = rows.filter(month=month_param(params.month))
    if params.type:
        rows = rows.filter(activity_type__code=params.type)
    if params.status == "missing":
        rows = rows.filter(reported_at__isnull=True)
    elif params.status == "late":
        rows = rows.filter(reported_at__isnull=False, on_time=False)
    elif params.status == "on_time":
        rows = rows.filter(on_time=True)
    return rows.order_by("-month", "org_path", "activity_type__position", "period_start", "pk")


# ---------------------------------------------------------------------------------------------
# Warnings


@router.get(
    "/warnings/",
    response={200: list[WarningOut], **ERRORS},
    tags=["组织生活"],
    summary="预警列表",
)
@paginate(Page)
def list_warnings(request: HttpRequest, params: Query[WarningQuery]) -> Listing:
    rows = narrowed(request, visible(request.user, WARNINGS), params.region, params.organization)
    if params.status:
        rows = rows.filter(status=params.status)
    user = request.user

    def prepare(page: list[Warning]) -> None:
        for warning in page:
            with_actions(user, warning)

    return Listing(rows, prepare)


def warning_for(request: HttpRequest, id: int) -> Warning:
    return with_actions(request.user, get_for_user(request.user, WARNINGS, id))


@router.get(
    "/warnings/{id}",
    response={200: WarningDetailOut, **ERRORS},
    tags=["组织生活"],
    summary="预警详情（含处理经过）",
)
def warning_detail(request: HttpRequest, id: int) -> Warning:
    return warning_for(request, id)


@router.get(
    "/warnings/{id}/evidence",
    response={**ERRORS},
    tags=["组织生活"],
    summary="预警的整改材料",
    url_name="orglife_warning_evidence",
    openapi_extra=BINARY_200,
)
def warning_evidence(request: HttpRequest, id: int) -> Any:
    warning = get_for_user(request.user, Warning, id)
    if not warning.evidence:
        raise Http404
    return serve(warning.evidence, download_name=warning.evidence.name.rsplit("/", 1)[-1])


MOVES = {
    "acknowledge": ("organization", "只有被预警的组织可以确认知悉。"),
    "rectify": ("organization", "只有被预警的组织可以提交整改。"),
    "close": ("superior", "只有上级管理员可以销号。"),
    "reopen": ("superior", "只有上级管理员可以退回整改。"),
}


def movable(request: HttpRequest, id: int, action: str) -> Warning:
    """The warning, if the user may make ``action`` on it: 404 when it is not visible, 403
    when it is but the move is someone else's."""
    warning = get_for_user(request.user, WARNINGS, id)
    by, refusal = MOVES[action]
    check = scope_rules.is_warned_organization if by == "organization" else scope_rules.is_superior
    if not check(request.user, warning):
        raise Forbidden(refusal)
    return warning


def moved(request: HttpRequest, warning: Warning, done: bool) -> Warning:
    if not done:
        raise ApiError(409, "conflict", CONFLICT)
    return warning_for(request, warning.pk)


MOVE_RESPONSES = {200: WarningDetailOut, 403: ErrorOut, 409: ErrorOut, **ERRORS}


def move_body(*fields: str, files: bool = False) -> dict[str, Any]:
    """The OpenAPI request body of a move: JSON, or a form (multipart when it carries a file)."""
    properties: dict[str, Any] = {
        name: {"type": "string", "maxLength": NOTE_LENGTH, "description": FIELD_TEXT[name]}
        for name in fields
    }
    form = dict(properties)
    if files:
        form["evidence"] = {"type": "string", "format": "binary", "description": "整改材料"}
    return {
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {"schema": {"type": "object", "properties": properties}},
                "multipart/form-data": {"schema": {"type": "object", "properties": form}},
            },
        }
    }


NOTE_LENGTH = 2000
FIELD_TEXT = {"note": "说明（退回时必填）", "explanation": "整改说明（必填）"}


def text_field(request: HttpRequest, name: str) -> str:
    """``name`` from a JSON body or a form body (phones send either; a rectification with
    evidence is multipart). Too long or not text: 422."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            raise ApiError(400, "bad_request", "请求体无法解析，请发送有效的 JSON。") from None
        value = body.get(name, "") if isinstance(body, dict) else None
    else:
        value = request.POST.get(name, "")
    if not isinstance(value, str):
        raise invalid(name, "请填写文本。")
    if len(value) > NOTE_LENGTH:
        raise invalid(name, f"最多 {NOTE_LENGTH} 个字符。")
    return value


@router.post(
    "/warnings/{id}/acknowledge",
    response=MOVE_RESPONSES,
    tags=["组织生活"],
    summary="被预警组织确认知悉",
    openapi_extra=move_body("note"),
)
def acknowledge(request: HttpRequest, id: int) -> Warning:
    warning = movable(request, id, "acknowledge")
    note = text_field(request, "note")
    return moved(request, warning, warning_moves.acknowledge(request.user, warning, note))


@router.post(
    "/warnings/{id}/rectify",
    response=MOVE_RESPONSES,
    tags=["组织生活"],
    summary="被预警组织提交整改说明（JSON，或 multipart/form-data 附整改材料）",
    openapi_extra=move_body("explanation", files=True),
)
def rectify(request: HttpRequest, id: int) -> Warning:
    warning = movable(request, id, "rectify")
    explanation = text_field(request, "explanation")
    if not explanation.strip():
        raise invalid("explanation", "请填写整改说明。")
    upload = request.FILES.get("evidence") if request.content_type != "application/json" else None
    attached = cleaned_evidence(upload) if upload is not None else None
    return moved(
        request, warning, warning_moves.rectify(request.user, warning, explanation, attached)
    )


def cleaned_evidence(upload: Any) -> ContentFile:
    try:
        return clean_evidence(upload)
    except PhotoError as error:
        raise invalid("evidence", str(error)) from None


@router.post(
    "/warnings/{id}/close",
    response=MOVE_RESPONSES,
    tags=["组织生活"],
    summary="上级销号",
    openapi_extra=move_body("note"),
)
def close(request: HttpRequest, id: int) -> Warning:
    warning = movable(request, id, "close")
    note = text_field(request, "note")
    return moved(request, warning, warning_moves.close(request.user, warning, note))


@router.post(
    "/warnings/{id}/reopen",
    response=MOVE_RESPONSES,
    tags=["组织生活"],
    summary="上级退回整改（须说明原因）",
    openapi_extra=move_body("note"),
)
def reopen(request: HttpRequest, id: int) -> Warning:
    warning = movable(request, id, "reopen")
    note = text_field(request, "note")
    if not note.strip():
        raise invalid("note", "请说明退回原因。")
    return moved(request, warning, warning_moves.reopen(request.user, warning, note))
