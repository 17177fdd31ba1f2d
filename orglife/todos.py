"""Organizational life's to-dos for the home page (see ``core.todos``): a superior closes the
rectified warnings of its subtree; a branch acknowledges and rectifies its own."""

from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import Role
from accounts.scope import visible
from core.paths import subtree_q
from core.todos import Todo, todo_provider
from orglife.models import Warning

Status = Warning.Status


@todo_provider
def warnings_todos(user, assignment) -> list[Todo]:
    area = gettext("组织生活")
    url = reverse("orglife:warnings")
    if assignment.role == Role.ADMIN:
        region = assignment.region
        n = (
            visible(user, Warning)
            .filter(subtree_q("region_path", region.path), status=Status.RECTIFIED)
            .count()
        )
        label = gettext("已整改、待销号的预警")
        return [Todo(area, label, n, f"{url}?region={region.pk}&status={Status.RECTIFIED}")]
    if assignment.role == Role.BRANCH:
        counts = {
            status: visible(user, Warning).filter(status=status).count()
            for status in (Status.OPEN, Status.ACKNOWLEDGED)
        }
        return [
            Todo(
                area,
                gettext("新预警，待签收整改"),
                counts[Status.OPEN],
                f"{url}?status={Status.OPEN}",
                urgent=True,
            ),
            Todo(
                area,
                gettext("已签收、待整改的预警"),
                counts[Status.ACKNOWLEDGED],
                f"{url}?status={Status.ACKNOWLEDGED}",
            ),
        ]
    return []
