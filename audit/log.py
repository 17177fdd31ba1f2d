"""How the rest of the code writes to the audit log. Domain functions call ``record`` inside
their own transaction, so an entry exists exactly when the change it describes does."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from audit.models import AuditEntry

Action = AuditEntry.Action


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields``, as they will be compared by ``diff``."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    region_path: str = "",
    changes: dict | None = None,
    summary: str = "",
    ip_address: str | None = None,
) -> AuditEntry:
    """Write one audit entry. ``actor`` may be ``None`` for system jobs (the demo loader)."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=getattr(actor, "username", "") or "系统",
        action=action,
        model=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(summary or str(obj))[:200] if obj is not None else summary[:200],
        changes=changes or {},
        region_path=region_path,
        ip_address=ip_address,
    )


def record_created(actor, objs: list[models.Model]) -> None:
    """``record(actor, Action.CREATE, obj, region_path=obj.region_path)`` for many rows at
    once, in one INSERT per 500 (a bulk import's write, kept short)."""
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor if actor is not None and actor.is_authenticated else None,
                actor_name=getattr(actor, "username", "") or "系统",
                action=Action.CREATE,
                model=obj._meta.label,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                changes={},
                region_path=getattr(obj, "region_path", ""),
            )
            for obj in objs
        ],
        batch_size=500,
    )


def exported(user, region_path: str, summary: str, kind: str, content_rows) -> bytes:
    """Log an export of ``content_rows`` (a file and its row count, as ``core.excel.workbook``
    returns them) and give back the file."""
    content, count = content_rows
    record(
        user,
        Action.EXPORT,
        summary=f"导出{summary} {count} 条",
        changes={"kind": kind, "rows": count},
        region_path=region_path,
    )
    return content
