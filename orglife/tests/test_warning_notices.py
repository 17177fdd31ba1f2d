"""The warned organization hears when a superior sends its rectification back or closes
the warning."""

from notifications.models import Notification
from orglife.domain import warnings
from orglife.tests.test_pages_warnings import warned  # noqa: F401  (the fixture)


def titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_the_branch_hears_that_its_rectification_was_sent_back_and_then_closed(world, warned):  # noqa: F811
    warnings.rectify(world.branch, warned, "已补开支委会")
    warnings.reopen(world.township_admin, warned, "缺少会议记录照片")
    assert any(t.startswith("整改被退回") for t in titles(world.branch))
    warned.refresh_from_db()
    warnings.rectify(world.branch, warned, "已补照片")
    warnings.close(world.township_admin, warned)
    assert any(t.startswith("预警已销号") for t in titles(world.branch))
    assert not any(t.startswith("预警已销号") for t in titles(world.outsider))
