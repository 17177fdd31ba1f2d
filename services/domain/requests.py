"""Residents' requests: 群众点单 → 社区派单 → 单位接单 → 群众评单 (seed 002).

Every move is a compare-and-set on the request's status (``_move``): it happens only if the
request is still in the state it was read in, and writes a ``RequestEvent`` and an audit
entry in the same transaction. The allowed moves are ``services.models.REQUEST_TRANSITIONS``;
who may make each one is asked of ``services.scope_rules``. Notices go to the inbox keyed by
the event, so a retried call never sends one twice."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from audit.log import Action, record
from core.photos import CleanPhoto
from notifications.domain import notify
from orgs.models import Household, Region, Unit
from services import scope_rules
from services.models import (
    REQUEST_TRANSITIONS,
    RequestEvent,
    RequestPhoto,
    RequestStatus,
    RoutingRule,
    ServiceItem,
    ServiceRequest,
)

# A free-text request (no catalogue item) is due within this many days.
DEFAULT_TIME_LIMIT_DAYS = 7
Status = RequestStatus


class RequestRefused(ValueError):
    """The request (or the move) cannot be made; ``errors`` maps a field (or ``""``) to the
    reasons, in Chinese, for the form or the API to show beside the field."""

    def __init__(self, errors: dict[str, list[str]], code: str = "invalid") -> None:
        super().__init__("；".join(m for messages in errors.values() for m in messages))
        self.errors = errors
        self.code = code  # invalid (bad input) / forbidden (not yours to do) / conflict (state)


def _refuse(field: str, message: str, code: str = "invalid") -> RequestRefused:
    return RequestRefused({field: [message]}, code)


@dataclass
class RequestInput:
    """What a resident (or a proxy for them) submits. ``item`` or a ``title`` for free text;
    ``region`` defaults to the household's village; ``proxy`` says the actor submits for the
    household's resident (代办)."""

    description: str
    item: ServiceItem | None = None
    title: str = ""
    household: Household | None = None
    region: Region | None = None
    proxy: bool = False
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    address: str = ""
    photos: Sequence[CleanPhoto] = ()
    client_key: str | None = None
    source: str = ServiceRequest.Source.WEB


def _actor_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _first_for_key(actor, key: str) -> ServiceRequest | None:
    return ServiceRequest.objects.filter(
        Q(submitted_by=actor) | Q(proxy_by=actor), client_key=key
    ).first()


def _check(actor, data: RequestInput) -> tuple[Region, str]:
    """The request's village and how the actor submits it (own / proxy); or refused."""
    errors: dict[str, list[str]] = {}
    if data.item is None and not data.title.strip():
        errors.setdefault("item", []).append("请选择服务事项，或填写诉求标题。")
    if data.item is not None and not data.item.active:
        errors.setdefault("item", []).append("该服务事项已停用，请重新选择。")
    if not data.description.strip():
        errors.setdefault("description", []).append("请描述您的诉求。")
    if (data.latitude is None) != (data.longitude is None):
        errors.setdefault("latitude", []).append("经纬度须同时填写。")
    if data.latitude is not None and not Decimal(-90) <= data.latitude <= Decimal(90):
        errors.setdefault("latitude", []).append("纬度应在 -90 到 90 之间。")
    if data.longitude is not None and not Decimal(-180) <= data.longitude <= Decimal(180):
        errors.setdefault("longitude", []).append("经度应在 -180 到 180 之间。")
    how = "own"
    region = data.region
    if data.household is not None:
        how_allowed = scope_rules.may_submit_for(actor, data.household)
        if how_allowed is None:
            errors.setdefault("household", []).append("不能为该农户提交诉求。")
        else:
            how = how_allowed
        region = data.household.region
    elif data.proxy:
        errors.setdefault("household", []).append("代办诉求请选择农户。")
    if region is None:
        errors.setdefault("region", []).append("请选择诉求所在的村（社区）。")
    elif region.level != Region.Level.VILLAGE:
        errors.setdefault("region", []).append("诉求应属于一个村（社区）。")
    elif data.item is not None and not region.path.startswith(data.item.region_path):
        errors.setdefault("item", []).append("该服务事项不属于本旗县的服务目录。")
    if data.proxy and how == "own":
        errors.setdefault("household", []).append("为本户提交的诉求无需代办。")
    if errors:
        raise RequestRefused(errors)
    assert region is not None
    return region, how


