"""Who sees which Open311 rows (registered with ``accounts.scope``). Keys belong to a county
and are worked by the admins of that county or above; a township admin's subtree does not
contain the county itself, so they see none."""

from django.db.models import Q

from accounts.scope import Scope, scope_for, scope_rule, visible
from core.paths import depth_of
from open311.models import ApiKey, Submission
from orgs.models import Region


@scope_rule(ApiKey)
def api_keys(scope: Scope, write: bool) -> Q:
    return scope.under("region_path", scope.admin_paths)


def managed_counties(user):
    """The counties whose Open311 keys ``user`` administers (county admins and above)."""
    return visible(user, Region.objects.filter(level=Region.Level.COUNTY), write=True)


COUNTY_DEPTH = 2  # province → prefecture → county


def may_manage_keys(scope: Scope) -> bool:
    """Without a query, for the navigation: an admin at a county or above. The pages still
    check ``is_county_admin``."""
    return scope.is_superuser or any(depth_of(p) <= COUNTY_DEPTH for p in scope.admin_paths)


def is_county_admin(user) -> bool:
    scope = scope_for(user)
    return scope.is_admin and managed_counties(user).exists()


@scope_rule(Submission)
def submissions(scope: Scope, write: bool) -> Q:
    """The admins over the request's village: the county's, its township's."""
    return scope.under("region_path", scope.admin_paths)
