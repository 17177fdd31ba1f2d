"""Emergencies (应急): an admin opens one for a node (a flood season 防汛 for a township or
the county); grid workers in the subtree report under it while it is open; its board counts
valid reports (not duplicate or invalid), people evacuated and hazards removed."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from audit.log import Action, record
from incidents.domain.catalogue import NOT_VALID
from incidents.models import Emergency, Incident
from orgs.models import Region


class EmergencyRefused(ValueError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("；".join(m for messages in errors.values() for m in messages))
        self.errors = errors


@dataclass
class Counters:
    reports: int = 0
    valid: int = 0
    open: int = 0
    people_evacuated: int = 0
    hazards_removed: int = 0


VALID = ~Q(state__region__isnull=True, state__code__in=NOT_VALID)


@transaction.atomic
def open_emergency(actor, region: Region, name: str, description: str = "") -> Emergency:
    """Open an emergency for ``region`` (the caller checked the actor administers it).
    Side effects: the audit entry."""
    if not name.strip():
        raise EmergencyRefused({"name": ["请填写应急名称，如“2026年汛期防汛”。"]})
    emergency = Emergency.objects.create(
        region=region,
        region_path=region.path,
        name=name.strip(),
        description=description.strip(),
        opened_at=timezone.now(),
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(actor, Action.CREATE, emergency, region_path=region.path)
    return emergency


@transaction.atomic
def close_emergency(actor, emergency: Emergency) -> bool:
    """Close it (compare-and-set: closing twice changes nothing). Its incidents keep it."""
    now = timezone.now()
    closed = Emergency.objects.filter(pk=emergency.pk, closed_at__isnull=True).update(
        closed_at=now, closed_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    if closed:
        record(
            actor,
            Action.UPDATE,
            emergency,
            region_path=emergency.region_path,
            changes={"closed_at": [None, now.isoformat()]},
        )
        emergency.refresh_from_db()
    return bool(closed)


def counters(emergency: Emergency) -> Counters:
    """The board's figures, in one query."""
    row = Incident.objects.filter(emergency=emergency).aggregate(
        reports=Count("pk"),
        valid=Count("pk", filter=VALID),
        open=Count("pk", filter=Q(closed_at__isnull=True, resolved_at__isnull=True)),
        people_evacuated=Sum("people_evacuated", filter=VALID),
        hazards_removed=Sum("hazards_removed", filter=VALID),
    )
    return Counters(**{key: value or 0 for key, value in row.items()})