@transaction.atomic
def submit_request(actor, data: RequestInput) -> ServiceRequest:
    """群众点单: save a request with its photos, due ``time_limit_days`` after submission, in
    state ``submitted``; write its first event and an audit entry; notify the village's
    branch accounts (the dispatchers).

    The actor is the submitter: a resident for their own household (``submitted_by``), or a
    grid worker, the branch or an admin for a resident without a phone (``proxy_by``, 代办).
    With ``data.client_key``, a repeat of a submission already saved (the phone lost the
    answer, the offline queue resent it) returns the first request instead of a second:
    the key is unique per submitter, and a racing repeat waits on the constraint."""
    signed_in = _actor_or_none(actor)
    key = data.client_key if signed_in and data.client_key else None
    if key is not None:
        first = _first_for_key(actor, key)
        if first is not None:
            return first
    region, how = _check(actor, data)
    now = timezone.now()
    limit = data.item.time_limit_days if data.item is not None else DEFAULT_TIME_LIMIT_DAYS
    title = data.title.strip() or (data.item.name if data.item is not None else "")
    proxy = how == "proxy"
    try:
        with transaction.atomic():
            request = ServiceRequest.objects.create(
                item=data.item,
                title=title[:150],
                description=data.description.strip(),
                region=region,
                region_path=region.path,
                household=data.household,
                submitted_by=None if proxy else signed_in,
                proxy_by=signed_in if proxy else None,
                status=Status.SUBMITTED,
                submitted_at=now,
                due_at=now + timedelta(days=limit),
                latitude=data.latitude,
                longitude=data.longitude,
                address=data.address.strip()[:200],
                client_key=key,
                source=data.source,
                updated_at=now,
            )
    except IntegrityError:
        if key is None:
            raise
        found = _first_for_key(actor, key)
        assert found is not None
        return found
    for photo in data.photos:
        _save_photo(request, photo, RequestPhoto.Stage.SUBMITTED)
    event = RequestEvent.objects.create(
        request=request,
        from_status="",
        to_status=Status.SUBMITTED,
        actor=signed_in,
        at=now,
        note="代办" if proxy else "",
    )
    record(actor, Action.CREATE, request, region_path=request.region_path)
    _notify(
        _branch_accounts(region),
        event,
        f"新诉求：{request.title}",
        f"{region.name}收到新的服务诉求，请及时派单。",
    )
    return request


def _save_photo(request: ServiceRequest, photo: CleanPhoto, stage: str) -> None:
    RequestPhoto.objects.create(
        request=request,
        stage=stage,
        image=photo.image,
        thumbnail=photo.thumbnail,
        width=photo.width,
        height=photo.height,
    )


# ---------------------------------------------------------------------------------------------
# The routing table


def proposed_unit(request: ServiceRequest) -> Unit | None:
    """The unit the routing table offers for this request: the rule for its item at the
    deepest place on the request's path (village, then township, then county)."""
    if request.item_id is None:
        return None
    ancestors = [request.region_path[:end] for end in range(4, len(request.region_path) + 1, 4)]
    rule = (
        RoutingRule.objects.filter(item_id=request.item_id, region_path__in=ancestors)
        .select_related("unit")
        .order_by("-region_path")
        .first()
    )
    return rule.unit if rule is not None else None


# ---------------------------------------------------------------------------------------------
# Moves


def _move(actor, request: ServiceRequest, to: str, note: str = "", **fields) -> RequestEvent:
    """Compare-and-set from the status ``request`` was read in to ``to``; a history row, an
    audit entry. Refused if the move is not in the state machine or someone moved first."""
    if (request.status, to) not in REQUEST_TRANSITIONS:
        raise _refuse(
            "", f"当前状态为“{request.get_status_display()}”，不能执行此操作。", "conflict"
        )
    now = timezone.now()
    unit = fields.get("unit", request.unit)
    moved = ServiceRequest.objects.filter(pk=request.pk, status=request.status).update(
        status=to, updated_at=now, **fields
    )
    if moved != 1:
        raise _refuse("", "该诉求刚被他人处理过，请刷新后查看。", "conflict")
    event = RequestEvent.objects.create(
        request=request,
        from_status=request.status,
        to_status=to,
        actor=_actor_or_none(actor),
        at=now,
        note=note,
        unit=unit,
    )
    record(
        actor,
        Action.UPDATE,
        request,
        region_path=request.region_path,
        changes={"status": [request.status, to]},
        summary=f"诉求 {request.pk}",
    )
    request.refresh_from_db()
    return event


