"""Which role a user is acting in, for home pages and navigation."""

from accounts.models import Role, RoleAssignment


def assignments_of(user) -> list[RoleAssignment]:
    cached = getattr(user, "_lingyan_assignments", None)
    if cached is None:
        cached = list(
            user.assignments.select_related(
                "region", "organization", "grid", "member", "household", "unit"
            ).order_by("region__path", "role")
        )
        user._lingyan_assignments = cached
    return cached


def primary_assignment(user) -> RoleAssignment | None:
    """The assignment a home page is built for: the widest admin one first."""
    assignments = assignments_of(user)
    admins = [a for a in assignments if a.role == Role.ADMIN]
    if admins:
        return min(admins, key=lambda a: len(a.region.path))
    return assignments[0] if assignments else None


def home_region(user):
    """The region a user's pages start from (their primary assignment's), or 404 for an
    account without a role."""
    from django.http import Http404
    from django.utils.translation import gettext

    assignment = primary_assignment(user)
    if assignment is None:
        raise Http404(gettext("您的账号尚未分配角色。"))
    return assignment.region


def navigation(user) -> dict[str, bool | str]:
    """Which sections a user's roles use; the pages themselves still check the scope."""
    from accounts.scope import scope_for
    from open311.scope_rules import may_manage_keys

    scope = scope_for(user)
    manages = scope.is_admin or bool(scope.branch_org_paths)
    return {
        "tree": manages or bool(scope.grid_ids),
        "members": manages,
        "households": manages or bool(scope.grid_ids),
        "committees": manages,
        "transfer": manages,
        "audit": scope.is_admin,
        "accounts": scope.is_admin,
        "orglife": manages,
        # a branch account's organizational life starts from its own calendar
        "orglife_calendar": bool(scope.branch_org_paths) and not scope.is_admin,
        "attendance": bool(scope.member_ids),
        "services": True,
        "services_centre": manages,
        "registrations": manages or bool(scope.member_ids),
        "open311": may_manage_keys(scope),
        "incidents": manages or bool(scope.grid_ids) or bool(scope.unit_ids),
        # the points system opens where each role works in it (a view name, or "")
        "points": (
            "points_reports:tally"
            if manages
            else "points:proposals"
            if scope.grid_ids
            else "points:mine"
            if scope.household_ids
            else "points:store_home"
            if scope.clerk_paths
            else ""
        ),
    }
