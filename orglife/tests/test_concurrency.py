"""Organizational life under concurrency, on PostgreSQL: real threads, each with its own
connection, released together by a barrier. Two sweeps at once, an upload racing a sweep at
the deadline, and two uploads of the same meeting at once."""

import threading
import time
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.db import IntegrityError, connection, connections, transaction

from core.periods import deadline, local_date
from notifications.models import Notification
from orglife.domain import compliance, records
from orglife.domain.records import RecordInput, RecordRefused, upload_record
from orglife.domain.sweeps import run_sweep
from orglife.models import ActivityRecord, ComplianceTally, DueReport, RecordType, Warning

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and concurrent transactions need PostgreSQL (SQLite has one writer)",
    ),
]

ON_TIME_DAYS = 5  # the default setting


def race(*jobs):
    """Run ``jobs`` in threads released at once; returns ``("ok", value)`` or
    ``("error", exception)`` for each. Every thread closes its own connection."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=10)
            results[i] = ("ok", job())
        except BaseException as exc:  # reported to the test
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


def tallies():
    return sorted(
        ComplianceTally.objects.filter(due__gt=0).values_list(
            "region_id", "month", "due", "reported", "on_time"
        )
    )


def assert_tallies_match_the_due_reports():
    live = tallies()
    compliance.rebuild_tallies()
    assert live == tallies()


def state():
    """What a sweep leaves: the warnings by what they are about, and the notices by whom
    and about what (ids differ between runs; these do not)."""
    warnings = sorted(
        Warning.objects.values_list("organization_id", "activity_type_id", "period_start")
    )
    notices = sorted(Notification.objects.values_list("user_id", "title", "body"))
    return warnings, notices


class Rollback(Exception):
    pass


def single_run_expectation(now):
    """The state one sweep alone would leave at ``now``: run it and roll it back."""
    expected = None
    try:
        with transaction.atomic():
            run_sweep(now)
            expected = state()
            raise Rollback
    except Rollback:
        pass
    assert expected is not None
    return expected


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 2, 6, 1, 0, tzinfo=UTC),  # January overdue
        datetime(2026, 5, 20, 1, 0, tzinfo=UTC),  # four months and Q1: 30 warnings
        datetime(2026, 9, 10, 1, 0, tzinfo=UTC),  # eight months and two quarters
    ],
)
def test_two_sweeps_at_once_raise_and_notify_each_warning_once(
    transactional_db, world, orglife, now
):
    expected_warnings, expected_notices = single_run_expectation(now)
    assert expected_warnings and expected_notices
    assert not Warning.objects.exists()

    results = race(lambda: run_sweep(now), lambda: run_sweep(now + timedelta(seconds=1)))

    assert [status for status, _ in results] == ["ok", "ok"], results
    warnings, notices = state()
    assert warnings == expected_warnings
    assert notices == expected_notices
    assert len(set(warnings)) == len(warnings)
    # Between them the two runs raised and sent each exactly once.
    runs = [value for _, value in results]
    assert sum(r.warnings.warnings for r in runs) == len(expected_warnings)
    assert sum(r.warnings.notifications for r in runs) == len(expected_notices)
    assert sum(r.due_created for r in runs) == DueReport.objects.count()
    assert_tallies_match_the_due_reports()


class Clock:
    """A clock shared by all threads that runs at real speed from ``start``: a record is
    stamped before the deadline only if it really was saved before the sweep ran past it."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.t0 = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.t0)

    def sleep_until(self, moment: datetime) -> None:
        while (wait := (moment - self()).total_seconds()) > 0:
            time.sleep(wait)


# How long before the deadline the upload starts; the sweep starts just after it. Spread so
# that both orders occur: the upload well ahead, about even, and the sweep first.
HEAD_STARTS_MS = [40, 15, 5, 2, 1, 0, -1, -3, -10]


def slowly(function, seconds):
    def slow(*args, **kwargs):
        time.sleep(seconds)
        return function(*args, **kwargs)

    return slow


