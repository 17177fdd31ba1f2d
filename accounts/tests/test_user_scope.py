"""Which accounts an admin may see and change."""

from accounts.models import Role, RoleAssignment, User
from accounts.scope import visible


def usernames(user, write=False):
    return set(visible(user, User, write=write).values_list("username", flat=True))


def test_it_shows_a_township_admin_the_accounts_of_its_township(world):
    seen = usernames(world.township_admin)
    assert world.branch.username in seen
    assert world.grid_worker.username in seen
    assert world.outsider.username not in seen
    assert world.county_admin.username not in seen


def test_it_shows_the_county_admin_every_account_in_the_county(world):
    seen = usernames(world.county_admin)
    assert {world.township_admin.username, world.outsider.username} <= seen


def test_it_lets_a_user_read_only_their_own_account(world):
    assert usernames(world.resident) == {world.resident.username}
    assert usernames(world.resident, write=True) == set()


def test_it_refuses_a_change_to_an_account_that_also_holds_a_role_outside(world):
    RoleAssignment.objects.create(user=world.branch, role=Role.ADMIN, region=world.county)
    assert world.branch.username in usernames(world.township_admin)
    assert world.branch.username not in usernames(world.township_admin, write=True)
    assert world.branch.username in usernames(world.county_admin, write=True)
