"""Grid incidents over the JSON API, for phone clients: list (scoped; filters state, type,
region, emergency), detail with history, report (multipart with photos, or JSON without;
an ``idempotency_key`` makes a retry return the first report), the moves, the duplicate
candidates, and emergencies with their counters. Rows only through ``accounts.scope``;
writes only through ``incidents.domain``."""

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.pagination import paginate

from accounts.scope import get_for_user, scope_for, visible
from core.api import ERRORS, ApiError, ErrorOut, Forbidden, Page, cleaned_photos, invalid
from core.paths import subtree_q
from incidents.domain import emergencies, moves, reports
from incidents.models import Emergency, Incident, IncidentEvent, IncidentState, IncidentType
from orgs.api import Ref
from orgs.models import Grid, Region

router = Router()
TAGS = ["网格事件"]
# What the answers show (emergency and reporter are given by id only): every further join
# costs PostgreSQL planning time on each detail and list request.
ROWS = Incident.objects.select_related(
    "type", "state", "grid", "region", "assigned_user", "assigned_unit"
)


def refused(errors: dict[str, list[str]]) -> ValidationError:
    return ValidationError(
        [
            {"loc": ("body", "x", name or "detail"), "msg": m, "type": "value_error"}
            for name, messages in errors.items()
            for m in messages
        ]
    )


# --- schemas -------------------------------------------------------------------------------


class IncidentStateOut(Schema):
    code: str
    label: str
    kind: str = Field(description="open / fixed / closed")
    open311_status: str = Field(description="Open311 的 open / closed")


class IncidentTypeOut(Schema):
    id: int
    code: str
    name: str
    time_limit_hours: int


class IncidentEventOut(Schema):
    action: str
    action_label: str
    from_state: str | None
    to_state: str | None
    actor: str | None
    at: datetime
    note: str

    @staticmethod
    def resolve_action_label(obj: IncidentEvent) -> str:
        return obj.get_action_display()

    @staticmethod
    def resolve_from_state(obj: IncidentEvent) -> str | None:
        return obj.from_state.code if obj.from_state_id else None

    @staticmethod
    def resolve_to_state(obj: IncidentEvent) -> str | None:
        return obj.to_state.code if obj.to_state_id else None

    @staticmethod
    def resolve_actor(obj: IncidentEvent) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class IncidentOut(Schema):
    id: int
    type: IncidentTypeOut
    state: IncidentStateOut
    description: str
    occurred_at: datetime
    reported_at: datetime
    deadline: datetime = Field(description="处置时限")
    overdue: bool = Field(description="未办结且已超过处置时限")
    escalation_level: int = Field(description="0 网格、1 村、2 乡镇、3 县")
    grid: Ref
    region: Ref
    latitude: Decimal | None
    longitude: Decimal | None
    emergency_id: int | None
    assignee: str | None = Field(description="承办人或承办单位")
    duplicate_of_id: int | None
    people_evacuated: int
    hazards_removed: int

    @staticmethod
    def resolve_overdue(obj: Incident) -> bool:
        return obj.state.kind == IncidentState.Kind.OPEN and obj.deadline < timezone.now()

    @staticmethod
    def resolve_assignee(obj: Incident) -> str | None:
        return obj.assignee_label or None


class IncidentDetailOut(IncidentOut):
    history: list[IncidentEventOut]
    actions: list[str] = Field(description="当前账号此刻可执行的操作")

    @staticmethod
    def resolve_history(obj: Incident) -> list[IncidentEvent]:
        in_hand = getattr(obj, "history_in_hand", None)  # a report just written
        if in_hand is not None:
            return in_hand
        return list(obj.events.select_related("from_state", "to_state", "actor"))

    @staticmethod
    def resolve_actions(obj: Incident) -> list[str]:
        return getattr(obj, "actions", [])


class IncidentListQuery(Schema):
    state: str | None = Field(None, max_length=32, description="状态代码，或 open / closed")
    type: int | None = Field(None, description="事件类型 ID")
    region: int | None = Field(None, description="只列出该区划（含下级）内的事件")
    emergency: int | None = Field(None, description="只列出该应急下的事件")


class IncidentReportIn(Schema):
    type: int = Field(description="事件类型 ID")
    grid: int | None = Field(None, description="网格 ID（默认为网格员所在网格）")
    description: str = Field(max_length=2000)
    occurred_at: datetime | None = Field(None, description="发生时间，默认为现在")
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    emergency: int | None = Field(None, description="所属应急 ID")
    idempotency_key: str | None = Field(
        None, max_length=64, description="幂等键：用同一键重试，返回第一次上报的事件"
    )


class IncidentMoveIn(Schema):
    note: str = Field("", max_length=2000)
    user: int | None = Field(None, description="交办：承办人账号 ID")
    unit: int | None = Field(None, description="交办：承办单位 ID")
    people_evacuated: int = Field(0, ge=0, description="办结：疏散群众（人次）")
    hazards_removed: int = Field(0, ge=0, description="办结：排除隐患（处）")
    original: int | None = Field(None, description="标记重复：原事件 ID")


