"""What the Open311 GETs show: the public view of one county's catalogue and requests.

These reads need no signed-in user (GeoReport v2: the GET methods require no API key), so
they are not scoped by ``accounts.scope``; their scope is the jurisdiction — one county's
rows, found by its region path — and the fields are the specification's, none personal:
no names, phones, e-mails, households or accounts, ever. For requests made on the platform
(a resident's own request, often about their household) only the catalogue item, the
status, the dates, the agency and the village are shown; description, exact location and
media only for requests an Open311 client made, which that client published knowingly —
and even there, phone and ID numbers typed into the text are masked.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, QuerySet

from audit.models import AuditEntry
from core.masking import mask_id_number, mask_phone
from core.paths import subtree_q
from open311.domain.errors import Refused
from orgs.models import Region
from services.models import OPEN_REQUEST_STATES, ServiceItem, ServiceRequest

# GeoReport v2, GET Service Requests, "Response Volume": 90 days or 1000 requests.
WINDOW = timedelta(days=90)
LIMIT = 1000
STATUSES = ("open", "closed")
VILLAGE_ATTRIBUTE = "village"

PHONE_IN_TEXT = re.compile(r"(?<!\d)1\d{10}(?!\d)")
ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def counties() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.COUNTY)


def jurisdiction(jurisdiction_id: str, fallback: Region | None = None) -> Region:
    """The county whose region code is ``jurisdiction_id``. Omitted, it is the only county in
    the database (GeoReport v2: optional when the endpoint serves one jurisdiction), or
    ``fallback`` (the county of the client's api_key, for a POST)."""
    if jurisdiction_id:
        county = counties().filter(code=jurisdiction_id.strip()).first()
        if county is None:
            raise Refused(404, f"jurisdiction_id 不存在：{jurisdiction_id}")
        return county
    if fallback is not None:
        return fallback
    found = list(counties()[:2])
    if len(found) == 1:
        return found[0]
    raise Refused(400, "本接口服务多个旗县，请提供 jurisdiction_id（旗县的区划代码）。")


def changeset() -> str:
    """When the catalogue last changed (its latest audit entry), for discovery's
    ``changeset``: sortable, ``YYYY-MM-DD HH:MM`` like the specification's examples."""
    from django.utils import timezone

    last = AuditEntry.objects.filter(
        model__in=["services.ServiceItem", "services.ServiceCategory"]
    ).aggregate(last=Max("at"))["last"]
    if last is None:
        last = AuditEntry.objects.aggregate(last=Max("at"))["last"]
    return timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "2026-01-01 00:00"


def items(county: Region) -> QuerySet[ServiceItem]:
    """The county's active catalogue items: Open311's services."""
    return (
        ServiceItem.objects.filter(region=county, active=True)
        .select_related("category")
        .order_by("category__position", "category__code", "code")
    )


def item(county: Region, service_code: str) -> ServiceItem | None:
    return items(county).filter(code=service_code).first()


def villages(county: Region) -> QuerySet[Region]:
    """The county's villages and communities, where a request can be placed."""
    return (
        Region.objects.filter(subtree_q("path", county.path), level=Region.Level.VILLAGE)
        .select_related("parent")
        .order_by("path")
    )


def village(county: Region, code: str) -> Region | None:
    return villages(county).filter(code=code).first()


def mask_text(text: str) -> str:
    """Phone and ID numbers written into a description, masked."""
    text = ID_IN_TEXT.sub(lambda m: mask_id_number(m.group()), text)
    return PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def place_name(region: Region) -> str:
    """``红旗村，东风镇``: most specific to most general, as the specification asks."""
    parent = region.parent
    return f"{region.name}，{parent}" if parent is not None else region.name


@dataclass(frozen=True)
class Filters:
    """GET Service Requests' arguments, parsed. ``ids`` overrides every other one."""

    ids: tuple[int, ...] = ()
    codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None


def window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The requested_datetime range searched: both ends given (at most 90 days apart); one
    end given and the other 90 days from it; neither: the most recent 90 days."""
    if start is None and end is None:
        return now - WINDOW, now
    if start is None:
        assert end is not None
        return end - WINDOW, end
    if end is None:
        return start, start + WINDOW
    return start, end


def _requests(county: Region) -> QuerySet[ServiceRequest]:
    return (
        ServiceRequest.objects.filter(subtree_q("region_path", county.path), item__isnull=False)
        .select_related("item", "item__category", "unit", "region__parent", "open311")
        .order_by("-submitted_at", "-id")
    )


def requests(county: Region, filters: Filters, now: datetime) -> list[ServiceRequest]:
    """At most ``LIMIT`` requests of the county matching ``filters``, newest first. Requests
    without a catalogue item (free text) have no ``service_code`` and are not Open311's."""
    rows = _requests(county)
    if filters.ids:
        return list(rows.filter(pk__in=filters.ids)[:LIMIT])
    start, end = window(filters.start, filters.end, now)
    rows = rows.filter(submitted_at__gte=start, submitted_at__lte=end)
    if filters.codes:
        rows = rows.filter(item__code__in=filters.codes)
    if filters.statuses and set(filters.statuses) != set(STATUSES):
        if "open" in filters.statuses:
            rows = rows.filter(status__in=OPEN_REQUEST_STATES)
        else:
            rows = rows.exclude(status__in=OPEN_REQUEST_STATES)
    return list(rows[:LIMIT])


def request(county: Region, pk: int) -> ServiceRequest | None:
    return _requests(county).filter(pk=pk).first()


def open311_status(request: ServiceRequest) -> str:
    """``open`` until the request is done, rated or rejected; then ``closed``."""
    return "open" if request.status in OPEN_REQUEST_STATES else "closed"
