"""The warnings sweep: once per overdue report, to the organization and its superiors."""

from datetime import UTC, date, datetime

from notifications.models import Notification
from orglife.domain import compliance, warnings
from orglife.models import Warning

AFTER_JANUARY = datetime(2026, 2, 6, 1, 0, tzinfo=UTC)  # 6 Feb 09:00 in Shanghai


def test_sweep_raises_each_warning_once_and_notifies_once(world, orglife):
    compliance.generate_due(date(2026, 2, 6))
    first = warnings.sweep(AFTER_JANUARY)
    # January's monthly reports of 3 branches (committee meeting, theme day) are overdue.
    assert first.warnings == 6
    again = warnings.sweep(AFTER_JANUARY)
    assert again.warnings == 0 and again.notifications == 0
    assert Warning.objects.count() == 6
    keys = Notification.objects.values_list("user__username", flat=True)
    # our branch (2 warnings), its township admin (4: two branches), the county admin (6),
    # the other township's admin (2 for its branch).
    assert sorted(set(keys)) == ["alice", "bob", "branch", "charlie"]
    assert Notification.objects.filter(user=world.branch).count() == 2
    assert Notification.objects.filter(user=world.outsider).count() == 2


def test_warning_lifecycle(world, orglife):
    compliance.generate_due(date(2026, 2, 6))
    warnings.sweep(AFTER_JANUARY)
    warning = Warning.objects.filter(organization=world.branch_org).first()
    assert warnings.acknowledge(world.branch, warning)
    assert not warnings.acknowledge(world.branch, warning)  # compare-and-set: already moved
    assert warnings.rectify(world.branch, warning, "会议已于2月补开，记录已补传")
    assert warnings.close(world.township_admin, warning)
    warning.refresh_from_db()
    assert warning.status == "closed"
    assert list(warning.events.values_list("to_status", flat=True)) == [
        "open",
        "acknowledged",
        "rectified",
        "closed",
    ]