def _need(allowed: bool, message: str = "您无权执行此操作。") -> None:
    if not allowed:
        raise _refuse("", message, "forbidden")


@transaction.atomic
def dispatch(actor, request: ServiceRequest, unit: Unit | None, note: str = "") -> ServiceRequest:
    """社区派单: the village's branch (or an admin above) sends the request to ``unit``, or,
    with ``unit=None``, handles it itself (it goes straight to ``accepted``). The unit's
    accounts are notified."""
    _need(scope_rules.is_dispatcher(actor, request))
    if unit is None:
        _move(
            actor, request, Status.ACCEPTED, note or "村（社区）自办", unit=None, self_handled=True
        )
        return request
    if not request.region_path.startswith(unit.region_path):
        raise _refuse("unit", "该单位不服务此诉求所在的区域。")
    event = _move(actor, request, Status.DISPATCHED, note, unit=unit, self_handled=False)
    _notify(
        _unit_accounts(unit),
        event,
        f"新派单：{request.title}",
        f"{request.region.name}派来服务诉求，请在办理期限前接单办理。",
    )
    return request


@transaction.atomic
def reject(actor, request: ServiceRequest, reason: str) -> ServiceRequest:
    """不予受理: the dispatcher refuses a request that is not a service matter, with the
    reason, which the resident is told."""
    _need(scope_rules.is_dispatcher(actor, request))
    if not reason.strip():
        raise _refuse("note", "请填写不予受理的原因。")
    event = _move(actor, request, Status.REJECTED, reason.strip())
    _notify(_requesters(request), event, f"诉求未受理：{request.title}", reason.strip())
    return request


@transaction.atomic
def accept(actor, request: ServiceRequest, note: str = "") -> ServiceRequest:
    """单位接单: the unit it was dispatched to takes it on."""
    _need(scope_rules.is_handling_unit(actor, request))
    _move(actor, request, Status.ACCEPTED, note)
    return request


@transaction.atomic
def send_back(actor, request: ServiceRequest, reason: str) -> ServiceRequest:
    """退回: the unit returns the request to the dispatcher with the reason (not ours, wrong
    unit…); it is ``submitted`` again, with no unit, and the dispatchers are notified."""
    _need(scope_rules.is_handling_unit(actor, request))
    if not reason.strip():
        raise _refuse("note", "请填写退回原因。")
    event = _move(actor, request, Status.SUBMITTED, reason.strip(), unit=None)
    _notify(
        _branch_accounts(request.region),
        event,
        f"诉求被退回：{request.title}",
        f"退回原因：{reason.strip()}。请重新派单。",
    )
    return request


@transaction.atomic
def finish(
    actor, request: ServiceRequest, note: str, photos: Sequence[CleanPhoto] = ()
) -> ServiceRequest:
    """办结: the handler (the unit, or the village for a request it handles itself) reports
    the result; the resident is asked to rate it."""
    handler = (
        scope_rules.is_dispatcher(actor, request)
        if request.self_handled
        else scope_rules.is_handling_unit(actor, request)
    )
    _need(handler)
    if not note.strip():
        raise _refuse("note", "请填写办理结果。")
    event = _move(
        actor, request, Status.DONE, note.strip(), done_at=timezone.now(), result_note=note.strip()
    )
    for photo in photos:
        _save_photo(request, photo, RequestPhoto.Stage.DONE)
    _notify(
        _requesters(request),
        event,
        f"诉求已办结：{request.title}",
        "请对办理结果进行评价。",
    )
    return request


@transaction.atomic
def rate(actor, request: ServiceRequest, rating: int, comment: str = "") -> ServiceRequest:
    """群众评单: the resident (or their proxy) rates a finished request 1–5."""
    _need(scope_rules.is_requester(actor, request))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise _refuse("rating", "请给出 1 到 5 分的评价。")
    _move(
        actor,
        request,
        Status.RATED,
        comment.strip(),
        rating=rating,
        rating_comment=comment.strip()[:500],
    )
    return request


