"""Warnings (预警) for reports that never came, the reminder notices (提醒通报) they send, and
their rectification (督促整改): open → acknowledged → rectified → closed.

The sweep is set-based and safe to run twice at once: ``claim_overdue`` marks the overdue
due reports with this run's timestamp in one conditional ``UPDATE`` (a row already claimed by
another run no longer matches), ``raise_warnings`` inserts one warning per claimed row (the
one-to-one key refuses a second), and ``notify`` inserts one inbox message per warning and
recipient (a unique key refuses a repeat). The three run in one transaction, so a failed run
leaves nothing half done and the next run does it all."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from audit.log import Action, record
from core.paths import subtree_q, successor
from orglife.domain.compliance import without_jit
from orglife.models import ActivityRecord, ActivityType, DueReport, Warning, WarningEvent

Status = Warning.Status

# Which moves are allowed, and who makes them: the organization itself acknowledges and
# rectifies; a superior (an admin above it) closes, or sends a rectification back.
TRANSITIONS: dict[str, dict[str, str]] = {
    "acknowledge": {"from": Status.OPEN, "to": Status.ACKNOWLEDGED, "by": "organization"},
    "rectify": {
        "from": Status.OPEN + "," + Status.ACKNOWLEDGED,
        "to": Status.RECTIFIED,
        "by": "organization",
    },
    "close": {"from": Status.RECTIFIED, "to": Status.CLOSED, "by": "superior"},
    "reopen": {"from": Status.RECTIFIED, "to": Status.ACKNOWLEDGED, "by": "superior"},
}


@dataclass
class SweepResult:
    claimed: int
    warnings: int
    notifications: int


def _v(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def claim_overdue(now: datetime, region_path: str = "") -> list[int]:
    """Mark, with ``now``, the due reports past their deadline with no record and no
    warning yet; returns their ids. Rows claimed by a concurrent run are no longer unwarned
    and are skipped (the ``due_unwarned`` partial index holds exactly the candidates)."""
    table = DueReport._meta.db_table
    sql = (
        f"UPDATE {table} SET warned_at = %s "
        "WHERE deadline <= %s AND reported_at IS NULL AND warned_at IS NULL"
    )
    params: list = [_v(now), _v(now)]
    if region_path:
        sql += " AND region_path >= %s AND region_path < %s"
        params += [region_path, successor(region_path)]
    with connection.cursor() as cursor:
        cursor.execute(sql + " RETURNING id", params)
        return sorted(row[0] for row in cursor.fetchall())


def raise_warnings(now: datetime, due_ids: list[int]) -> list[int]:
    """One warning for each of the due reports this run claimed; returns the new warnings'
    ids (the one-to-one key on the due report refuses a second warning)."""
    ids: list[int] = []
    for start in range(0, len(due_ids), 5000):
        chunk = due_ids[start : start + 5000]
        marks = ", ".join(["%s"] * len(chunk))
        sql = (
            f"INSERT INTO {Warning._meta.db_table} (due_report_id, organization_id, "
            "activity_type_id, period_start, period_end, region_path, org_path, status, "
            "raised_at, updated_at, explanation, evidence) "
            "SELECT d.id, d.organization_id, d.activity_type_id, d.period_start, d.period_end, "
            "d.region_path, d.org_path, %s, %s, %s, '', '' "
            f"FROM {DueReport._meta.db_table} d WHERE d.id IN ({marks}) ORDER BY d.id "
            "ON CONFLICT (due_report_id) DO NOTHING RETURNING id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [Status.OPEN, _v(now), _v(now), *chunk])
            ids += [row[0] for row in cursor.fetchall()]
    WarningEvent.objects.bulk_create(
        (WarningEvent(warning_id=pk, from_status="", to_status=Status.OPEN, at=now) for pk in ids),
        batch_size=2000,
    )
    return ids


def notify(warning_ids: list[int], now: datetime) -> int:
    """A reminder notice in the inbox of the organization's branch accounts and of every
    admin above it; at most one per warning and person, however often this runs."""
    if not warning_ids:
        return 0
    total = 0
    for start in range(0, len(warning_ids), 500):
        chunk = warning_ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        sql = (
            "INSERT INTO notifications_notification (user_id, key, title, body, url, created_at) "
            "SELECT DISTINCT ra.user_id, 'warning:' || CAST(w.id AS TEXT), "
            "'预警：' || o.name || '未按期开展' || t.name, "
            "CAST(w.period_start AS TEXT) || ' 至 ' || CAST(w.period_end AS TEXT) || "
            "' 应开展的' || t.name || '未上传记录，请及时整改。', "
            "'/orglife/warnings/' || CAST(w.id AS TEXT) || '/', %s "
            f"FROM {Warning._meta.db_table} w "
            "JOIN orgs_organization o ON o.id = w.organization_id "
            "JOIN orglife_activitytype t ON t.id = w.activity_type_id "
            "JOIN accounts_roleassignment ra ON "
            "(ra.role = 'branch' AND ra.organization_id = w.organization_id) OR ra.role = 'admin' "
            "JOIN orgs_region r ON r.id = ra.region_id "
            f"WHERE w.id IN ({marks}) AND (ra.role = 'branch' OR "
            "(w.region_path >= r.path AND w.region_path < r.path || '{')) "
            "ON CONFLICT (user_id, key) DO NOTHING"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [_v(now), *chunk])
            total += cursor.rowcount
    return total


@transaction.atomic
def sweep(now: datetime | None = None, region_path: str = "") -> SweepResult:
    """Raise the warnings that are due and send their reminder notices; idempotent."""
    now = now or timezone.now()
    without_jit()
    claimed = claim_overdue(now, region_path)
    ids = raise_warnings(now, claimed) if claimed else []
    return SweepResult(len(claimed), len(ids), notify(ids, now))


def _move(actor, warning: Warning, action: str, note: str = "", **fields) -> bool:
    """Compare-and-set: the move happens only if the warning is still in a state it may
    leave; returns whether it did. A history row records it."""
    rule = TRANSITIONS[action]
    allowed_from = rule["from"].split(",")
    now = timezone.now()
    moved = Warning.objects.filter(pk=warning.pk, status__in=allowed_from).update(
        status=rule["to"], updated_at=now, **fields
    )
    if moved:
        WarningEvent.objects.create(
            warning=warning,
            from_status=warning.status,
            to_status=rule["to"],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            at=now,
            note=note,
        )
        record(
            actor,
            Action.UPDATE,
            warning,
            region_path=warning.region_path,
            changes={"status": [warning.status, rule["to"]]},
            summary=f"预警 {warning.pk}",
        )
        warning.refresh_from_db()
    return bool(moved)


@transaction.atomic
def acknowledge(actor, warning: Warning, note: str = "") -> bool:
    return _move(actor, warning, "acknowledge", note)


@transaction.atomic
def rectify(actor, warning: Warning, explanation: str, evidence=None) -> bool:
    """Rectified by a written explanation, with evidence (a photo or a scanned document)."""
    if not explanation.strip():
        raise ValueError("请填写整改说明。")
    fields = {"explanation": explanation.strip()}
    if evidence is not None:
        warning.evidence.save(evidence.name, evidence, save=False)
        fields["evidence"] = warning.evidence.name
    return _move(actor, warning, "rectify", explanation.strip(), **fields)


@transaction.atomic
def close(actor, warning: Warning, note: str = "") -> bool:
    """A superior closes (销号) a rectified warning; the organization's accounts hear of it."""
    moved = _move(actor, warning, "close", note)
    if moved:
        _tell_organization(warning, "close", f"预警已销号：{warning.activity_type.name}", note)
    return moved


