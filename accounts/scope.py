"""The one mechanism that decides what a user may see and change.

A user's role assignments become a ``Scope``: the region subtrees they administer, the
organization subtrees their branch accounts act for, and the single grids, members,
households and units they act as. Each scoped model registers a rule that turns a scope into
a ``Q`` (``scope_rule``); ``visible()`` applies it, and ``get_for_user()`` fetches one row or
raises 404 — the same 404 for "missing" and "not yours". Views, the API, exports and commands
reach protected rows only through these two functions (enforced by ``tests/test_scoping_lint``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext

from core.paths import subtree_q

M = TypeVar("M", bound=models.Model)
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    is_superuser: bool = False
    admin_paths: tuple[str, ...] = ()
    branch_org_paths: tuple[str, ...] = ()
    branch_region_paths: tuple[str, ...] = ()
    grid_ids: frozenset[int] = field(default_factory=frozenset)
    member_ids: frozenset[int] = field(default_factory=frozenset)
    member_org_ids: frozenset[int] = field(default_factory=frozenset)
    household_ids: frozenset[int] = field(default_factory=frozenset)
    household_grid_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    place_paths: tuple[str, ...] = ()  # every assignment's region: the user's own places
    user_id: int | None = None  # for rows that are the user's own (an incident assigned to them)
    clerk_paths: tuple[str, ...] = ()  # the villages whose love supermarket the user runs

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or bool(self.admin_paths)

    def under(self, field_name: str, paths: tuple[str, ...]) -> Q:
        return any_of(subtree_q(field_name, path) for path in paths)


def any_of(conditions) -> Q:
    combined = None
    for condition in conditions:
        combined = condition if combined is None else combined | condition
    return NOTHING if combined is None else combined


def ids_q(field_name: str, ids) -> Q:
    return Q(**{f"{field_name}__in": sorted(ids)}) if ids else NOTHING


Rule = Callable[[Scope, bool], Q]
_RULES: dict[type[models.Model], Rule] = {}


def scope_rule(model: type[models.Model]) -> Callable[[Rule], Rule]:
    """Register how ``model`` is scoped: ``rule(scope, write)`` returns the rows the scope
    may read (``write=False``) or change (``write=True``)."""

    def register(rule: Rule) -> Rule:
        _RULES[model] = rule
        return rule

    return register


def scoped_models() -> list[type[models.Model]]:
    return list(_RULES)


def scope_for(user) -> Scope:
    """The user's scope, built once per request from their role assignments."""
    cached = getattr(user, "_lingyan_scope", None)
    if cached is not None:
        return cached
    scope = _build_scope(user)
    if user.is_authenticated:
        user._lingyan_scope = scope
    return scope


def _build_scope(user) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return Scope()
    from accounts.models import Role

    parts: dict[str, Any] = {
        "admin_paths": [],
        "branch_org_paths": [],
        "branch_region_paths": [],
        "grid_ids": set(),
        "member_ids": set(),
        "member_org_ids": set(),
        "household_ids": set(),
        "household_grid_ids": set(),
        "unit_ids": set(),
        "place_paths": [],
        "clerk_paths": [],
    }
    assignments = user.assignments.select_related("region", "organization", "member", "household")
    for assignment in assignments:
        parts["place_paths"].append(assignment.region.path)
        if assignment.role == Role.ADMIN:
            parts["admin_paths"].append(assignment.region.path)
        elif assignment.role == Role.BRANCH:
            parts["branch_org_paths"].append(assignment.organization.path)
            parts["branch_region_paths"].append(assignment.region.path)
        elif assignment.role == Role.GRID_WORKER:
            parts["grid_ids"].add(assignment.grid_id)
        elif assignment.role == Role.MEMBER:
            parts["member_ids"].add(assignment.member_id)
            parts["member_org_ids"].add(assignment.member.organization_id)
        elif assignment.role == Role.RESIDENT:
            parts["household_ids"].add(assignment.household_id)
            parts["household_grid_ids"].add(assignment.household.grid_id)
        elif assignment.role == Role.UNIT:
            parts["unit_ids"].add(assignment.unit_id)
        elif assignment.role == Role.CLERK:
            parts["clerk_paths"].append(assignment.region.path)
    frozen: dict[str, Any] = {
        key: tuple(sorted(set(value))) if isinstance(value, list) else frozenset(value)
        for key, value in parts.items()
    }
    return Scope(is_superuser=user.is_superuser, user_id=user.pk, **frozen)


def visible(user, queryset: models.QuerySet[M] | type[M], *, write: bool = False):
    """The rows of ``queryset`` the user may read (or, with ``write=True``, change)."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    scope = scope_for(user)
    if scope.is_superuser:
        return queryset
    try:
        rule = _RULES[queryset.model]
    except KeyError:
        raise LookupError(f"{queryset.model.__name__} has no scope rule") from None
    return queryset.filter(rule(scope, write))


def get_for_user(
    user, queryset: models.QuerySet[M] | type[M], pk: Any, *, write: bool = False
) -> M:
    """One row the user may read (or change), or 404 whether it is missing or out of scope."""
    rows = visible(user, queryset, write=write)
    try:
        return rows.get(pk=pk)
    except (rows.model.DoesNotExist, ValueError, TypeError):
        raise Http404(gettext("未找到该记录，或您无权访问。")) from None


def can_write(user, obj: models.Model) -> bool:
    return visible(user, type(obj), write=True).filter(pk=obj.pk).exists()
