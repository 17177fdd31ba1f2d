"""Writes to grids, members, households, two-committee posts and units.

Each function validates, writes in one transaction, keeps the copied paths and the regions'
own counters right, and writes the audit entry. Views, the API and imports call these."""

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext

from audit.log import Action, diff, record, record_created, snapshot
from orgs.models import CommitteePost, Grid, Household, Member, Organization, Region, Unit

Placed = Grid | Household | Member

COUNTER: dict[type[Placed], str] = {
    Member: "own_member_count",
    Household: "own_household_count",
    Grid: "own_grid_count",
}


def _bump(model: type[Placed], region_id: int, delta: int) -> None:
    counter = COUNTER[model]
    Region.objects.filter(pk=region_id).update(**{counter: F(counter) + delta})


def place_grid(grid: Grid) -> None:
    if grid.region.level != Region.Level.VILLAGE:
        raise ValueError(gettext("网格必须设在村或社区。"))
    grid.region_path = grid.region.path
    grid.org_path = grid.organization.path


def place_household(household: Household) -> None:
    grid = household.grid
    household.region_id = grid.region_id
    household.region_path = grid.region_path
    household.org_path = grid.org_path


def place_member(member: Member) -> None:
    organization: Organization = member.organization
    member.region_id = organization.region_id
    member.region_path = organization.region_path
    member.org_path = organization.path


PLACERS: dict[type[Placed], Callable[[Any], None]] = {
    Grid: place_grid,
    Household: place_household,
    Member: place_member,
}


@transaction.atomic
def create(actor, model: type[Placed], **fields: Any) -> Any:
    """Create a grid, household or member: places it, counts it, audits it."""
    obj = model(**fields)
    PLACERS[model](obj)
    obj.full_clean()
    obj.save()
    _bump(model, obj.region_id, +1)
    record(actor, Action.CREATE, obj, region_path=obj.region_path)
    return obj


def prepare(model: type[Placed], **fields: Any) -> Any:
    """``create``'s checks without its write: the placed, validated, unsaved row (an import
    prepares every row before it takes the database's write lock)."""
    obj = model(**fields)
    PLACERS[model](obj)
    obj.full_clean()
    return obj


def create_prepared(actor, objs: list[Any]) -> list[Any]:
    """Write rows made by ``prepare``, as ``create`` would one by one, in few statements:
    the rows and their audit entries in bulk, one counter update per region. Runs in the
    caller's transaction (an import's short write)."""
    if not objs:
        return []
    model = type(objs[0])
    created = model._default_manager.bulk_create(objs, batch_size=500)
    for region_id, count in Counter(obj.region_id for obj in created).items():
        _bump(model, region_id, count)
    record_created(actor, created)
    return created


@transaction.atomic
def update(actor, obj: Placed, **changes: Any) -> Any:
    """Change fields of a grid, household or member, moving its counters and copied paths
    when it moves to another place. Records the changed fields only."""
    model = type(obj)
    fields = list(changes)
    before = snapshot(obj, fields)
    old_region_id = obj.region_id
    old_org_path = getattr(obj, "org_path", "")
    for name, value in changes.items():
        setattr(obj, name, value)
    PLACERS[model](obj)
    obj.full_clean()
    obj.save()
    if obj.region_id != old_region_id:
        _bump(model, old_region_id, -1)
        _bump(model, obj.region_id, +1)
    if isinstance(obj, Grid) and (obj.region_id != old_region_id or obj.org_path != old_org_path):
        _move_households(obj, old_region_id)
    changed = diff(before, snapshot(obj, fields))
    if changed:
        record(actor, Action.UPDATE, obj, region_path=obj.region_path, changes=changed)
    return obj


def _move_households(grid: Grid, old_region_id: int) -> None:
    """A grid moved to another village or branch: its households follow, counters too."""
    households = Household.objects.filter(grid_id=grid.pk)
    moved = households.update(
        region_id=grid.region_id, region_path=grid.region_path, org_path=grid.org_path
    )
    if grid.region_id != old_region_id and moved:
        _bump(Household, old_region_id, -moved)
        _bump(Household, grid.region_id, +moved)


@transaction.atomic
def delete(actor, obj: Placed) -> None:
    model = type(obj)
    region_id, region_path, label = obj.region_id, obj.region_path, str(obj)
    obj_id = obj.pk
    obj.delete()
    _bump(model, region_id, -1)
    entry_target = model(pk=obj_id)
    record(actor, Action.DELETE, entry_target, region_path=region_path, summary=label)


@transaction.atomic
def save_committee_post(actor, post: CommitteePost) -> CommitteePost:
    """Create or change one person's posts in a village's two committees."""
    if post.region.level != Region.Level.VILLAGE:
        raise ValueError(gettext("两委班子只设在村或社区。"))
    if not post.party_post and not post.villagers_post:
        raise ValueError(gettext("请至少填写一个职务。"))
    creating = post.pk is None
    post.region_path = post.region.path
    if post.member_id is not None:
        post.is_party_member = True
    post.full_clean()
    post.save()
    record(actor, Action.CREATE if creating else Action.UPDATE, post, region_path=post.region_path)
    return post


@transaction.atomic
def create_unit(actor, **fields: Any) -> Unit:
    unit = Unit(**fields)
    unit.region_path = unit.region.path
    unit.full_clean()
    unit.save()
    record(actor, Action.CREATE, unit, region_path=unit.region_path)
    return unit
