"""``manage.py load_demo`` at the tiny scale: what the demo logins find after a load."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from accounts.models import Role, User
from accounts.scope import visible
from audit.models import AuditEntry
from core.paths import depth_of
from demo.logins import PASSWORD
from orgs.domain import tree
from orgs.domain.committees import village_checks
from orgs.domain.counts import recount, subtree_counts
from orgs.models import CommitteePost, Grid, Household, Member, Organization, Region, Unit

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    load("--scale", "tiny")


def test_the_loaded_county_matches_what_was_written(demo):
    county = Region.objects.get(level=Region.Level.COUNTY)
    totals = subtree_counts(county)
    assert totals.members == Member.objects.count()
    assert totals.households == Household.objects.count() == 240
    assert totals.organizations == Organization.objects.count()
    assert totals.grids == Grid.objects.count()


def test_counters_equal_a_recount(demo):
    counters = ["own_member_count", "own_household_count", "own_organization_count"]
    before = list(Region.objects.order_by("pk").values_list(*counters, "own_grid_count"))
    recount()
    after = list(Region.objects.order_by("pk").values_list(*counters, "own_grid_count"))
    assert before == after
    village = Region.objects.filter(level=Region.Level.VILLAGE).first()
    assert village.own_household_count == Household.objects.filter(region=village).count() > 0


def test_paths_are_what_the_domain_functions_would_copy(demo):
    for model in (Region, Organization):
        for node in model.objects.select_related("parent"):
            assert node.depth == depth_of(node.path)
            if node.parent is not None:
                assert node.path[:-4] == node.parent.path
    assert not Household.objects.exclude(region_path=F("grid__region_path")).exists()
    assert not Household.objects.exclude(org_path=F("grid__org_path")).exists()
    assert not Household.objects.exclude(region=F("grid__region")).exists()
    assert not Member.objects.exclude(org_path=F("organization__path")).exists()
    assert not Member.objects.exclude(region_path=F("organization__region_path")).exists()
    assert not Grid.objects.exclude(region_path=F("region__path")).exists()
    assert not Grid.objects.exclude(org_path=F("organization__path")).exists()
    assert not Unit.objects.exclude(region_path=F("region__path")).exists()


def test_every_village_has_a_grid_led_by_its_branch(demo):
    for village in Region.objects.filter(level=Region.Level.VILLAGE):
        grids = Grid.objects.filter(region=village)
        assert grids.exists()
        for grid in grids:
            assert grid.organization.region == village
            assert grid.organization.kind in ("branch", "general_branch")


def test_two_committees_pass_but_for_one_village(demo):
    county = Region.objects.get(level=Region.Level.COUNTY)
    checks = village_checks(county, date.today())  # noqa: DTZ011 - the check page's "today"
    assert all(check.holds_both_chairs for check in checks)
    failing = [check for check in checks if not check.passed]
    assert len(failing) == 1
    assert sum(not ok for ok in failing[0].results.values()) == 1
    secretaries = CommitteePost.objects.filter(party_post="secretary")
    assert secretaries.count() == len(checks)
    assert not secretaries.filter(member__isnull=True).exists()


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("demo-county", Role.ADMIN),
        ("demo-township", Role.ADMIN),
        ("demo-branch", Role.BRANCH),
        ("demo-grid", Role.GRID_WORKER),
        ("demo-member", Role.MEMBER),
        ("demo-resident", Role.RESIDENT),
        ("demo-unit", Role.UNIT),
        ("demo-clerk", Role.CLERK),
    ],
)
def test_each_demo_login_holds_its_role(demo, username, role):
    user = User.objects.get(username=username)
    assert user.check_password(PASSWORD)
    assert user.display_name
    [assignment] = user.assignments.all()
    assert assignment.role == role
    assignment.full_clean()


def test_demo_logins_see_their_part_of_the_county(demo):
    def user(name: str) -> User:
        return User.objects.get(username=name)

    county, township = user("demo-county"), user("demo-township")
    assert visible(county, Member).count() == Member.objects.count()
    assert 0 < visible(township, Member).count() < Member.objects.count()
    assert 0 < visible(township, Household).count() < Household.objects.count()
    assert visible(user("demo-branch"), Member).exists()
    grid_households = visible(user("demo-grid"), Household)
    assert grid_households.exists()
    assert (
        grid_households.count()
        == Household.objects.filter(grid=user("demo-grid").assignments.get().grid).count()
    )
    member = user("demo-member").assignments.get().member
    assert member.household.grid == user("demo-grid").assignments.get().grid
    assert list(visible(user("demo-member"), Member)) == [member]
    assert visible(user("demo-resident"), Household).count() == 1
    assert visible(user("demo-unit"), Unit).count() == 1
    assert not visible(user("demo-clerk"), Member).exists()
    assert not User.objects.filter(username="demo-province").exists()


def test_the_load_is_audited(demo):
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.object_repr.startswith("演示数据载入")
    assert entry.region_path == Region.objects.get(level=Region.Level.COUNTY).path


def test_if_empty_loads_once():
    assert "演示账号" in load("--scale", "tiny", "--if-empty")
    counts = (Region.objects.count(), Member.objects.count(), User.objects.count())
    assert "未载入" in load("--scale", "tiny", "--if-empty")
    assert (Region.objects.count(), Member.objects.count(), User.objects.count()) == counts


def test_loading_twice_is_refused(demo):
    with pytest.raises(CommandError, match="已载入"):
        load("--scale", "tiny")


def test_the_province_scale_adds_a_province_admin():
    load("--scale", "tiny-province")
    assert Region.objects.filter(level=Region.Level.COUNTY).count() == 3
    admin = User.objects.get(username="demo-province")
    assert visible(admin, Household).count() == Household.objects.count() == 3 * 240
    county_admin = User.objects.get(username="demo-county")
    assert visible(county_admin, Household).count() == 240


def test_the_load_continues_after_existing_rows():
    other = tree.add_region(None, parent=None, name="南原省", code="990000", level="province")
    committee = tree.add_organization(
        None, parent=None, region=other, name="中共南原省委员会", code="O-99", kind="committee"
    )
    load("--scale", "tiny")
    assert (
        Region.objects.filter(depth=0).count() == Organization.objects.filter(depth=0).count() == 2
    )
    assert Region.objects.get(name="北原省").pk > other.pk
    assert Organization.objects.get(name="中共青山旗委员会").path > committee.path
    before = list(Region.objects.order_by("pk").values_list("own_organization_count"))
    recount()
    assert list(Region.objects.order_by("pk").values_list("own_organization_count")) == before


def test_a_code_clash_with_existing_rows_is_refused_whole(world):
    with pytest.raises(CommandError, match="冲突"):
        load("--scale", "tiny")
    assert Region.objects.count() == 8
    assert not User.objects.filter(username__startswith="demo-").exists()


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL")
def test_postgresql_sequences_continue_after_the_copied_keys(demo):
    village = Region.objects.filter(level=Region.Level.VILLAGE).first()
    grid = Grid.objects.filter(region=village).first()
    household = Household.objects.create(
        code="X1",
        head_name="新户",
        grid=grid,
        region=village,
        region_path=village.path,
        org_path=grid.org_path,
    )
    assert household.pk == Household.objects.order_by("-pk").values_list("pk", flat=True)[1] + 1
