"""Due reports, records that satisfy them, tallies and rollups."""

from datetime import UTC, date, datetime
from unittest import mock

import pytest

from core.paths import subtree_q
from orglife.domain import compliance
from orglife.domain.records import RecordInput, RecordRefused, upload_record
from orglife.domain.requirements import install_defaults
from orglife.domain.sweeps import run_sweep
from orglife.models import ComplianceTally, DueReport, Requirement
from orgs.domain import tree

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def tallies():
    return sorted(
        ComplianceTally.objects.values_list(
            "region_id", "month", "summary", "due", "reported", "on_time"
        )
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


def figures_of(rows) -> tuple[int, int, int]:
    return tuple(sum(getattr(row, name) for row in rows) for name in ("due", "reported", "on_time"))


def test_summary_tallies_keep_the_rollups_above_county_exact(world, orglife):
    """A second county and a branch attached at the prefecture itself (盟直机关): the
    province's and prefecture's rollups, read from the summary rows, equal what the own rows
    (and the due reports) say for each child and month; the county's reads the own rows."""
    prefecture = world.county.parent
    county2 = tree.add_region(None, parent=prefecture, name="白河旗", code="150526", level="county")
    township2 = tree.add_region(
        None, parent=county2, name="白河镇", code="150526100", level="township"
    )
    village2 = tree.add_region(
        None, parent=township2, name="白河村", code="150526100001", level="village"
    )
    install_defaults(None, county2, since=date(2026, 1, 1))
    branch2 = tree.add_organization(
        None, parent=None, region=village2, name="白河村党支部", code="O-B2", kind="branch"
    )
    organ_branch = tree.add_organization(
        None, parent=None, region=prefecture, name="盟直机关党支部", code="O-P1", kind="branch"
    )
    Requirement.objects.create(
        region=prefecture,
        region_path=prefecture.path,
        activity_type=orglife["committee_meeting"],
        organization_kind="branch",
        frequency="monthly",
        since=date(2026, 1, 1),
    )
    compliance.generate_due(date(2026, 1, 10))
    for organization, held_on, received in [
        (world.branch_org, date(2026, 1, 20), datetime(2026, 2, 3, 2, 0, tzinfo=UTC)),
        (branch2, date(2026, 1, 12), datetime(2026, 2, 20, 2, 0, tzinfo=UTC)),  # late
        (organ_branch, date(2026, 2, 2), datetime(2026, 2, 4, 2, 0, tzinfo=UTC)),
    ]:
        with at(received):
            upload_record(
                None,
                organization,
                RecordInput(
                    activity_types=[orglife["committee_meeting"]],
                    held_on=held_on,
                    topic="支委会",
                    place="村部",
                ),
            )
    run_sweep(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))  # February's due reports and warnings
    assert DueReport.objects.filter(organization=organ_branch).count() == 3  # Jan–Mar
    assert DueReport.objects.filter(organization=branch2, reported_at__isnull=False).count() == 1

    summary = ComplianceTally.objects.filter(summary=True)
    assert {row.region_id for row in summary} == {world.county.pk, county2.pk, prefecture.pk}
    own = ComplianceTally.objects.filter(summary=False)
    assert figures_of(summary) == figures_of(own) == (DueReport.objects.count(), 3, 2)

    before = tallies()
    compliance.rebuild_tallies()
    assert tallies() == before

    first, last = date(2026, 1, 1), date(2026, 12, 1)
    for node in (world.province, prefecture, world.county):
        total, children = compliance.rollup(node, first, last)
        in_node = own.filter(subtree_q("region_path", node.path))
        assert figures_of([total.total]) == figures_of(in_node)
        for month in (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)):
            assert figures_of([total.by_month[month]]) == figures_of(in_node.filter(month=month))
        for child in children:
            in_child = own.filter(subtree_q("region_path", child.region.path))
            assert figures_of([child.total]) == figures_of(in_child), child.region
            for month in {row.month for row in in_child}:
                assert figures_of([child.by_month[month]]) == figures_of(
                    in_child.filter(month=month)
                )
            due = DueReport.objects.filter(subtree_q("region_path", child.region.path))
            assert child.total.due == due.count()
            assert child.total.reported == due.filter(reported_at__isnull=False).count()
    total, children = compliance.rollup(prefecture, first, last)
    by_name = {child.region.name: child.total for child in children}
    # The prefecture's own branch counts in its total, in no child.
    assert total.total.due == by_name["青山旗"].due + by_name["白河旗"].due + 3
    assert by_name["白河旗"].reported == 1 and by_name["白河旗"].on_time == 0
    # Above county the rollup reads the summary rows alone (~100 counties × 12 months at
    # province scale, not every village's own rows): without the own rows it is unchanged.
    own.delete()
    assert compliance.rollup(prefecture, first, last)[0].total == total.total
    assert compliance.rollup(world.county, first, last)[0].total.due == 0


def test_generate_due_for_two_kinds_of_one_period_in_one_run(world):
    """Branches and general branches owe the same period's theme day: the second statement
    of the run skips nothing it should create (its existence check sees the rows the first
    inserted) and a rerun creates nothing."""
    from orglife.domain.compliance import generate_due
    from orglife.domain.requirements import ensure_activity_types, install_defaults
    from orglife.models import DueReport, Requirement
    from orgs.domain import tree
    from orgs.models import Organization

    install_defaults(None, world.county, since=date(2026, 1, 1))
    theme_day = ensure_activity_types()["theme_day"]
    Requirement.objects.filter(activity_type=theme_day).update(active=True)
    general = tree.add_organization(
        None,
        name="东风镇机关党总支",
        code="GB-TEST-1",
        kind=Organization.Kind.GENERAL_BRANCH,
        parent=world.township_committee,
        region=world.township,
    )
    created = generate_due(date(2026, 1, 15))
    rows = DueReport.objects.filter(activity_type=theme_day, period_start=date(2026, 1, 1))
    kinds = set(rows.values_list("organization__kind", flat=True))
    assert {"branch", "general_branch"} <= kinds
    assert rows.filter(organization=general).count() == 1
    assert generate_due(date(2026, 1, 15)) == 0
    assert created == DueReport.objects.count()
