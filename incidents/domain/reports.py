"""Reporting an incident from a grid (上报), adding to one already reported (补充情况), and
the open incidents of the same type in the same grid that a worker is shown before sending."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.log import Action, record
from core.paths import ancestor_paths
from core.photos import CleanPhoto
from incidents.domain.catalogue import REPORTED, builtin
from incidents.models import Emergency, Incident, IncidentEvent, IncidentPhoto, IncidentType
from orgs.models import Grid

CLOCK_SKEW = timedelta(minutes=10)  # a phone's clock a little ahead is not "the future"
DESCRIPTION_LENGTH = 2000
MAX_PHOTOS = 9  # per report or follow-up, from the page or the API


class ReportRefused(ValueError):
    """The report cannot be saved; ``errors`` maps a field (or ``""``) to the reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("；".join(m for messages in errors.values() for m in messages))
        self.errors = errors


@dataclass
class ReportInput:
    type: IncidentType
    grid: Grid
    description: str
    occurred_at: datetime
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    emergency: Emergency | None = None
    device_time: datetime | None = None
    client_key: str | None = None  # the phone's idempotency key (see ``report_incident``)


def _check(data: ReportInput, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    # Types belong to a county (``catalogue``), so the type is the grid's county's exactly
    # when its county lies on the grid's path: no query for the county.
    if data.type.region_path not in ancestor_paths(data.grid.region_path) or not data.type.active:
        errors["type"] = ["请选择本县的事件类型。"]
    if not data.description.strip():
        errors["description"] = ["请描述事件情况。"]
    elif len(data.description) > DESCRIPTION_LENGTH:
        errors["description"] = [f"事件描述最多 {DESCRIPTION_LENGTH} 字。"]
    if data.occurred_at > now + CLOCK_SKEW:
        errors["occurred_at"] = ["发生时间不能晚于现在。"]
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = ["经纬度须同时填写。"]
    elif (
        data.latitude is not None
        and data.longitude is not None
        and not (-90 <= data.latitude <= 90 and -180 <= data.longitude <= 180)
    ):
        errors["latitude"] = ["经纬度超出范围。"]
    if data.emergency is not None and (
        not data.emergency.is_open
        or data.emergency.region_path not in ancestor_paths(data.grid.region_path)
    ):
        errors["emergency"] = ["该应急已结束，或不包括本网格。"]
    return errors


def report_incident(
    actor, data: ReportInput, photos: Sequence[CleanPhoto] = ()
) -> tuple[Incident, bool]:
    """Save a new incident in ``data.grid`` with its photos, in the state 待交办; its
    deadline is the type's time limit from now. Returns the incident and whether it is new.

    With ``data.client_key`` a repeat of a report the server already saved (the offline
    queue resending, a phone that lost the answer) returns the first incident: the key is
    unique per reporter, so the repeat's insert meets the constraint (a repeat racing the
    first waits for it there), rolls back and answers the first — also when the repeat would
    now be refused (a closed emergency, a type switched off). The common path, a new key, is
    one transaction without a look-up first or a savepoint.
    A new incident comes back with its history so far in hand (``incident.history_in_hand``:
    the report's event), so that an answer need not read it again.
    Side effects: the history row, the audit entry."""
    signed_in = getattr(actor, "is_authenticated", False)
    key = data.client_key if signed_in and data.client_key else None
    try:
        with transaction.atomic():
            return _save_report(actor, data, photos, key), True
    except (IntegrityError, ReportRefused):
        first = Incident.objects.filter(reporter=actor, client_key=key).first() if key else None
        if first is None:
            raise
        return first, False


def _save_report(actor, data: ReportInput, photos: Sequence[CleanPhoto], key: str | None):
    now = timezone.now()
    errors = _check(data, now)
    if errors:
        raise ReportRefused(errors)
    state = builtin(REPORTED)
    limit = data.type.time_limit
    grid = data.grid
    signed_in = getattr(actor, "is_authenticated", False)
    incident = Incident.objects.create(
        type=data.type,
        state=state,
        description=data.description.strip(),
        occurred_at=data.occurred_at,
        grid=grid,
        region_id=grid.region_id,
        region_path=grid.region_path,
        organization_id=grid.organization_id,
        org_path=grid.org_path,
        reporter=actor if signed_in else None,
        reported_at=now,
        device_time=data.device_time,
        latitude=data.latitude,
        longitude=data.longitude,
        emergency=data.emergency,
        time_limit=limit,
        deadline=now + limit,
        next_escalation_at=now + limit,
        updated_at=now,
        client_key=key,
    )
    event = IncidentEvent.objects.create(
        incident=incident,
        action=IncidentEvent.Action.REPORT,
        to_state=state,
        actor=incident.reporter,
        at=now,
    )
    _save_photos(incident, event, photos)
    record(actor, Action.CREATE, incident, region_path=incident.region_path)
    incident.history_in_hand = [event]  # type: ignore[attr-defined]
    return incident


def _save_photos(incident: Incident, event: IncidentEvent, photos: Sequence[CleanPhoto]) -> None:
    for photo in photos:
        IncidentPhoto.objects.create(
            incident=incident,
            event=event,
            image=photo.image,
            thumbnail=photo.thumbnail,
            width=photo.width,
            height=photo.height,
        )


@transaction.atomic
def add_follow_up(
    actor, incident: Incident, note: str, photos: Sequence[CleanPhoto] = ()
) -> IncidentEvent:
    """A note (and photos) added to an incident already reported, instead of a duplicate
    report. The state does not change. Side effects: the history row, the audit entry."""
    if not note.strip() and not photos:
        raise ReportRefused({"note": ["请填写补充情况或附上照片。"]})
    now = timezone.now()
    event = IncidentEvent.objects.create(
        incident=incident,
        action=IncidentEvent.Action.FOLLOW_UP,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
        note=note.strip(),
    )
    _save_photos(incident, event, photos)
    Incident.objects.filter(pk=incident.pk).update(updated_at=now)
    record(
        actor,
        Action.UPDATE,
        incident,
        region_path=incident.region_path,
        changes={"follow_up": ["", note.strip()[:200]]},
    )
    return event


def duplicate_candidates(rows, grid: Grid, incident_type: IncidentType, limit: int = 10):
    """The open incidents of ``incident_type`` in ``grid`` among ``rows`` (the user's
    visible incidents), newest first: what a worker may add to instead of reporting again."""
    return (
        rows.filter(grid=grid, type=incident_type, closed_at__isnull=True, resolved_at__isnull=True)
        .select_related("state", "type")
        .order_by("-reported_at")[:limit]
    )


def open_emergencies_for(grid: Grid):
    """The open emergencies whose node contains ``grid``: most recent first (the one a report
    form pre-selects)."""
    return Emergency.objects.filter(
        region_path__in=ancestor_paths(grid.region_path), closed_at__isnull=True
    ).order_by("-opened_at", "-id")
