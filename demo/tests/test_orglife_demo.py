"""The demo's organizational life at the tiny scale: records with gaps, due reports and
tallies that agree with the domain's definitions, and the "Done when" story's preconditions."""

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import Count, F, Q

from accounts.models import User
from core.paths import subtree_q
from core.periods import deadline
from demo import loader
from demo.orglife import demo_now, load_orglife, satisfy_due, story_months
from demo.writers import writer_for
from notifications.models import Notification
from orglife.domain.compliance import rebuild_tallies, refresh_due
from orglife.domain.periods import period_containing
from orglife.models import (
    ActivityRecord,
    Attendance,
    ComplianceTally,
    DueReport,
    RecordType,
    Requirement,
    Warning,
    WarningEvent,
)
from orgs.models import Member, Organization, Region

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 11, 18)  # a fixed load day: the data do not depend on when tests run
NOW = demo_now(AS_OF)


@pytest.fixture
def demo():
    loader.load("tiny", 1, as_of=AS_OF)


def snapshot() -> list[tuple]:
    return list(
        ActivityRecord.objects.order_by("organization__code", "held_on", "received_at").values_list(
            "organization__code", "held_on", "topic", "minutes", "received_at", "device_time"
        )
    )


def test_five_years_of_records_with_gaps(demo):
    records = ActivityRecord.objects.all()
    assert records.filter(held_on__lt=date(2020, 2, 1)).exists()
    assert not records.filter(held_on__lt=date(2020, 1, 1)).exists()
    assert not records.filter(held_on__gt=AS_OF).exists()
    assert not records.filter(received_at__gt=NOW).exists()
    due = DueReport.objects.filter(deadline__lte=NOW)
    reported = due.filter(reported_at__isnull=False).count()
    assert 0.75 < reported / due.count() < 0.99  # mostly reported, with gaps
    on_time = due.filter(on_time=True).count()
    assert 0.6 < on_time / reported < 0.97  # a share of them late
    # one meeting satisfying two requirements: 支委会 with the theme party day
    combined = RecordType.objects.values("record").annotate(n=Count("pk")).filter(n=2)
    assert combined.exists()
    offline = records.filter(device_time__isnull=False)
    assert offline.exists()
    assert all(r.device_time < r.received_at for r in offline)


def test_weak_organizations_miss_more_often(demo):
    weak = Organization.objects.filter(under_rectification=True)
    assert weak.exists()

    def completeness(q: Q) -> float:
        rows = DueReport.objects.filter(q, deadline__lte=NOW)
        return rows.filter(reported_at__isnull=False).count() / rows.count()

    weak_paths = Q()
    for org in weak:
        weak_paths |= subtree_q("org_path", org.path)
    assert completeness(weak_paths) < completeness(~weak_paths) - 0.15


def test_attendance_only_for_the_last_year_from_the_organizations_members(demo):
    attendance = Attendance.objects.select_related("record", "member")
    assert attendance.exists()
    assert not attendance.filter(record__held_on__lt=AS_OF - timedelta(days=365)).exists()
    assert not attendance.exclude(member__organization=F("record__organization")).exists()
    absent = attendance.filter(status=Attendance.Status.ABSENT)
    assert absent.exists() and not absent.filter(reason="").exists()
    online = attendance.filter(status=Attendance.Status.ONLINE, member__is_mobile=True)
    assert online.exists()
    recent = ActivityRecord.objects.filter(held_on__gte=AS_OF - timedelta(days=300))
    with_members = recent.filter(organization__in=Member.objects.values("organization"))
    assert with_members.filter(attendance__isnull=True).count() == 0


def test_due_reports_agree_with_refresh_due(demo):
    rows = list(DueReport.objects.order_by("pk"))
    sample = random.Random(3).sample(rows, 150)
    sample += [d for d in rows if d.reported_at and not d.on_time][:30]  # late ones too
    before = {d.pk: (d.reported_at, d.on_time, d.record_id) for d in sample}
    assert any(v[0] is None for v in before.values())
    assert any(v[1] for v in before.values())
    tallies = list(ComplianceTally.objects.order_by("pk").values_list("due", "reported", "on_time"))
    for d in sample:
        refresh_due(d.organization_id, d.activity_type_id, d.period_start)
    after = {
        d.pk: (d.reported_at, d.on_time, d.record_id)
        for d in DueReport.objects.filter(pk__in=before)
    }
    assert after == before
    assert (
        list(ComplianceTally.objects.order_by("pk").values_list("due", "reported", "on_time"))
        == tallies
    )


