"""Who sees which rows of the organization tree (registered with ``accounts.scope``)."""

from django.db.models import Q

from accounts.scope import Scope, ids_q, scope_for, scope_rule
from orgs.models import CommitteePost, Grid, Household, Member, Organization, Region, Unit


@scope_rule(Region)
def regions(scope: Scope, write: bool) -> Q:
    if write:
        return scope.under("path", scope.admin_paths)
    return (
        scope.under("path", scope.admin_paths)
        | scope.under("path", scope.branch_region_paths)
        | Q(path__in=scope.place_paths)
    )


@scope_rule(Organization)
def organizations(scope: Scope, write: bool) -> Q:
    admin = scope.under("region_path", scope.admin_paths)
    if write:
        return admin
    return admin | scope.under("path", scope.branch_org_paths) | ids_q("pk", scope.member_org_ids)


@scope_rule(Grid)
def grids(scope: Scope, write: bool) -> Q:
    managed = scope.under("region_path", scope.admin_paths) | scope.under(
        "org_path", scope.branch_org_paths
    )
    if write:
        return managed
    return managed | ids_q("pk", scope.grid_ids) | ids_q("pk", scope.household_grid_ids)


@scope_rule(Household)
def households(scope: Scope, write: bool) -> Q:
    managed = scope.under("region_path", scope.admin_paths) | scope.under(
        "org_path", scope.branch_org_paths
    )
    if write:
        return managed
    return (
        managed
        | ids_q("grid_id", scope.grid_ids)
        | ids_q("pk", scope.household_ids)
        | ids_q("liaison_id", scope.member_ids)
    )


@scope_rule(Member)
def members(scope: Scope, write: bool) -> Q:
    managed = scope.under("region_path", scope.admin_paths) | scope.under(
        "org_path", scope.branch_org_paths
    )
    if write:
        return managed
    return managed | ids_q("household__grid_id", scope.grid_ids) | ids_q("pk", scope.member_ids)


@scope_rule(CommitteePost)
def committee_posts(scope: Scope, write: bool) -> Q:
    return scope.under("region_path", scope.admin_paths) | scope.under(
        "region_path", scope.branch_region_paths
    )


@scope_rule(Unit)
def units(scope: Scope, write: bool) -> Q:
    admin = scope.under("region_path", scope.admin_paths)
    return admin if write else admin | ids_q("pk", scope.unit_ids)


def may_see_counts(user, region: Region) -> bool:
    """Subtree figures (counts, the two-committee check) are for those who administer the
    subtree or lead its branch; a grid worker or a resident sees their own rows only."""
    scope = scope_for(user)
    return scope.is_superuser or any(
        region.path.startswith(path) for path in scope.admin_paths + scope.branch_region_paths
    )


def manageable_organizations(user):
    """The organizations whose members, grids and households the user manages: an admin's
    region subtree, a branch account's own organization subtree."""
    scope = scope_for(user)
    rows = Organization.objects.filter(  # scope-ok: narrowed to the managed subtrees below
        scope.under("region_path", scope.admin_paths) | scope.under("path", scope.branch_org_paths)
    )
    return Organization.objects.all() if scope.is_superuser else rows  # scope-ok: superuser
