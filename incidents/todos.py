"""Grid incidents' to-dos for the home page (see ``core.todos``): what is still open and
what waits for verification, in the user's part of the tree (an admin's subtree, a grid
worker's grid and assignments, a unit's assignments) — the incident list's own filters."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role
from accounts.scope import visible
from core.paths import subtree_q
from core.todos import Todo, todo_provider
from incidents.domain import figures
from incidents.models import Incident

ROLES = (Role.ADMIN, Role.BRANCH, Role.GRID_WORKER, Role.UNIT)


@todo_provider
def incident_todos(user, assignment) -> list[Todo]:
    if assignment.role not in ROLES:
        return []
    rows = visible(user, Incident)
    query = ""
    if assignment.role == Role.ADMIN:
        rows = rows.filter(subtree_q("region_path", assignment.region.path))
        query = f"region={assignment.region.pk}&"
    url = reverse("incidents:list")
    area = gettext("网格事件")
    overdue = rows.filter(figures.OPEN, deadline__lt=timezone.now()).count()
    todos = [
        Todo(area, gettext("超时未办结的事件"), overdue, f"{url}?{query}status=overdue", True),
    ]
    if assignment.role != Role.GRID_WORKER:  # the grid worker's home lists their open ones
        open_count = rows.filter(figures.OPEN).count()
        todos.append(Todo(area, gettext("未办结的事件"), open_count, f"{url}?{query}status=open"))
    if assignment.role != Role.UNIT:
        fixed = rows.filter(figures.FIXED).count()
        todos.append(
            Todo(area, gettext("已办结、待核实的事件"), fixed, f"{url}?{query}status=fixed")
        )
    return todos
