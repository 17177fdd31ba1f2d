"""Domain writes keep copied paths, counters and the audit log right."""

import pytest

from accounts.scope import visible
from audit.models import AuditEntry
from orgs.domain import people, tree
from orgs.domain.counts import recount, subtree_counts
from orgs.models import Household, Region


def counters():
    return list(
        Region.objects.order_by("pk").values_list("own_member_count", "own_household_count")
    )


def test_grid_moved_to_another_branch_takes_its_households_along(world):
    people.update(None, world.grid, organization=world.neighbour_branch_org)
    assert set(Household.objects.filter(grid=world.grid).values_list("org_path", flat=True)) == {
        world.neighbour_branch_org.path
    }
    assert not visible(world.branch, Household).filter(grid=world.grid).exists()


def test_grid_moved_to_another_village_moves_the_household_counters(world):
    people.update(
        None, world.grid, region=world.neighbour_village, organization=world.neighbour_branch_org
    )
    assert subtree_counts(world.neighbour_village).households == 3
    before = counters()
    recount()
    assert counters() == before


def test_member_update_is_audited_with_the_changed_fields_only(world):
    people.update(world.branch, world.member_person, phone="13700000000", name="张红梅")
    entry = AuditEntry.objects.filter(action="update").latest("pk")
    assert list(entry.changes) == ["phone"]
    assert entry.changes["phone"][1] == "13700000000"


def test_deleting_a_household_decrements_its_village(world):
    people.delete(world.county_admin, world.other_household_same_grid)
    assert subtree_counts(world.village).households == 1
    assert AuditEntry.objects.filter(action="delete", object_repr="李秀英户").exists()


def test_update_node_renames_but_never_moves(world):
    tree.update_node(world.county_admin, world.village, name="红旗嘎查")
    assert Region.objects.get(pk=world.village.pk).name == "红旗嘎查"
    with pytest.raises(ValueError, match="不支持调整上级"):
        tree.update_node(world.county_admin, world.village, parent=world.other_township)


def test_organization_kind_must_still_fit(world):
    with pytest.raises(ValueError):
        tree.update_node(None, world.township_committee, kind="group")  # it has branches below


def test_region_levels_must_descend(world):
    with pytest.raises(ValueError):
        tree.add_region(None, parent=world.village, name="错层", code="X1", level="township")
