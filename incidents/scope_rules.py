"""Who sees which incidents, types and emergencies (registered with ``accounts.scope``).

- admins: everything in their region subtree;
- a branch account: the incidents of its organization subtree's grids;
- a grid worker: their grid's incidents, those they reported and those assigned to them;
- a service unit: what was assigned to it; any user: what was assigned to them personally.
"""

from django.db.models import Q

from accounts.scope import NOTHING, Scope, ids_q, scope_for, scope_rule
from core.paths import ancestor_paths
from incidents.models import Emergency, Incident, IncidentType


def _own(scope: Scope, field: str) -> Q:
    return Q(**{field: scope.user_id}) if scope.user_id else NOTHING


def _places_and_above(scope: Scope) -> list[str]:
    """Every node on the way from the root to one of the user's places (inclusive)."""
    paths: set[str] = set()
    for path in scope.place_paths + scope.admin_paths:
        paths.update(ancestor_paths(path))
    return sorted(paths)


@scope_rule(Incident)
def incidents(scope: Scope, write: bool) -> Q:
    return (
        scope.under("region_path", scope.admin_paths)
        | scope.under("org_path", scope.branch_org_paths)
        | ids_q("grid_id", scope.grid_ids)
        | ids_q("assigned_unit_id", scope.unit_ids)
        | _own(scope, "assigned_user_id")
        | _own(scope, "reporter_id")
    )


@scope_rule(IncidentType)
def incident_types(scope: Scope, write: bool) -> Q:
    """Everyone in a county reads its types; a county admin (or above) changes them."""
    if write:
        return scope.under("region_path", scope.admin_paths)
    return Q(region_path__in=_places_and_above(scope))


@scope_rule(Emergency)
def emergencies(scope: Scope, write: bool) -> Q:
    """An emergency is read by the admins of its subtree and by everyone placed in it (the
    grid workers who report under it); opened and closed by the admins of its node."""
    admin = scope.under("region_path", scope.admin_paths)
    if write:
        return admin
    return admin | Q(region_path__in=_places_and_above(scope))


def is_superior(user, incident: Incident) -> bool:
    """An admin above the incident's grid, or its branch account (the village level)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    return any(incident.region_path.startswith(p) for p in scope.admin_paths) or any(
        incident.org_path.startswith(p) for p in scope.branch_org_paths
    )


def is_assignee(user, incident: Incident) -> bool:
    scope = scope_for(user)
    if incident.assigned_user_id is not None and incident.assigned_user_id == user.pk:
        return True
    return incident.assigned_unit_id is not None and incident.assigned_unit_id in scope.unit_ids


def is_reporter(user, incident: Incident) -> bool:
    return incident.reporter_id is not None and incident.reporter_id == user.pk


def reports_in(user) -> list[int]:
    """The grids a user reports incidents for (a grid worker's assignments)."""
    return sorted(scope_for(user).grid_ids)
