"""The overdue sweep (超期提醒): requests still open past their due time are flagged to the
dispatcher (the village's branch accounts) and their superior (the admins of the township
above), once each.

Set-based and safe to run twice at once, like orglife's warnings: ``claim_overdue`` stamps
the overdue, unflagged requests with this run's time in one conditional ``UPDATE`` (a row a
concurrent run claimed no longer matches), and ``notify_overdue`` inserts one inbox notice
per claimed request and recipient in one ``INSERT … SELECT`` (the inbox's unique key refuses
a repeat). Both run in one transaction. A reopened request is due again and may be flagged
again: its key carries the reopening count."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from core.paths import subtree_q
from services.models import OPEN_REQUEST_STATES, ServiceRequest


@dataclass
class OverdueResult:
    flagged: int
    notifications: int


def _v(value):
    return connection.ops.adapt_datetimefield_value(value)


def claim_overdue(now: datetime, region_path: str = "") -> int:
    rows = ServiceRequest.objects.filter(
        status__in=OPEN_REQUEST_STATES, due_at__lt=now, overdue_notified_at__isnull=True
    )
    if region_path:
        rows = rows.filter(subtree_q("region_path", region_path))
    return rows.update(overdue_notified_at=now)


def notify_overdue(now: datetime) -> int:
    """A notice for every request this run claimed, to the branch accounts at its village
    and the admins at the region directly above it."""
    table = ServiceRequest._meta.db_table
    sql = (
        "INSERT INTO notifications_notification (user_id, key, title, body, url, created_at) "
        "SELECT DISTINCT ra.user_id, "
        "'request-overdue:' || CAST(q.id AS TEXT) || ':' || CAST(q.reopened AS TEXT), "
        "'诉求超期：' || q.title, "
        "r.name || '的服务诉求已超过办理期限，请督促办理。', "
        "'/services/requests/' || CAST(q.id AS TEXT) || '/', %s "
        f"FROM {table} q "
        "JOIN accounts_roleassignment ra ON ra.role IN ('branch', 'admin') "
        "JOIN orgs_region r ON r.id = ra.region_id "
        "WHERE q.overdue_notified_at = %s AND ("
        "(ra.role = 'branch' AND ra.region_id = q.region_id) OR "
        "(ra.role = 'admin' AND r.path = SUBSTR(q.region_path, 1, LENGTH(q.region_path) - 4))) "
        "ON CONFLICT (user_id, key) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_v(now), _v(now)])
        return cursor.rowcount


@transaction.atomic
def sweep_overdue(now: datetime | None = None, region_path: str = "") -> OverdueResult:
    """Flag the requests that have become overdue and notify; idempotent."""
    now = now or timezone.now()
    flagged = claim_overdue(now, region_path)
    return OverdueResult(flagged, notify_overdue(now) if flagged else 0)
