"""The demo logins: one account per role, all in one village of the first township, so that a
visitor can look at the same place as a county admin, a branch, a grid worker, a member, a
resident, a service unit and a store clerk (README: "demo logins")."""

import random
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from accounts.models import Role, RoleAssignment, User
from core.paths import subtree_q
from demo import names
from orgs.models import Grid, Household, Member, Organization, Region, Unit

PASSWORD = "lingyan-demo"
USERNAMES = (
    "demo-province",
    "demo-county",
    "demo-township",
    "demo-branch",
    "demo-grid",
    "demo-member",
    "demo-resident",
    "demo-unit",
    "demo-clerk",
)


@dataclass(frozen=True)
class Cast:
    """The places and rows the demo logins act for."""

    county: Region
    township: Region
    village: Region
    branch: Organization
    grid: Grid
    member: Member
    household: Household
    unit: Unit


def cast_for(county: Region) -> Cast:
    """The first township of ``county``, its first village with that village's branch (or
    general branch), the first grid where one of the branch's members lives, that member, a
    neighbouring household of the same grid, and the county's first unit."""
    township = Region.objects.filter(parent=county).order_by("path").first()
    village = Region.objects.filter(parent=township).order_by("path").first()
    branch = Organization.objects.filter(region=village).order_by("path").first()
    if township is None or village is None or branch is None:
        raise LookupError(f"{county} has no township, village or branch for the demo logins")
    members = Member.objects.filter(subtree_q("org_path", branch.path)).order_by("id")
    for grid in Grid.objects.filter(region=village).order_by("code"):
        member = members.filter(household__grid=grid).first()
        if member is not None:
            break
    else:
        raise LookupError(f"no member of {branch} lives in a grid of {village}")
    household = (
        Household.objects.filter(grid=grid).filter(~Q(pk=member.household_id)).order_by("code")
    ).first() or member.household
    unit = Unit.objects.filter(region=county).order_by("code").first()
    if household is None or unit is None:
        raise LookupError(f"{county} has no household or unit for the demo logins")
    return Cast(county, township, village, branch, grid, member, household, unit)


def create_logins(cast: Cast, province: Region | None, seed: int) -> list[User]:
    """The demo accounts (password ``PASSWORD``), each with one role assignment; a province
    admin too when ``province`` is given."""
    grid_worker = names.person_name(
        random.Random(f"lingyan-demo:{seed}:grid-worker"), "female", 1990, False
    )
    village = cast.village
    accounts: list[tuple[str, str, Role, Region, dict[str, Any]]] = [
        ("demo-county", f"{cast.county.name}委组织部", Role.ADMIN, cast.county, {}),
        ("demo-township", f"{cast.township.name}党委", Role.ADMIN, cast.township, {}),
        ("demo-branch", cast.branch.name, Role.BRANCH, village, {"organization": cast.branch}),
        ("demo-grid", grid_worker, Role.GRID_WORKER, village, {"grid": cast.grid}),
        ("demo-member", cast.member.name, Role.MEMBER, village, {"member": cast.member}),
        (
            "demo-resident",
            f"{cast.household.head_name}户",
            Role.RESIDENT,
            village,
            {"household": cast.household},
        ),
        ("demo-unit", cast.unit.name, Role.UNIT, cast.county, {"unit": cast.unit}),
        ("demo-clerk", f"{village.name}爱心超市", Role.CLERK, village, {}),
    ]
    if province is not None:
        accounts.insert(0, ("demo-province", f"{province.name}委组织部", Role.ADMIN, province, {}))
    users = []
    for username, display_name, role, region, subject in accounts:
        user = User.objects.create_user(
            username=username, password=PASSWORD, display_name=display_name
        )
        assignment = RoleAssignment(user=user, role=role, region=region, **subject)
        assignment.full_clean()
        assignment.save()
        users.append(user)
    return users


def create_coverage_accounts(cast: Cast, seed: int) -> int:
    """An account for every other organization (branch account ``b-<组织代码>``) and grid
    (grid worker ``g-<网格编码>``) of the demo county — the documented ``demo-branch`` and
    ``demo-grid`` cover their own — all with the demo password, hashed once. Returns the
    number of accounts written."""
    from django.contrib.auth.hashers import make_password

    from accounts.domain.issuing import default_username

    county = cast.county
    password = make_password(PASSWORD)  # hashing 767 times would take minutes
    rng = random.Random(f"lingyan-demo:{seed}:coverage")
    planned: list[tuple[User, RoleAssignment]] = []
    organizations = (
        Organization.objects.filter(subtree_q("region_path", county.path))
        .exclude(pk=cast.branch.pk)
        .order_by("path")
    )
    for organization in organizations:
        user = User(
            username=default_username(Role.BRANCH, organization),
            display_name=organization.name[:100],
            password=password,
        )
        planned.append(
            (
                user,
                RoleAssignment(
                    role=Role.BRANCH,
                    region_id=organization.region_id,
                    organization=organization,
                ),
            )
        )
    grids = Grid.objects.filter(subtree_q("region_path", county.path)).exclude(pk=cast.grid.pk)
    for grid in grids.order_by("region_path", "code"):
        gender = rng.choice(("male", "female"))
        user = User(
            username=default_username(Role.GRID_WORKER, grid),
            display_name=names.person_name(rng, gender, rng.randrange(1970, 2000), False),
            password=password,
        )
        planned.append(
            (user, RoleAssignment(role=Role.GRID_WORKER, region_id=grid.region_id, grid=grid))
        )
    users = User.objects.bulk_create([user for user, _ in planned], batch_size=500)
    for user, (_, assignment) in zip(users, planned, strict=True):
        assignment.user = user
    RoleAssignment.objects.bulk_create([a for _, a in planned], batch_size=500)
    return len(planned)
