"""Who sees which rows of organizational life (registered with ``accounts.scope``)."""

from django.db.models import Q

from accounts.scope import Scope, ids_q, scope_for, scope_rule
from orglife.models import ActivityRecord, Attendance, DueReport, Exemption, Requirement, Warning


def _managed(scope: Scope) -> Q:
    return scope.under("region_path", scope.admin_paths) | scope.under(
        "org_path", scope.branch_org_paths
    )


@scope_rule(ActivityRecord)
def records(scope: Scope, write: bool) -> Q:
    """Admins over their subtree, a branch over its organization subtree; a member reads
    the records of meetings they were listed at."""
    if write:
        return _managed(scope)
    return _managed(scope) | ids_q("attendance__member_id", scope.member_ids)


@scope_rule(DueReport)
def due_reports(scope: Scope, write: bool) -> Q:
    return _managed(scope)


@scope_rule(Warning)
def warnings(scope: Scope, write: bool) -> Q:
    return _managed(scope)


@scope_rule(Attendance)
def attendance(scope: Scope, write: bool) -> Q:
    managed = scope.under("record__region_path", scope.admin_paths) | scope.under(
        "record__org_path", scope.branch_org_paths
    )
    return managed if write else managed | ids_q("member_id", scope.member_ids)


@scope_rule(Requirement)
def requirements(scope: Scope, write: bool) -> Q:
    """Read by everyone who manages organizations below; set by the admins of the county."""
    if write:
        return scope.under("region_path", scope.admin_paths)
    below = Q(pk__in=[])
    for path in scope.admin_paths + scope.branch_region_paths:
        below |= Q(region_path__in=[path[:end] for end in range(4, len(path) + 1, 4)])
    return scope.under("region_path", scope.admin_paths) | below


@scope_rule(Exemption)
def exemptions(scope: Scope, write: bool) -> Q:
    return scope.under("region_path", scope.admin_paths)


def is_superior(user, warning: Warning) -> bool:
    """An admin above the warned organization (who closes or sends back a rectification)."""
    scope = scope_for(user)
    return scope.is_superuser or any(warning.region_path.startswith(p) for p in scope.admin_paths)


def is_warned_organization(user, warning: Warning) -> bool:
    """The warned organization's own account (who acknowledges and rectifies)."""
    scope = scope_for(user)
    return any(warning.org_path.startswith(p) for p in scope.branch_org_paths)
