"""Uploading and correcting activity records (一支部一账号 uploads 三会一课 and 主题党日)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.log import Action, record
from audit.models import AuditEntry
from core.photos import CleanPhoto
from orglife.domain.compliance import lock_due, refresh_dues
from orglife.domain.requirements import settings_for
from orglife.domain.warnings import rectify_with_record
from orglife.models import ActivityRecord, ActivityType, Attendance, RecordPhoto, RecordType
from orgs.models import Member, Organization


class RecordRefused(ValueError):
    """The record cannot be saved; ``errors`` maps a field (or ``""``) to the reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("；".join(m for messages in errors.values() for m in messages))
        self.errors = errors


@dataclass
class RecordInput:
    activity_types: list[ActivityType]
    held_on: date
    topic: str
    place: str = ""
    online: bool = False
    minutes: str = ""
    attendance: dict[int, tuple[str, str]] = field(
        default_factory=dict
    )  # member id → (status, reason)
    device_time: datetime | None = None
    client_key: str | None = None  # the phone's idempotency key (see ``upload_record``)


def _check(organization: Organization, data: RecordInput, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.activity_types:
        errors.setdefault("activity_types", []).append("请至少选择一种活动类型。")
    if data.held_on > today:
        errors.setdefault("held_on", []).append("活动日期不能晚于今天。")
    if not data.topic.strip():
        errors.setdefault("topic", []).append("请填写活动主题。")
    if not data.online and not data.place.strip():
        errors.setdefault("place", []).append("请填写活动地点，或选择线上开展。")
    members = dict(
        Member.objects.filter(organization=organization, pk__in=list(data.attendance)).values_list(
            "pk", "is_mobile"
        )
    )
    for member_id, (status, reason) in data.attendance.items():
        if member_id not in members:
            errors.setdefault("attendance", []).append("参会人员必须是本组织的党员。")
            break
        if status == Attendance.Status.ABSENT and not reason.strip():
            errors.setdefault("attendance", []).append("缺席人员请填写缺席原因。")
            break
    return errors


def _write_parts(rec: ActivityRecord, data: RecordInput, photos: list[CleanPhoto]) -> None:
    try:
        with transaction.atomic():
            RecordType.objects.bulk_create(
                RecordType(
                    record=rec,
                    activity_type=activity_type,
                    organization_id=rec.organization_id,
                    held_on=rec.held_on,
                )
                for activity_type in data.activity_types
            )
    except IntegrityError:
        names = "、".join(t.name for t in data.activity_types)
        raise RecordRefused(
            {
                "held_on": [
                    f"{rec.held_on} 已上传过本组织的“{names}”记录，请勿重复上传；"
                    "如需修改请更正原记录。"
                ]
            }
        ) from None
    Attendance.objects.bulk_create(
        Attendance(record=rec, member_id=member_id, status=status, reason=reason)
        for member_id, (status, reason) in data.attendance.items()
    )
    for photo in photos:
        RecordPhoto.objects.create(
            record=rec,
            image=photo.image,
            thumbnail=photo.thumbnail,
            width=photo.width,
            height=photo.height,
        )


@transaction.atomic
def upload_record(
    actor, organization: Organization, data: RecordInput, photos: Sequence[CleanPhoto] = ()
) -> ActivityRecord:
    """Save a record with its types, attendance and photos; the due reports it satisfies
    and their tallies change in the same transaction, and a warning it answers is marked
    rectified. Refuses a second record of the same type on the same day.

    With ``data.client_key``, a retry of an upload the server already saved (the phone lost
    the answer) returns the first record instead of making another: the key is unique per
    uploading account, and a retry racing the first upload waits for it on the constraint."""
    signed_in = getattr(actor, "is_authenticated", False)
    key = data.client_key if signed_in and data.client_key else None
    if key is not None:
        first = ActivityRecord.objects.filter(uploaded_by=actor, client_key=key).first()
        if first is not None:
            return first
    errors = _check(organization, data, timezone.localdate())
    if errors:
        raise RecordRefused(errors)
    lock_due(organization.pk, [t.pk for t in data.activity_types], data.held_on)
    now = timezone.now()  # stamped once the due reports are locked: see ``lock_due``
    try:
        with transaction.atomic():
            rec = ActivityRecord.objects.create(
                organization=organization,
                held_on=data.held_on,
                place=data.place.strip(),
                online=data.online,
                topic=data.topic.strip(),
                minutes=data.minutes,
                uploaded_by=actor if signed_in else None,
                received_at=now,
                device_time=data.device_time,
                region_path=organization.region_path,
                org_path=organization.path,
                client_key=key,
            )
    except IntegrityError:
        if key is None:
            raise
        return ActivityRecord.objects.get(uploaded_by=actor, client_key=key)
    _write_parts(rec, data, list(photos))
    refresh_dues(organization.pk, [(t.pk, data.held_on) for t in data.activity_types])
    for activity_type in data.activity_types:
        rectify_with_record(actor, rec, activity_type)
    record(actor, Action.CREATE, rec, region_path=rec.region_path)
    return rec


def correction_locked(rec: ActivityRecord) -> bool:
    """Past the county's correction window a change needs a reason (and is logged with it)."""
    window = settings_for(rec.region_path).correction_days
    return timezone.now() > rec.received_at + timedelta(days=window)


@transaction.atomic
def correct_record(
    actor,
    rec: ActivityRecord,
    data: RecordInput,
    photos: Sequence[CleanPhoto] = (),
    reason: str = "",
) -> ActivityRecord:
    """Change a record. Within the correction window anyone who may write it can; after
    it, only with a reason, which goes to the audit log. The due reports of the old and new
    date and types are brought back in line with the records."""
    if correction_locked(rec) and not reason.strip():
        raise RecordRefused({"reason": ["已超过可直接更正的期限，请填写更正原因。"]})
    errors = _check(rec.organization, data, timezone.localdate())
    if errors:
        raise RecordRefused(errors)
    before = {
        "held_on": rec.held_on.isoformat(),
        "types": sorted(rec.types.values_list("activity_type__code", flat=True)),
        "topic": rec.topic,
    }
    old_keys = [(t.activity_type_id, rec.held_on) for t in rec.types.all()]
    ActivityRecord.objects.filter(pk=rec.pk).update(
        held_on=data.held_on,
        place=data.place.strip(),
        online=data.online,
        topic=data.topic.strip(),
        minutes=data.minutes,
        corrected_at=timezone.now(),
    )
    rec.refresh_from_db()
    rec.types.all().delete()
    rec.attendance.all().delete()
    _write_parts(rec, data, list(photos))
    new_keys = [(t.pk, data.held_on) for t in data.activity_types]
    refresh_dues(rec.organization_id, sorted(set(old_keys) | set(new_keys)))
    after = {
        "held_on": data.held_on.isoformat(),
        "types": sorted(t.code for t in data.activity_types),
        "topic": rec.topic,
    }
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if reason.strip():
        changes["reason"] = ["", reason.strip()]
    record(actor, Action.UPDATE, rec, region_path=rec.region_path, changes=changes)
    return rec


def corrections(rec: ActivityRecord) -> list[AuditEntry]:
    """The record's corrections as the audit log holds them (what changed, by whom, why),
    oldest first; for whoever may read the record itself."""
    return list(
        AuditEntry.objects.filter(
            model=ActivityRecord._meta.label, object_id=str(rec.pk), action=Action.UPDATE
        ).order_by("at", "id")
    )