@pytest.mark.parametrize("slow_upload", [False, True], ids=["upload", "slow-upload"])
def test_an_upload_racing_a_sweep_never_loses_a_count_or_warns_an_on_time_record(
    transactional_db, world, orglife, slow_upload
):
    """With ``slow_upload`` the upload takes 150 ms between its start and saving the record's
    parts (a phone's photos, say), so the sweep passes the deadline in the middle of it."""
    real_write_parts = records._write_parts
    delay = 0.15 if slow_upload else 0
    types = [orglife["committee_meeting"], orglife["theme_day"]]
    for month, head_start_ms in enumerate(HEAD_STARTS_MS, start=1):
        period_end = date(2026, month + 1, 1) - timedelta(days=1)
        due_by = deadline(period_end, ON_TIME_DAYS)
        compliance.generate_due(local_date(due_by - timedelta(days=1)))
        clock = Clock(due_by - timedelta(milliseconds=max(head_start_ms, 0) + 20))
        upload_at = due_by - timedelta(milliseconds=head_start_ms)
        sweep_at = due_by + timedelta(milliseconds=1)

        def upload(clock=clock, upload_at=upload_at, held_on=period_end):
            clock.sleep_until(upload_at)
            return upload_record(
                world.branch,
                world.branch_org,
                RecordInput(activity_types=types, held_on=held_on, topic="支委会", place="村部"),
            )

        def sweep(clock=clock, sweep_at=sweep_at):
            clock.sleep_until(sweep_at)
            return run_sweep()

        with (
            mock.patch("django.utils.timezone.now", new=clock),
            mock.patch.object(records, "_write_parts", slowly(real_write_parts, delay)),
        ):
            results = race(upload, sweep)
        assert [status for status, _ in results] == ["ok", "ok"], (month, results)
        record = results[0][1]

        for due in DueReport.objects.filter(record=record):
            assert due.reported_at == record.received_at
            assert due.on_time == (record.received_at < due.deadline)
            warning = Warning.objects.filter(due_report=due).first()
            if due.on_time:
                assert warning is None, f"on-time record warned (month {month})"
            elif warning is not None:  # the sweep came first: rightly warned, then rectified
                assert warning.status == Warning.Status.RECTIFIED
                assert warning.rectifying_record_id == record.pk
            # (a late record saved before the sweep reached it: late, and nothing to warn)
        assert DueReport.objects.filter(record=record).count() == 2
        # No overdue report without a record is left unwarned, and none is warned twice.
        assert not DueReport.objects.filter(
            deadline__lte=sweep_at, reported_at__isnull=True, warning__isnull=True
        ).exists()
        assert_tallies_match_the_due_reports()


@pytest.mark.parametrize("generated", [True, False], ids=["due-report-exists", "no-due-report"])
def test_two_uploads_of_the_same_meeting_at_once_save_one(
    transactional_db, world, orglife, generated
):
    days = [date(2026, 3, d) for d in (2, 9, 16, 23, 30)]
    if not generated:
        days = [date(2025, 11, d) for d in (3, 10, 17)]  # before the requirements' start
    now = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
    if generated:
        compliance.generate_due(local_date(now))
    for day in days:
        data = RecordInput(
            activity_types=[orglife["committee_meeting"]], held_on=day, topic="支委会", place="村部"
        )
        with mock.patch("django.utils.timezone.now", return_value=now):
            results = race(
                lambda data=data: upload_record(world.branch, world.branch_org, data),
                lambda data=data: upload_record(world.branch, world.branch_org, data),
            )
        statuses = sorted(status for status, _ in results)
        assert statuses == ["error", "ok"], (day, results)
        error = next(value for status, value in results if status == "error")
        assert isinstance(error, RecordRefused), repr(error)
        assert not isinstance(error, IntegrityError)
        assert "请勿重复上传" in str(error)
        assert error.errors["held_on"]
        saved = next(value for status, value in results if status == "ok")
        assert list(ActivityRecord.objects.filter(held_on=day).values_list("pk", flat=True)) == [
            saved.pk
        ]
        assert RecordType.objects.filter(held_on=day).count() == 1
    if generated:
        # March's committee meeting is reported once, by the first record saved.
        due = DueReport.objects.get(
            organization=world.branch_org,
            activity_type=orglife["committee_meeting"],
            period_start=date(2026, 3, 1),
        )
        assert due.record_id is not None
        assert_tallies_match_the_due_reports()
