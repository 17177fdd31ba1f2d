"""What each persona sees of the tree: the scope rules, below the views."""

import pytest
from django.http import Http404

from accounts.scope import get_for_user, visible
from orgs.domain.counts import child_counts, recount, subtree_counts
from orgs.models import Grid, Household, Member, Organization, Region


def names(rows):
    return sorted(str(row) for row in rows)


def test_county_admin_sees_whole_county(world):
    assert visible(world.county_admin, Household).count() == 4
    assert visible(world.county_admin, Member).count() == 3


def test_township_admin_sees_only_own_township(world):
    assert names(visible(world.township_admin, Member)) == ["刘志强", "张红梅"]
    assert world.outsider_household not in visible(world.township_admin, Household)
    with pytest.raises(Http404):
        get_for_user(world.township_admin, Member, world.outsider_member.pk)


def test_outsider_township_admin_sees_nothing_of_ours(world):
    assert names(visible(world.outsider, Member)) == ["陈海"]
    assert not visible(world.outsider, Region).filter(pk=world.township.pk).exists()


def test_branch_sees_its_organization_only(world):
    assert names(visible(world.branch, Member)) == ["张红梅"]
    assert names(visible(world.branch, Grid)) == ["红旗村第一网格"]
    assert names(visible(world.branch, Organization)) == ["红旗村党支部"]


def test_grid_worker_sees_grid_households(world):
    assert names(visible(world.grid_worker, Household)) == ["李秀英户", "王建国户"]
    assert names(visible(world.grid_worker, Member)) == ["张红梅"]
    assert not visible(world.grid_worker, Household, write=True).exists()


def test_resident_sees_own_household_only(world):
    assert names(visible(world.resident, Household)) == ["王建国户"]
    assert not visible(world.resident, Member).exists()


def test_member_sees_self(world):
    assert names(visible(world.member, Member)) == ["张红梅"]


def test_unit_and_clerk_see_no_people(world):
    for user in (world.unit, world.clerk):
        assert not visible(user, Member).exists()
        assert not visible(user, Household).exists()


def test_missing_and_foreign_give_the_same_404(world):
    for pk in (world.outsider_member.pk, 999999, "not-a-number"):
        with pytest.raises(Http404):
            get_for_user(world.township_admin, Member, pk)


def test_counts_roll_up_and_match_a_recount(world):
    county = subtree_counts(world.county)
    assert (county.members, county.households, county.grids, county.organizations) == (3, 4, 3, 6)
    by_child = {node.region.name: node for node in child_counts(world.county)}
    assert by_child["东风镇"].households == 3
    assert by_child["西河镇"].members == 1
    before = list(Region.objects.values_list("own_member_count", "own_household_count"))
    recount()
    after = list(Region.objects.values_list("own_member_count", "own_household_count"))
    assert before == after
