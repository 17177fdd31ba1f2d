"""Who sees which rows of the services capability (registered with ``accounts.scope``).

- Centres and the catalogue are public within the county: anyone signed in at a place reads
  the centres and items of the county above it; admins of the county change them.
- A request is read by admins over its place, the branch account of its village (the
  dispatcher), the unit it was dispatched to, the household it is for and the grid worker of
  that household's grid (who may have submitted it for them, 代办).
- A wish is read by admins over its place, the village's branch, everyone who lives or works
  at that village (the community's board: residents, members, grid workers), in-service
  members registered there (双报到), and units (who may claim it).
"""

from django.db.models import Q

from accounts.scope import Scope, ids_q, scope_for, scope_rule
from core.paths import ancestor_paths
from services.models import (
    CommunityRegistration,
    RoutingRule,
    ServiceCategory,
    ServiceCentre,
    ServiceItem,
    ServiceRequest,
    Wish,
)


def _above_places(scope: Scope) -> Q:
    """Rows whose ``region_path`` is an ancestor (or the node) of any of the user's places."""
    paths = scope.admin_paths + scope.branch_region_paths + scope.place_paths
    ancestors = {path[:end] for path in paths for end in range(4, len(path) + 1, 4)}
    return Q(region_path__in=sorted(ancestors)) if ancestors else Q(pk__in=[])


def _catalogue(scope: Scope, write: bool) -> Q:
    admin = scope.under("region_path", scope.admin_paths)
    return admin if write else admin | _above_places(scope)


scope_rule(ServiceCategory)(_catalogue)
scope_rule(ServiceItem)(_catalogue)


@scope_rule(ServiceCentre)
def centres(scope: Scope, write: bool) -> Q:
    """Read: the centres of the user's own places and of every level above them (their
    village's, township's and county's), and all centres below an admin; written by admins."""
    admin = scope.under("region_path", scope.admin_paths)
    return admin if write else admin | _above_places(scope)


@scope_rule(RoutingRule)
def routing(scope: Scope, write: bool) -> Q:
    """Changed by admins over the rule's place. Read by them and by the dispatching branch
    accounts — the rules at and below their places, and the rules set above that reach
    their places (a county's rules apply in every village)."""
    admin = scope.under("region_path", scope.admin_paths)
    if write:
        return admin
    dispatchers = scope.admin_paths + scope.branch_region_paths
    above = sorted({path for place in dispatchers for path in ancestor_paths(place)})
    return admin | scope.under("region_path", scope.branch_region_paths) | Q(region_path__in=above)


def _dispatchers(scope: Scope) -> Q:
    return scope.under("region_path", scope.admin_paths) | scope.under(
        "region_path", scope.branch_region_paths
    )


@scope_rule(ServiceRequest)
def requests(scope: Scope, write: bool) -> Q:
    """Write (any transition at all) is narrowed further by the domain's role checks."""
    managed = _dispatchers(scope) | ids_q("unit_id", scope.unit_ids)
    own = ids_q("household_id", scope.household_ids)
    return managed | own | ids_q("household__grid_id", scope.grid_ids)


@scope_rule(Wish)
def wishes(scope: Scope, write: bool) -> Q:
    managed = _dispatchers(scope)
    own = ids_q("household_id", scope.household_ids)
    if write:
        return managed | own
    registered = (
        Q(
            region_id__in=CommunityRegistration.objects.filter(
                member_id__in=sorted(scope.member_ids), active=True
            ).values("region_id")
        )
        if scope.member_ids
        else Q(pk__in=[])
    )
    board = Q(region_path__in=scope.place_paths) if scope.place_paths else Q(pk__in=[])
    # A unit serves the subtree of the place it is assigned at.
    units = scope.under("region_path", scope.place_paths) if scope.unit_ids else Q(pk__in=[])
    return managed | own | board | registered | units


@scope_rule(CommunityRegistration)
def registrations(scope: Scope, write: bool) -> Q:
    managed = _dispatchers(scope)
    return managed if write else managed | ids_q("member_id", scope.member_ids)


# ---------------------------------------------------------------------------------------------
# Who may make which move (the domain asks these; the rows were already reached through
# ``visible``/``get_for_user``).


def is_dispatcher(user, request: ServiceRequest) -> bool:
    """The village's branch account, or an admin above the village (社区派单)."""
    scope = scope_for(user)
    return scope.is_superuser or any(
        request.region_path.startswith(p) for p in scope.admin_paths + scope.branch_region_paths
    )


def is_handling_unit(user, request: ServiceRequest) -> bool:
    scope = scope_for(user)
    return request.unit_id is not None and (scope.is_superuser or request.unit_id in scope.unit_ids)


def is_requester(user, request: ServiceRequest) -> bool:
    """The resident the request is for, or whoever submitted it for them (代办)."""
    scope = scope_for(user)
    if request.household_id is not None and request.household_id in scope.household_ids:
        return True
    user_id = getattr(user, "pk", None)
    return user_id is not None and user_id in (request.submitted_by_id, request.proxy_by_id)


def may_submit_for(user, household) -> str | None:
    """How ``user`` may submit a request for ``household``: ``"own"`` (it is their household),
    ``"proxy"`` (its grid worker, its village's branch, an admin above: 代办), or ``None``."""
    scope = scope_for(user)
    if household.pk in scope.household_ids:
        return "own"
    if (
        scope.is_superuser
        or household.grid_id in scope.grid_ids
        or any(household.region_path.startswith(p) for p in scope.admin_paths)
        or any(household.org_path.startswith(p) for p in scope.branch_org_paths)
    ):
        return "proxy"
    return None
