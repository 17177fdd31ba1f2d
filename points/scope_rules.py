"""Who sees which rows of the points system (registered with ``accounts.scope``).

Admins over their subtree and a village's branch account (for its two committees and its
assembly) manage everything of their villages; a grid worker sees their grid's proposals and
ledger (their own grid-worker items included); a resident their own household's; a party
member the items scored to them; a clerk the store, goods, balances and receipts of
the village they are placed at. The rulebook in force is read by everyone placed in the
village."""

from django.db.models import Q

from accounts.scope import Scope, ids_q, scope_for, scope_rule
from points.models import (
    AssemblyMeeting,
    Goods,
    HouseholdPoints,
    Objection,
    PointEntry,
    PointProposal,
    PointRule,
    ProposalEvent,
    Redemption,
    Rulebook,
    Store,
)


def managed(scope: Scope, field: str = "region_path") -> Q:
    """The villages the scope manages: an admin's subtree, a branch account's village."""
    return scope.under(field, scope.admin_paths) | scope.under(field, scope.branch_region_paths)


def placed(scope: Scope, field: str = "region_path") -> Q:
    return Q(**{f"{field}__in": list(scope.place_paths)}) if scope.place_paths else ids_q("pk", ())


@scope_rule(Rulebook)
def rulebooks(scope: Scope, write: bool) -> Q:
    return managed(scope) if write else managed(scope) | placed(scope)


@scope_rule(PointRule)
def rules(scope: Scope, write: bool) -> Q:
    field = "rulebook__region_path"
    return managed(scope, field) if write else managed(scope, field) | placed(scope, field)


@scope_rule(AssemblyMeeting)
def meetings(scope: Scope, write: bool) -> Q:
    return managed(scope)


@scope_rule(PointProposal)
def proposals(scope: Scope, write: bool) -> Q:
    """Reviewed (write) by the village's managers; read by them, the grid's worker (who
    withdraws and resubmits their own, see ``domain.proposals``) and the household."""
    if write:
        return managed(scope)
    return (
        managed(scope)
        | ids_q("grid_id", scope.grid_ids)
        | ids_q("household_id", scope.household_ids)
        | ids_q("member_id", scope.member_ids)
    )


@scope_rule(ProposalEvent)
def proposal_events(scope: Scope, write: bool) -> Q:
    return (
        managed(scope, "proposal__region_path")
        | ids_q("proposal__grid_id", scope.grid_ids)
        | ids_q("proposal__household_id", scope.household_ids)
    )


@scope_rule(PointEntry)
def entries(scope: Scope, write: bool) -> Q:
    if write:
        return managed(scope)
    return (
        managed(scope)
        | ids_q("grid_id", scope.grid_ids)
        | ids_q("household_id", scope.household_ids)
        | ids_q("member_id", scope.member_ids)
        | scope.under("region_path", scope.clerk_paths)
    )


@scope_rule(HouseholdPoints)
def balances(scope: Scope, write: bool) -> Q:
    return (
        managed(scope)
        | ids_q("grid_id", scope.grid_ids)
        | ids_q("pk", scope.household_ids)
        | scope.under("region_path", scope.clerk_paths)
    )


@scope_rule(Store)
def stores(scope: Scope, write: bool) -> Q:
    """Run (write) by the village's clerk and managed by its branch and the admins above;
    the goods on the shelf are read by everyone placed in the village."""
    runs = managed(scope) | scope.under("region_path", scope.clerk_paths)
    return runs if write else runs | placed(scope)


@scope_rule(Goods)
def goods(scope: Scope, write: bool) -> Q:
    field = "store__region_path"
    runs = managed(scope, field) | scope.under(field, scope.clerk_paths)
    return runs if write else runs | placed(scope, field)


@scope_rule(Redemption)
def redemptions(scope: Scope, write: bool) -> Q:
    runs = managed(scope) | scope.under("region_path", scope.clerk_paths)
    return runs if write else runs | ids_q("household_id", scope.household_ids)


@scope_rule(Objection)
def objections(scope: Scope, write: bool) -> Q:
    if write:
        return managed(scope)
    return (
        managed(scope)
        | ids_q("household_id", scope.household_ids)
        | ids_q("proposal__grid_id", scope.grid_ids)
        | ids_q("entry__grid_id", scope.grid_ids)
    )


def reviews(user, region_path: str) -> bool:
    """Whether the user takes the review steps for the village at ``region_path``: its
    branch account (for the party group, the two committees and the assembly) or an admin
    above it."""
    scope = scope_for(user)
    return scope.is_superuser or any(
        region_path.startswith(p) for p in scope.admin_paths + scope.branch_region_paths
    )


def runs_store(user, store: Store) -> bool:
    scope = scope_for(user)
    return scope.is_superuser or any(
        store.region_path.startswith(p)
        for p in scope.admin_paths + scope.branch_region_paths + scope.clerk_paths
    )