MAX_REOPENINGS = 1

MOVES = ("dispatch", "reject", "accept", "send_back", "finish", "rate", "reopen")


def available(user, obj: ServiceRequest) -> list[str]:
    """The moves ``user`` may make on ``obj`` in its present status, as the pages and the API
    offer them (each move checks again when it is made)."""
    dispatcher = scope_rules.is_dispatcher(user, obj)
    unit = scope_rules.is_handling_unit(user, obj)
    requester = scope_rules.is_requester(user, obj)
    status = obj.status
    allowed = {
        "dispatch": dispatcher and status == RequestStatus.SUBMITTED,
        "reject": dispatcher and status == RequestStatus.SUBMITTED,
        "accept": unit and status == RequestStatus.DISPATCHED,
        "send_back": unit and status == RequestStatus.DISPATCHED,
        "finish": status == RequestStatus.ACCEPTED and (dispatcher if obj.self_handled else unit),
        "rate": requester and status == RequestStatus.DONE,
        "reopen": requester
        and status in (RequestStatus.DONE, RequestStatus.RATED)
        and obj.reopened < MAX_REOPENINGS,
    }
    return [move for move in MOVES if allowed[move]]


@transaction.atomic
def reopen(actor, request: ServiceRequest, reason: str) -> ServiceRequest:
    """重新办理: once, the resident sends a finished request back to whoever handled it;
    its rating is cleared and it is due again after the item's time limit."""
    _need(scope_rules.is_requester(actor, request))
    if request.reopened >= MAX_REOPENINGS:
        raise _refuse("", "每件诉求只能申请重新办理一次。", "conflict")
    if not reason.strip():
        raise _refuse("note", "请说明需要重新办理的原因。")
    limit = request.item.time_limit_days if request.item is not None else DEFAULT_TIME_LIMIT_DAYS
    now = timezone.now()
    event = _move(
        actor,
        request,
        Status.ACCEPTED,
        reason.strip(),
        reopened=request.reopened + 1,
        rating=None,
        rating_comment="",
        done_at=None,
        due_at=now + timedelta(days=limit),
        overdue_notified_at=None,
    )
    handlers = (
        _branch_accounts(request.region)
        if request.self_handled or request.unit is None
        else _unit_accounts(request.unit)
    )
    _notify(handlers, event, f"诉求需重新办理：{request.title}", reason.strip())
    return request


# ---------------------------------------------------------------------------------------------
# Notices


def _branch_accounts(region: Region) -> list[int]:
    return list(
        RoleAssignment.objects.filter(role=Role.BRANCH, region=region).values_list(
            "user_id", flat=True
        )
    )


def _unit_accounts(unit: Unit) -> list[int]:
    return list(
        RoleAssignment.objects.filter(role=Role.UNIT, unit=unit).values_list("user_id", flat=True)
    )


def _requesters(request: ServiceRequest) -> list[int]:
    users = set(
        RoleAssignment.objects.filter(
            role=Role.RESIDENT, household_id=request.household_id
        ).values_list("user_id", flat=True)
        if request.household_id
        else []
    )
    users |= {u for u in (request.submitted_by_id, request.proxy_by_id) if u is not None}
    return sorted(users)


def _notify(user_ids: Sequence[int], event: RequestEvent, title: str, body: str) -> None:
    """One inbox message per person and event; a repeat is refused by the inbox's key."""
    notify(
        user_ids,
        f"request-event:{event.pk}",
        title,
        body,
        f"/services/requests/{event.request_id}/",
        at=event.at,
    )


def is_overdue(request: ServiceRequest, now: datetime | None = None) -> bool:
    return request.is_open and request.due_at < (now or timezone.now())


def units_for(request: ServiceRequest) -> list[Unit]:
    """The units that serve the request's place (a unit serves its region's subtree): the
    choices of the dispatcher."""
    ancestors = [request.region_path[:end] for end in range(4, len(request.region_path) + 1, 4)]
    return list(Unit.objects.filter(region_path__in=ancestors).order_by("region_path", "name"))
