"""A sweep that did not run for months catches up in one run; a sweep that fails half way
leaves nothing behind, and the next run sends everything exactly once."""

import io
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.core.management import call_command

from accounts.models import Role, RoleAssignment
from notifications.models import Notification
from orglife.domain import compliance, warnings
from orglife.domain.records import RecordInput, upload_record
from orglife.domain.sweeps import run_sweep
from orglife.models import ComplianceTally, DueReport, Warning, WarningEvent

FEB_6 = datetime(2026, 2, 6, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
MAR_6 = datetime(2026, 3, 6, 1, 0, tzinfo=UTC)
APR_10 = datetime(2026, 4, 10, 1, 0, tzinfo=UTC)  # Jan–Mar and Q1 are past their deadlines


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def tallies():
    return sorted(
        ComplianceTally.objects.filter(due__gt=0).values_list(
            "region_id", "month", "due", "reported", "on_time"
        )
    )


def expected_recipients(warning: Warning) -> set[int]:
    """The organization's branch accounts and every admin whose region contains it."""
    users = set()
    for ra in RoleAssignment.objects.select_related("region"):
        if ra.role == Role.BRANCH and ra.organization_id == warning.organization_id:
            users.add(ra.user_id)
        if ra.role == Role.ADMIN and warning.region_path.startswith(ra.region.path):
            users.add(ra.user_id)
    return users


def assert_each_warning_notified_once():
    for warning in Warning.objects.all():
        sent = list(
            Notification.objects.filter(key=f"warning:{warning.pk}").values_list(
                "user_id", flat=True
            )
        )
        assert sorted(sent) == sorted(expected_recipients(warning)), warning
    assert Notification.objects.count() == sum(
        len(expected_recipients(w)) for w in Warning.objects.all()
    )


def upload(world, orglife, code, held_on, received):
    with at(received):
        return upload_record(
            world.branch,
            world.branch_org,
            RecordInput(
                activity_types=[orglife[code]], held_on=held_on, topic="组织生活", place="村部"
            ),
        )


FEB_12 = datetime(2026, 2, 12, 1, 0, tzinfo=UTC)
MAR_21 = datetime(2026, 3, 21, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "sweeps",
    [[APR_10], [FEB_6, MAR_6, APR_10]],
    ids=["three-months-missed", "on-schedule"],
)
def test_a_missed_quarter_is_caught_up_in_one_run(world, orglife, sweeps):
    """Without sweeps, the records come before any due report exists; they still count.
    The end state is the same as with a sweep every month."""
    records = {}
    events = [(now, "sweep", None) for now in sweeps] + [
        (FEB_12, "upload", ("committee_meeting", date(2026, 2, 10))),
        (MAR_21, "upload", ("party_lecture", date(2026, 3, 20))),
    ]
    for now, what, upload_args in sorted(events, key=lambda e: e[0]):
        if what == "sweep":
            run_sweep(now)
        else:
            code, held_on = upload_args
            records[code] = upload(world, orglife, code, held_on, now)
    feb, mar = records["committee_meeting"], records["party_lecture"]

    # Every missed period was generated: Jan–Apr monthly, Q1–Q2 quarterly, for 3 branches.
    periods = set(
        DueReport.objects.filter(
            organization=world.branch_org, activity_type=orglife["committee_meeting"]
        ).values_list("period_start", flat=True)
    )
    assert periods == {date(2026, m, 1) for m in (1, 2, 3, 4)}
    assert DueReport.objects.count() == 3 * (4 * 2 + 2 * 2)

    reported = DueReport.objects.filter(record__isnull=False)
    assert sorted(reported.values_list("record_id", "on_time")) == sorted(
        [(feb.pk, True), (mar.pk, True)]
    )
    # A warning for every report past its deadline without a record — and for no other:
    # 3 branches × (Jan, Feb, Mar × committee, theme day + Q1 assembly, lecture) less the
    # two the branch reported.
    overdue = DueReport.objects.filter(deadline__lte=APR_10, record__isnull=True)
    assert overdue.count() == 3 * (3 * 2 + 2) - 2
    assert set(Warning.objects.values_list("due_report_id", flat=True)) == set(
        overdue.values_list("pk", flat=True)
    )
    assert not Warning.objects.filter(due_report__record__isnull=False).exists()
    assert WarningEvent.objects.count() == Warning.objects.count()
    assert_each_warning_notified_once()

    live = tallies()
    compliance.rebuild_tallies()
    assert tallies() == live

    again = run_sweep(APR_10)  # the next hour
    assert (again.due_created, again.warnings.warnings, again.warnings.notifications) == (0, 0, 0)


def test_a_record_saved_during_the_gap_after_its_deadline_is_late_not_warned(world, orglife):
    """Received after the deadline but before any sweep saw the gap: reported late; the
    DHIS2 figures count it as reported, not on time, and nothing is left to warn."""
    late = upload(world, orglife, "theme_day", date(2026, 1, 25), datetime(2026, 2, 8, tzinfo=UTC))
    run_sweep(APR_10)
    due = DueReport.objects.get(record=late)
    assert (due.period_start, due.reported_at, due.on_time) == (
        date(2026, 1, 1),
        late.received_at,
        False,
    )
    assert not Warning.objects.filter(due_report=due).exists()
    total, _ = compliance.rollup(world.county, date(2026, 1, 1), date(2026, 1, 31))
    assert (total.total.due, total.total.reported, total.total.on_time) == (6, 1, 0)


def test_a_failed_sweep_leaves_nothing_and_the_next_sends_everything_once(world, orglife):
    real_notify = warnings.notify

    def notify_then_fail(ids, now):
        real_notify(ids[: len(ids) // 2], now)  # half the notices are written…
        raise ConnectionError("the database went away")  # …then the run dies

    with (
        mock.patch.object(warnings, "notify", side_effect=notify_then_fail),
        pytest.raises(ConnectionError),
    ):
        run_sweep(APR_10)

    # One transaction: no claim, no warning, no history, no notice survives the failure.
    assert DueReport.objects.exists()  # generating due reports is idempotent and kept
    assert not DueReport.objects.filter(warned_at__isnull=False).exists()
    assert not Warning.objects.exists()
    assert not WarningEvent.objects.exists()
    assert not Notification.objects.exists()

    retry = run_sweep(APR_10)
    assert retry.warnings.warnings == 3 * (3 * 2 + 2)
    assert retry.warnings.notifications == Notification.objects.count() > 0
    assert_each_warning_notified_once()
    # Sending again is a no-op: each (person, warning) notice is logged once.
    ids = list(Warning.objects.values_list("pk", flat=True))
    assert warnings.notify(ids, APR_10) == 0
    assert run_sweep(APR_10).warnings.notifications == 0
    assert_each_warning_notified_once()


def test_the_command_reports_what_it_did(world, orglife):
    out = io.StringIO()
    with at(APR_10):
        call_command("orglife_sweep", stdout=out)
    due, warned = DueReport.objects.count(), Warning.objects.count()
    sent = Notification.objects.count()
    assert out.getvalue().strip() == (
        f"应报记录新增 {due} 条；新预警 {warned} 条，提醒通报 {sent} 条。"
    )
    out = io.StringIO()
    with at(APR_10):
        call_command("orglife_sweep", stdout=out)
    assert out.getvalue().strip() == "应报记录新增 0 条；新预警 0 条，提醒通报 0 条。"