@transaction.atomic
def reopen(actor, warning: Warning, note: str) -> bool:
    """A superior sends a rectification back, with the reason, to the organization."""
    if not note.strip():
        raise ValueError("请说明退回原因。")
    moved = _move(actor, warning, "reopen", note.strip())
    if moved:
        title = f"整改被退回：{warning.activity_type.name}"
        _tell_organization(warning, "reopen", title, note.strip())
    return moved


def _tell_organization(warning: Warning, action: str, title: str, note: str) -> None:
    from accounts.models import Role, RoleAssignment
    from notifications.domain import notify

    event = warning.events.order_by("-pk").first()
    users = RoleAssignment.objects.filter(
        role=Role.BRANCH, organization_id=warning.organization_id
    ).values_list("user_id", flat=True)
    notify(
        users,
        f"warning-{action}:{event.pk if event else warning.pk}",
        title,
        f"{warning.period_start} 至 {warning.period_end}" + (f"：{note}" if note else ""),
        f"/orglife/warnings/{warning.pk}/",
    )


def rectify_with_record(actor, rec: ActivityRecord, activity_type: ActivityType) -> None:
    """A late record answers the open warning of its period: rectified with the record."""
    warning = Warning.objects.filter(
        organization_id=rec.organization_id,
        activity_type=activity_type,
        period_start__lte=rec.held_on,
        period_end__gte=rec.held_on,
        status__in=[Status.OPEN, Status.ACKNOWLEDGED],
    ).first()
    if warning is not None:
        _move(actor, warning, "rectify", f"补传记录：{rec.topic}", rectifying_record=rec)


def repeated(region_path: str, since, minimum: int = 2):
    """Organizations with at least ``minimum`` warnings raised since ``since``, most first."""
    return (
        Warning.objects.filter(subtree_q("region_path", region_path), raised_at__gte=since)
        .values("organization_id", "organization__name", "region_path")
        .annotate(count=Count("pk"), open=Count("pk", filter=~Q(status=Status.CLOSED)))
        .filter(count__gte=minimum)
        .order_by("-count", "region_path")
    )


__all__ = ["successor"]
