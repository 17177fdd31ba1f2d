"""Due reports, records that satisfy them, tallies and rollups."""

from datetime import UTC, date, datetime
from unittest import mock

import pytest

from orglife.domain import compliance
from orglife.domain.records import RecordInput, RecordRefused, upload_record
from orglife.models import ComplianceTally, DueReport

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def tallies():
    return sorted(
        ComplianceTally.objects.values_list("region_id", "month", "due", "reported", "on_time")
    )


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_due_reports_follow_kinds_and_periods(world, orglife):
    created = compliance.generate_due(date(2026, 3, 10))
    # 3 branches × (committee + theme day: Jan–Mar = 6) + (assembly + lecture: Q1 = 2)
    assert created == 3 * 8
    assert compliance.generate_due(date(2026, 3, 10)) == 0  # idempotent


def test_upload_satisfies_due_reports_and_moves_the_tallies(world, orglife):
    compliance.generate_due(date(2026, 3, 10))
    with at(NOW):
        upload_record(
            world.branch,
            world.branch_org,
            RecordInput(
                activity_types=[orglife["committee_meeting"], orglife["theme_day"]],
                held_on=date(2026, 2, 27),
                topic="学习贯彻全会精神",
                place="村党群服务中心",
            ),
        )
    reported = DueReport.objects.filter(organization=world.branch_org, reported_at__isnull=False)
    assert reported.count() == 2
    # February's deadline is 5 March 24:00 in Shanghai; received 10 March: late.
    assert not reported.filter(on_time=True).exists()
    before = tallies()
    compliance.rebuild_tallies()
    assert tallies() == before


def test_duplicate_type_and_day_is_refused(world, orglife):
    data = RecordInput(
        activity_types=[orglife["theme_day"]],
        held_on=date(2026, 3, 1),
        topic="主题党日",
        place="村部",
    )
    with at(NOW):
        upload_record(world.branch, world.branch_org, data)
        with pytest.raises(RecordRefused, match="请勿重复上传"):
            upload_record(world.branch, world.branch_org, data)


def test_rollup_by_child_and_month(world, orglife):
    compliance.generate_due(date(2026, 3, 10))
    with at(datetime(2026, 2, 3, 2, 0, tzinfo=UTC)):
        upload_record(
            world.branch,
            world.branch_org,
            RecordInput(
                activity_types=[orglife["committee_meeting"]],
                held_on=date(2026, 1, 20),
                topic="支委会",
                place="村部",
            ),
        )
    total, children = compliance.rollup(world.county, date(2026, 1, 1), date(2026, 1, 31))
    assert (total.total.due, total.total.reported, total.total.on_time) == (6, 1, 1)
    by_name = {c.region.name: c for c in children}
    assert by_name["东风镇"].total.completeness == 1 / 4
    assert by_name["西河镇"].total.completeness == 0
