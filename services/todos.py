"""Services' to-dos for the home page (see ``core.todos``): requests to dispatch (a village's
or a subtree's), to accept (a unit's), to rate (a resident's) — each count the request list
shows under the same filter."""

from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import Role
from accounts.scope import visible
from core.paths import subtree_q
from core.todos import Todo, todo_provider
from services.domain import figures
from services.models import RequestStatus, ServiceRequest


@todo_provider
def request_todos(user, assignment) -> list[Todo]:
    rows = visible(user, ServiceRequest)
    url = reverse("services:requests")
    area = gettext("服务诉求")
    if assignment.role in (Role.ADMIN, Role.BRANCH):
        region = assignment.region
        rows = rows.filter(subtree_q("region_path", region.path))
        at = f"{url}?region={region.pk}&"
        return [
            Todo(
                area,
                gettext("超期的诉求"),
                rows.filter(figures.flag_q("overdue")).count(),
                f"{at}flag=overdue",
                urgent=True,
            ),
            Todo(
                area,
                gettext("待派单的诉求"),
                rows.filter(status=RequestStatus.SUBMITTED).count(),
                f"{at}status={RequestStatus.SUBMITTED}",
            ),
        ]
    if assignment.role == Role.UNIT:
        rows = rows.filter(unit_id=assignment.unit_id)
        url = f"{url}?unit={assignment.unit_id}&"
        return [
            Todo(
                area,
                gettext("待接单的诉求"),
                rows.filter(status=RequestStatus.DISPATCHED).count(),
                f"{url}status={RequestStatus.DISPATCHED}",
                urgent=True,
            ),
            Todo(
                area,
                gettext("已接单、待办结的诉求"),
                rows.filter(status=RequestStatus.ACCEPTED).count(),
                f"{url}status={RequestStatus.ACCEPTED}",
            ),
        ]
    if assignment.role == Role.RESIDENT:
        return [
            Todo(
                area,
                gettext("已办结、待评价的诉求"),
                rows.filter(status=RequestStatus.DONE).count(),
                f"{url}?status={RequestStatus.DONE}",
            )
        ]
    return []