class EmergencyCountersOut(Schema):
    reports: int
    valid: int = Field(description="有效信息（不含重复、无效）")
    open: int
    people_evacuated: int
    hazards_removed: int


class EmergencyOut(Schema):
    id: int
    name: str
    region: Ref
    opened_at: datetime
    closed_at: datetime | None
    is_open: bool


class EmergencyDetailOut(EmergencyOut):
    description: str
    counters: EmergencyCountersOut

    @staticmethod
    def resolve_counters(obj: Emergency) -> Any:
        return emergencies.counters(obj)


# --- emergencies and candidates (before /{id}) ----------------------------------------------


@router.get("/emergencies/", response={200: list[EmergencyOut], **ERRORS}, tags=TAGS,
            summary="应急列表")  # fmt: skip
@paginate(Page)
def list_emergencies(request: HttpRequest) -> QuerySet[Emergency]:
    return visible(request.user, Emergency.objects.select_related("region"))


@router.get("/emergencies/{id}", response={200: EmergencyDetailOut, **ERRORS}, tags=TAGS,
            summary="应急详情（含有效信息、疏散群众、排除隐患计数）")  # fmt: skip
def emergency_detail(request: HttpRequest, id: int) -> Emergency:
    return get_for_user(request.user, Emergency.objects.select_related("region"), id)


@router.get("/candidates", response={200: list[IncidentOut], **ERRORS}, tags=TAGS,
            summary="上报前：本网格同类型未办结事件")  # fmt: skip
def candidates(request: HttpRequest, type: int, grid: int | None = None) -> list[Incident]:
    incident_type = get_for_user(request.user, IncidentType, type)
    the_grid = _grid(request, grid)
    return list(reports.duplicate_candidates(visible(request.user, ROWS), the_grid, incident_type))


def _grid(request: HttpRequest, grid: int | None) -> Grid:
    own = sorted(scope_for(request.user).grid_ids)
    if grid is None:
        if not own:
            raise invalid("grid", "请指定网格。")
        grid = own[0]
    found = get_for_user(request.user, Grid.objects.select_related("region"), grid)
    if found.pk not in own:
        raise Forbidden("只有本网格的网格员可以上报事件。")
    return found


# --- incidents -----------------------------------------------------------------------------


@router.get("/", response={200: list[IncidentOut], **ERRORS}, tags=TAGS, summary="网格事件列表")
@paginate(Page)
def list_incidents(request: HttpRequest, params: Query[IncidentListQuery]) -> QuerySet[Incident]:
    rows = visible(request.user, ROWS)
    if params.region is not None:
        node = get_for_user(request.user, Region, params.region)
        rows = rows.filter(subtree_q("region_path", node.path))
    if params.emergency is not None:
        rows = rows.filter(emergency=get_for_user(request.user, Emergency, params.emergency))
    if params.type is not None:
        rows = rows.filter(type_id=params.type)
    if params.state in ("open", "closed"):
        rows = (
            rows.filter(state__kind=IncidentState.Kind.OPEN)
            if params.state == "open"
            else rows.exclude(state__kind=IncidentState.Kind.OPEN)
        )
    elif params.state:
        rows = rows.filter(state__code=params.state)
    return rows


def _detail(request: HttpRequest, pk: int) -> Incident:
    incident = get_for_user(request.user, ROWS, pk)
    incident.actions = moves.available(request.user, incident)  # type: ignore[attr-defined]
    return incident


@router.get("/{id}", response={200: IncidentDetailOut, **ERRORS}, tags=TAGS,
            summary="网格事件详情（含办理记录）")  # fmt: skip
def incident_detail(request: HttpRequest, id: int) -> Incident:
    return _detail(request, id)