def test_satisfy_due_sets_what_the_records_say_and_only_that(demo):
    assert satisfy_due() == 0  # after a load every due report agrees already
    reported = DueReport.objects.filter(reported_at__isnull=False).order_by("pk")
    spoiled = list(reported.values_list("pk", "reported_at", "on_time", "record_id")[:40])
    DueReport.objects.filter(pk__in=[row[0] for row in spoiled]).update(
        reported_at=None, on_time=False, record=None
    )
    assert satisfy_due() == len(spoiled)
    restored = DueReport.objects.filter(pk__in=[row[0] for row in spoiled]).order_by("pk")
    assert list(restored.values_list("pk", "reported_at", "on_time", "record_id")) == spoiled


def test_tallies_equal_a_rebuild(demo):
    def tallies() -> list[tuple]:
        return list(
            ComplianceTally.objects.order_by("region_id", "month", "summary").values_list(
                "region_id", "month", "summary", "due", "reported", "on_time"
            )
        )

    before = tallies()
    assert before
    assert any(row[2] for row in before) and not all(row[2] for row in before)
    rebuild_tallies()
    assert tallies() == before


def test_warnings_old_ones_closed_with_their_history(demo):
    warnings = Warning.objects.all()
    assert warnings.count() == DueReport.objects.filter(warned_at__isnull=False).count()
    assert not DueReport.objects.filter(
        deadline__lte=NOW, reported_at__isnull=True, warned_at__isnull=True
    ).exists()
    cutoff = date(2025, 8, 1)
    assert not warnings.filter(period_end__lt=cutoff).exclude(status="closed").exists()
    assert not warnings.filter(period_end__gte=cutoff, status="closed").exists()
    closed = warnings.filter(status="closed").first()
    steps = list(closed.events.values_list("from_status", "to_status"))
    assert steps == [
        ("", "open"),
        ("open", "acknowledged"),
        ("acknowledged", "rectified"),
        ("rectified", "closed"),
    ]
    assert closed.explanation
    assert closed.raised_at == closed.due_report.deadline
    assert not WarningEvent.objects.filter(at__gt=NOW).exists()
    open_ids = set(warnings.exclude(status="closed").values_list("pk", flat=True))
    notified = set(
        int(key.split(":")[1])
        for key in Notification.objects.filter(key__startswith="warning:").values_list(
            "key", flat=True
        )
    )
    assert notified == open_ids


def test_done_when_preconditions(demo):
    branch_user = User.objects.get(username="demo-branch")
    branch = branch_user.assignments.get().organization
    this_month, last_closed = story_months(AS_OF, NOW, 5)
    assert this_month == date(2025, 11, 1) and last_closed == date(2025, 10, 1)
    period = period_containing(last_closed, "monthly")
    warning = Warning.objects.get(
        organization=branch,
        activity_type__code="committee_meeting",
        period_start=period.start,
    )
    assert warning.status == Warning.Status.OPEN
    assert warning.raised_at == deadline(period.end, 5)
    assert Notification.objects.filter(user=branch_user, key=f"warning:{warning.pk}").exists()
    township = User.objects.get(username="demo-township").assignments.get().region
    branches = Organization.objects.filter(
        subtree_q("region_path", township.path), kind__in=["branch", "general_branch"]
    )
    held = RecordType.objects.filter(
        activity_type__code="committee_meeting", held_on__gte=this_month
    ).values("organization")
    assert branches.filter(pk=branch.pk).exclude(pk__in=held).exists()


def test_pastoral_townships_dip_in_summer(demo):
    sumu = Region.objects.get(level=Region.Level.TOWNSHIP, name__endswith="苏木")

    def completeness(months: list[int]) -> float:
        rows = DueReport.objects.filter(
            subtree_q("region_path", sumu.path), frequency="monthly", month__month__in=months
        ).filter(deadline__lte=NOW)
        return rows.filter(reported_at__isnull=False).count() / rows.count()

    assert completeness([6, 7, 8]) < completeness([3, 4, 5, 9, 10, 11]) - 0.1


def test_the_load_is_deterministic(demo):
    first = snapshot()
    assert first
    for model in (Notification, Warning, DueReport, ComplianceTally, ActivityRecord, Requirement):
        model.objects.all().delete()
    load_orglife(writer_for(connection), seed=1, as_of=AS_OF, years=5, attendance_counties=1)
    assert snapshot() == first
