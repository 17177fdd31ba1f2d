"""Issuing accounts, passwords, deactivation and coverage (``accounts.domain``)."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import RequestFactory

from accounts.domain import coverage, issuing, passwords
from accounts.domain.passwords import AccountRefused
from accounts.models import Role, RoleAssignment, User
from audit.models import AuditEntry
from notifications.models import Notification
from tests.world import PASSWORD


def login_request():
    """Axes (login throttling) needs the request a sign-in comes with."""
    return RequestFactory().post("/login/")


def test_it_issues_a_grid_worker_with_a_derived_username_and_a_shown_once_password(world):
    world.grid_worker.is_active = False  # the grid's worker left: the grid needs a new one
    world.grid_worker.save()
    issued = issuing.issue_account(world.township_admin, Role.GRID_WORKER, world.grid)
    user = issued.user
    assert user.username == "g-g-1"
    assert user.display_name == "红旗村第一网格网格员"
    assert user.must_change_password
    assert authenticate(login_request(), username="g-g-1", password=issued.password) == user
    assignment = user.assignments.get()
    assert (assignment.role, assignment.grid, assignment.region) == (
        Role.GRID_WORKER,
        world.grid,
        world.village,
    )
    entry = AuditEntry.objects.get(action="create", model="accounts.User", object_id=str(user.pk))
    assert entry.region_path == world.village.path and entry.actor == world.township_admin
    assert Notification.objects.filter(user=user, key="account-issued").exists()


def test_it_refuses_a_second_active_account_for_one_branch(world):
    with pytest.raises(AccountRefused) as refused:
        issuing.issue_account(world.county_admin, Role.BRANCH, world.branch_org)
    assert "已有启用的支部账号" in str(refused.value)
    assert "subject" in refused.value.errors


def test_it_refuses_a_taken_or_malformed_username(world):
    with pytest.raises(AccountRefused) as taken:
        issuing.issue_account(world.county_admin, Role.BRANCH, world.township_committee, "alice")
    assert "已被使用" in str(taken.value)
    with pytest.raises(AccountRefused) as bad:
        issuing.issue_account(world.county_admin, Role.BRANCH, world.township_committee, "王 x")
    assert "username" in bad.value.errors
    assert not User.objects.filter(assignments__organization=world.township_committee).exists()


def test_it_offers_only_subjects_inside_the_issuers_subtree(world):
    township_orgs = set(issuing.subjects(world.township_admin, Role.BRANCH))
    assert world.branch_org in township_orgs and world.outsider_branch_org not in township_orgs
    assert world.county_committee not in township_orgs
    # a township admin issues no admins; the county admin issues township admins only
    assert Role.ADMIN not in issuing.issued_roles(world.township_admin)
    admin_regions = set(issuing.subjects(world.county_admin, Role.ADMIN))
    assert admin_regions == {world.township, world.other_township}
    assert issuing.issued_roles(world.branch) == []
    clerk_places = set(issuing.subjects(world.township_admin, Role.CLERK))
    assert clerk_places == {world.village, world.neighbour_village}


def test_it_searches_subjects_by_name_or_code(world):
    found = issuing.search_subjects(world.county_admin, Role.BRANCH, "红旗")
    assert found == [world.branch_org]
    assert issuing.search_subjects(world.township_admin, Role.GRID_WORKER, "G-3") == []
    assert issuing.search_subjects(world.county_admin, Role.RESIDENT, "王建国") == [world.household]


def test_the_county_admin_issues_a_township_admin(world):
    issued = issuing.issue_account(world.county_admin, Role.ADMIN, world.township)
    assert issued.user.username == "a-150525100"
    assert issued.assignment.region == world.township and issued.assignment.role == Role.ADMIN


def test_it_issues_every_role(world):
    from orgs.domain import people

    unit = people.create_unit(None, region=world.township, name="东风镇卫生院", code="U-2")
    for role, subject in [
        (Role.UNIT, unit),
        (Role.CLERK, world.neighbour_village),
        (Role.MEMBER, world.neighbour_member),
        (Role.RESIDENT, world.neighbour_household),
    ]:
        issued = issuing.issue_account(world.township_admin, role, subject)
        issued.assignment.full_clean()
    assert User.objects.filter(username=f"m-{world.neighbour_member.pk}").exists()


def test_initial_passwords_are_hashed_with_fewer_rounds_until_the_first_login(world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    issued = issuing.issue_account(world.county_admin, Role.BRANCH, world.township_committee)
    assert issued.user.password.startswith(f"pbkdf2_sha256${passwords.INITIAL_ITERATIONS}$")
    assert authenticate(login_request(), username=issued.user.username, password=issued.password)
    issued.user.refresh_from_db()  # re-hashed with the full work factor at the login
    assert issued.user.password.startswith(f"pbkdf2_sha256${PBKDF2PasswordHasher.iterations}$")


def test_generated_passwords_are_readable_and_differ():
    first, second = passwords.generate_password(), passwords.generate_password()
    assert first != second and len(first) == 14
    assert not set(first.replace("-", "")) & set("01ilo")


def test_reset_gives_a_new_password_to_change_and_tells_the_user(world):
    password = passwords.reset_password(world.township_admin, world.branch)
    world.branch.refresh_from_db()
    assert world.branch.must_change_password
    assert authenticate(login_request(), username="branch", password=password) == world.branch
    assert not authenticate(login_request(), username="branch", password=PASSWORD)
    assert AuditEntry.objects.filter(action="password_reset", object_id=str(world.branch.pk))
    assert Notification.objects.filter(user=world.branch, key__startswith="password-reset:")


def test_an_admin_never_resets_or_deactivates_themself(world):
    with pytest.raises(AccountRefused):
        passwords.reset_password(world.county_admin, world.county_admin)
    with pytest.raises(AccountRefused):
        passwords.set_active(world.county_admin, world.county_admin, False)


def test_deactivate_and_reactivate_are_audited(world):
    passwords.set_active(world.township_admin, world.grid_worker, False)
    world.grid_worker.refresh_from_db()
    assert not world.grid_worker.is_active
    assert not authenticate(login_request(), username="gridder", password=PASSWORD)
    with pytest.raises(AccountRefused):
        passwords.set_active(world.township_admin, world.grid_worker, False)
    passwords.set_active(world.township_admin, world.grid_worker, True)
    actions = list(
        AuditEntry.objects.filter(object_id=str(world.grid_worker.pk)).values_list(
            "action", flat=True
        )
    )
    assert "deactivate" in actions and "reactivate" in actions


def test_own_password_change_clears_the_flag_and_is_audited(world):
    world.member.must_change_password = True
    world.member.save()
    passwords.change_own_password(world.member, "a-new-long-passphrase")
    world.member.refresh_from_db()
    assert not world.member.must_change_password
    assert world.member.check_password("a-new-long-passphrase")
    assert AuditEntry.objects.filter(action="password_change", actor=world.member).exists()


def test_coverage_counts_missing_branch_accounts_and_grid_workers_per_child(world):
    figures = coverage.coverage(world.county)
    # organizations: county, 2 township committees, 3 branches; only 红旗村党支部 has one
    assert (figures.total.organizations, figures.total.organizations_missing) == (6, 5)
    assert (figures.total.grids, figures.total.grids_missing) == (3, 2)
    by_region = {line.region: line for line in figures.lines}
    assert by_region[None].organizations == 1  # the county committee, placed at the county
    assert by_region[world.township].organizations_missing == 2
    assert by_region[world.township].grids_missing == 1
    world.grid_worker.is_active = False
    world.grid_worker.save()
    assert world.grid in coverage.missing_grids(world.township)


def test_a_deactivated_account_does_not_cover_its_branch(world):
    passwords.set_active(world.township_admin, world.branch, False)
    assert world.branch_org in coverage.missing_organizations(world.village)
    issued = issuing.issue_account(world.township_admin, Role.BRANCH, world.branch_org, "b-o-v1")
    assert RoleAssignment.objects.filter(organization=world.branch_org).count() == 2
    assert world.branch_org not in coverage.missing_organizations(world.village)
    assert issued.user.is_active