def _body(request: HttpRequest, schema: type[Schema]) -> Any:
    """``schema`` from a JSON body or a form body (phones send either; a report with photos
    is multipart). Errors are answered like ninja's own 422."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            raise ApiError(400, "bad_request", "请求体无法解析，请发送有效的 JSON。") from None
    else:
        body = {k: v for k, v in request.POST.items() if v != ""}
    try:
        return schema.model_validate(body)
    except Exception as error:  # pydantic's ValidationError: answered like ninja's own
        errors = getattr(error, "errors", None)
        if errors is None:
            raise
        raise ValidationError(
            [{**e, "loc": ("body", "x", *e.get("loc", ()))} for e in errors()]
        ) from None


def _request_body(schema: type[Schema], photos: bool = False) -> dict[str, Any]:
    form = schema.json_schema()
    if photos:
        items = {"type": "string", "format": "binary"}
        form = {
            **form,
            "properties": {**form["properties"], "photos": {"type": "array", "items": items}},
        }
    return {
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {"schema": schema.json_schema()},
                "multipart/form-data": {"schema": form},
                "application/x-www-form-urlencoded": {"schema": schema.json_schema()},
            },
        }
    }


@router.post("/", response={201: IncidentDetailOut, 403: ErrorOut, **ERRORS}, tags=TAGS,
             summary="上报网格事件（JSON，或 multipart/form-data 附照片 photos）",
             openapi_extra=_request_body(IncidentReportIn, photos=True))  # fmt: skip
def report(request: HttpRequest) -> Status:
    """A grid worker's report. A retry with the same ``idempotency_key`` answers the first
    report (201 again) and creates nothing."""
    form: IncidentReportIn = _body(request, IncidentReportIn)
    grid = _grid(request, form.grid)
    incident_type = visible(request.user, IncidentType).filter(pk=form.type).first()
    if incident_type is None:
        raise invalid("type", "未知的事件类型。")
    emergency = None
    if form.emergency is not None:
        emergency = visible(request.user, Emergency).filter(pk=form.emergency).first()
        if emergency is None:
            raise invalid("emergency", "未知的应急。")
    files = request.FILES.getlist("photos") if request.content_type != "application/json" else []
    photos = cleaned_photos(files, limit=reports.MAX_PHOTOS)
    occurred = form.occurred_at or timezone.now()
    if timezone.is_naive(occurred):
        occurred = timezone.make_aware(occurred)
    data = reports.ReportInput(
        type=incident_type,
        grid=grid,
        description=form.description,
        occurred_at=occurred,
        latitude=form.latitude,
        longitude=form.longitude,
        emergency=emergency,
        client_key=(form.idempotency_key or "").strip() or None,
    )
    try:
        incident, created = reports.report_incident(request.user, data, photos)
    except reports.ReportRefused as error:
        raise refused(error.errors) from None
    if not created:  # a retry: the first report, read again as any detail is
        return Status(201, _detail(request, incident.pk))
    # A new report is answered from the rows just written (its type, state, grid and place
    # are in hand), not read again through a join of seven tables.
    incident.region = grid.region
    incident.actions = moves.available(request.user, incident)  # type: ignore[attr-defined]
    return Status(201, incident)


MOVE_RESPONSES = {200: IncidentDetailOut, 403: ErrorOut, 409: ErrorOut, **ERRORS}
REFUSALS = {
    "assign": "只有上级可以交办。",
    "progress": "只有承办人可以记录进展。",
    "resolve": "只有承办人可以办结。",
    "close": "只有上报人或上级可以核实关闭。",
    "reopen": "只有上报人或上级可以退回。",
    "duplicate": "只有上报人或上级可以标记重复。",
    "invalid": "只有上级可以标记无效。",
}


def _move(request: HttpRequest, id: int, action: str) -> Incident:
    incident = get_for_user(request.user, ROWS, id)
    if not moves.may(request.user, incident, action):
        raise Forbidden(REFUSALS[action])
    body: IncidentMoveIn = _body(request, IncidentMoveIn)
    user, note = request.user, body.note
    try:
        if action == "assign":
            assignee = moves.Assignee(
                user=moves.assignable_users(user, incident).filter(pk=body.user).first()
                if body.user
                else None,
                unit=moves.assignable_units(incident).filter(pk=body.unit).first()
                if body.unit
                else None,
            )
            done = moves.assign(user, incident, assignee, note)
        elif action == "progress":
            done = moves.record_progress(user, incident, note)
        elif action == "resolve":
            done = moves.resolve(user, incident, note, body.people_evacuated, body.hazards_removed)
        elif action == "close":
            done = moves.close(user, incident, note)
        elif action == "reopen":
            done = moves.reopen(user, incident, note)
        elif action == "invalid":
            done = moves.mark_invalid(user, incident, note)
        else:
            original = visible(user, Incident).filter(pk=body.original or 0).first()
            if original is None:
                raise invalid("original", "未找到原事件，或您无权访问。")
            done = moves.mark_duplicate(user, incident, original, note)
    except moves.MoveRefused as error:
        raise refused(error.errors) from None
    if not done:
        raise ApiError(409, "conflict", "事件状态已变化，请刷新后再试。")
    return _detail(request, incident.pk)


def _route(action: str, summary: str):
    def endpoint(request: HttpRequest, id: int) -> Incident:
        return _move(request, id, action)

    endpoint.__name__ = f"incident_{action}"
    router.post(
        f"/{{id}}/{action}",
        response=MOVE_RESPONSES,
        tags=TAGS,
        summary=summary,
        url_name=f"incident_{action}",
        openapi_extra=_request_body(IncidentMoveIn),
    )(endpoint)


for _action, _summary in (
    ("assign", "交办（承办人 user 或承办单位 unit）"),
    ("progress", "承办人记录处理进展"),
    ("resolve", "承办人办结（可填疏散群众、排除隐患）"),
    ("close", "上报人或上级核实关闭"),
    ("reopen", "核实未通过，退回重办"),
    ("duplicate", "标记为重复（original：原事件 ID）"),
    ("invalid", "标记为无效信息"),
):
    _route(_action, _summary)
