"""Overdue incidents escalate one level up (超时升级): grid → village → township → county.

An incident still open when its time limit has passed (``next_escalation_at``) rises one
level, and the admins of that level get an inbox notice; if it is still open one more time
limit later, it rises again, up to the county. The sweep is set-based and idempotent like the
organizational-life warnings sweep, in three steps in one transaction:

1. ``claim``: one conditional ``UPDATE`` raises the level of every due incident and moves its
   ``next_escalation_at`` one limit on — a row another run already claimed no longer matches;
2. ``record_escalations``: one ``INSERT … SELECT`` of an ``Escalation`` per claimed incident,
   refused a second time by the unique key (incident, level), plus the history rows;
3. ``notify``: one ``INSERT … SELECT`` of inbox notices for the admins of the level reached
   (for the village level, the village's admins and branch accounts), unique per person and
   escalation."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.paths import SEGMENT
from incidents.models import Escalation, Incident, IncidentEvent

TOP = Incident.Level.COUNTY


@dataclass
class EscalationResult:
    claimed: int
    escalations: int
    notifications: int


def _v(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def claim(now: datetime) -> int:
    """Raise every overdue open incident one level; returns how many were raised."""
    return Incident.objects.filter(
        closed_at__isnull=True,
        resolved_at__isnull=True,
        escalation_level__lt=TOP,
        next_escalation_at__lte=now,
    ).update(
        escalation_level=F("escalation_level") + 1,
        escalated_at=now,
        next_escalation_at=F("next_escalation_at") + F("time_limit"),
    )


def record_escalations(now: datetime) -> list[int]:
    """One ``Escalation`` per incident this run raised; returns the new rows' ids."""
    sql = (
        f"INSERT INTO {Escalation._meta.db_table} (incident_id, level, at) "
        f"SELECT i.id, i.escalation_level, %s FROM {Incident._meta.db_table} i "
        "WHERE i.escalated_at = %s "
        "ON CONFLICT (incident_id, level) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_v(now), _v(now)])
        ids = [row[0] for row in cursor.fetchall()]
    rows = Escalation.objects.filter(pk__in=ids).select_related("incident")
    IncidentEvent.objects.bulk_create(
        IncidentEvent(
            incident_id=row.incident_id,
            action=IncidentEvent.Action.ESCALATE,
            at=now,
            note=f"超过处置时限，升级至{Incident.Level(row.level).label}",
        )
        for row in rows
    )
    return ids


def notify(escalation_ids: list[int], now: datetime) -> int:
    """Inbox notices for the admins of the level each escalation reached; at most one per
    escalation and person. The level's node is the incident's region cut ``level - 1``
    segments short (the incident's region is its village)."""
    total = 0
    for start in range(0, len(escalation_ids), 500):
        chunk = escalation_ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        sql = (
            "INSERT INTO notifications_notification (user_id, key, title, body, url, created_at) "
            "SELECT DISTINCT ra.user_id, 'incident-escalation:' || CAST(e.id AS TEXT), "
            "'事件超时升级：' || t.name || ' · ' || g.name, "
            "'该事件已超过处置时限仍未办结，请督办。', "
            "'/incidents/' || CAST(i.id AS TEXT) || '/', %s "
            f"FROM {Escalation._meta.db_table} e "
            f"JOIN {Incident._meta.db_table} i ON i.id = e.incident_id "
            "JOIN incidents_incidenttype t ON t.id = i.type_id "
            "JOIN orgs_grid g ON g.id = i.grid_id "
            "JOIN accounts_roleassignment ra ON ra.role IN ('admin', 'branch') "
            "JOIN orgs_region r ON r.id = ra.region_id "
            "LEFT JOIN orgs_organization o ON o.id = ra.organization_id "
            f"WHERE e.id IN ({marks}) AND ("
            "(ra.role = 'admin' AND r.path = "
            f"substr(i.region_path, 1, length(i.region_path) - (e.level - 1) * {SEGMENT})) "
            "OR (ra.role = 'branch' AND e.level = 1 AND i.org_path >= o.path "
            "AND i.org_path < o.path || '{')) "
            "ON CONFLICT (user_id, key) DO NOTHING"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [_v(now), *chunk])
            total += cursor.rowcount
    return total


@transaction.atomic
def sweep(now: datetime | None = None) -> EscalationResult:
    """Escalate every overdue open incident one level and notify; idempotent. An incident
    several limits overdue (the sweep did not run) rises one level per pass, up to three
    passes here, so a catch-up reaches the right level at once."""
    now = now or timezone.now()
    claimed, ids = 0, []
    for step in range(TOP):
        # Each pass stamps its own instant (a microsecond apart), so that step 2 picks
        # exactly the rows this pass raised.
        moment = now + timedelta(microseconds=step)
        raised = claim(moment)
        if not raised:
            break
        claimed += raised
        ids += record_escalations(moment)
    return EscalationResult(claimed, len(ids), notify(ids, now) if ids else 0)
