"""Which accounts an admin may see and manage (registered with ``accounts.scope``).

An admin sees the accounts that hold a role anywhere in their subtree, and may change one
(reset its password, deactivate it, change its roles) only when every role it holds lies in
that subtree: a township admin never locks out a county cadre who also holds a role in the
township. Everyone may read their own account."""

from django.db.models import Exists, OuterRef, Q

from accounts.models import RoleAssignment, User
from accounts.scope import NOTHING, Scope, scope_rule


def _held_under(scope: Scope) -> Q:
    return scope.under("region__path", scope.admin_paths)


@scope_rule(User)
def users(scope: Scope, write: bool) -> Q:
    if not scope.admin_paths:
        return NOTHING if write else Q(pk=scope.user_id)
    inside = RoleAssignment.objects.filter(_held_under(scope), user=OuterRef("pk"))
    if not write:
        return Q(Exists(inside)) | Q(pk=scope.user_id)
    outside = RoleAssignment.objects.filter(user=OuterRef("pk")).exclude(_held_under(scope))
    return Q(Exists(inside)) & ~Q(Exists(outside)) & Q(is_superuser=False)


@scope_rule(RoleAssignment)
def assignments(scope: Scope, write: bool) -> Q:
    held = _held_under(scope)
    return held if write else held | Q(user_id=scope.user_id)
