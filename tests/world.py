"""A small county for tests, built through the domain functions, with the named personas
every view test uses (STYLE.md: the outsider case in every test).

    县 青山旗 (county admin: ``county_admin``)
    ├── 乡 东风镇 (``township_admin``)            ← the personas below live here
    │   ├── 村 红旗村: branch 红旗村党支部 (``branch``), grid 红旗村第一网格 (``grid_worker``),
    │   │             households, members (``member``), a resident (``resident``), clerk
    │   └── 村 向阳村: another branch and grid, in the same township
    └── 乡 西河镇 (``outsider``: admin of the other township), 村 柳树村 with its own rows
    unit: 青山旗农牧局 (``unit``), serving the county
"""

from dataclasses import dataclass
from datetime import date
from itertools import count

from accounts.models import Role, RoleAssignment, User
from core.idnumbers import complete
from orgs.domain import people, tree
from orgs.models import Grid, Household, Member, Organization, Region, Unit

PASSWORD = "lingyan-test-pass"
_serial = count(1)


def make_user(username: str, role: str, region: Region, **subject) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
    RoleAssignment.objects.create(user=user, role=role, region=region, **subject)
    return user


def add_member(organization: Organization, name: str, **fields) -> Member:
    serial = next(_serial)
    values = {
        "gender": "male",
        "birth_date": date(1980, 1, 1),
        "id_number": complete(f"15052519800101{serial % 1000:03d}"),
        "phone": f"1390000{serial:04d}",
        "education": "senior",
        "status": Member.Status.FORMAL,
        "joined_on": date(2005, 7, 1),
    }
    values.update(fields)
    return people.create(None, Member, organization=organization, name=name, **values)


def add_household(grid: Grid, head_name: str, **fields) -> Household:
    serial = next(_serial)
    values = {
        "code": f"H{serial:06d}",
        "head_id_number": complete(f"15052519700101{serial % 1000:03d}"),
        "phone": f"1380000{serial:04d}",
        "size": 3,
    }
    values.update(fields)
    return people.create(None, Household, grid=grid, head_name=head_name, **values)


@dataclass
class World:
    province: Region
    county: Region
    township: Region
    other_township: Region
    village: Region
    neighbour_village: Region
    outsider_village: Region
    county_committee: Organization
    township_committee: Organization
    branch_org: Organization
    neighbour_branch_org: Organization
    outsider_branch_org: Organization
    grid: Grid
    neighbour_grid: Grid
    outsider_grid: Grid
    member_person: Member
    neighbour_member: Member
    outsider_member: Member
    household: Household
    other_household_same_grid: Household
    neighbour_household: Household
    outsider_household: Household
    unit_org: Unit
    county_admin: User
    township_admin: User
    outsider: User
    branch: User
    grid_worker: User
    member: User
    resident: User
    unit: User
    clerk: User


def build_world() -> World:
    add_region = tree.add_region
    province = add_region(None, parent=None, name="北原省", code="150000", level="province")
    prefecture = add_region(None, parent=province, name="塞北盟", code="150500", level="prefecture")
    county = add_region(None, parent=prefecture, name="青山旗", code="150525", level="county")
    township = add_region(None, parent=county, name="东风镇", code="150525100", level="township")
    other = add_region(None, parent=county, name="西河镇", code="150525200", level="township")
    village = add_region(None, parent=township, name="红旗村", code="150525100001", level="village")
    neighbour = add_region(
        None, parent=township, name="向阳村", code="150525100002", level="village"
    )
    outsider_village = add_region(
        None, parent=other, name="柳树村", code="150525200001", level="village"
    )

    add_org = tree.add_organization
    county_committee = add_org(
        None, parent=None, region=county, name="中共青山旗委员会", code="O-C", kind="committee"
    )
    township_committee = add_org(
        None,
        parent=county_committee,
        region=township,
        name="中共东风镇委员会",
        code="O-T1",
        kind="committee",
    )
    other_committee = add_org(
        None,
        parent=county_committee,
        region=other,
        name="中共西河镇委员会",
        code="O-T2",
        kind="committee",
    )
    branch_org = add_org(
        None,
        parent=township_committee,
        region=village,
        name="红旗村党支部",
        code="O-V1",
        kind="branch",
    )
    neighbour_branch = add_org(
        None,
        parent=township_committee,
        region=neighbour,
        name="向阳村党支部",
        code="O-V2",
        kind="branch",
    )
    outsider_branch = add_org(
        None,
        parent=other_committee,
        region=outsider_village,
        name="柳树村党支部",
        code="O-V3",
        kind="branch",
    )

    def add_grid(region, organization, name, code):
        return people.create(
            None, Grid, region=region, organization=organization, name=name, code=code
        )

    grid = add_grid(village, branch_org, "红旗村第一网格", "G-1")
    neighbour_grid = add_grid(neighbour, neighbour_branch, "向阳村第一网格", "G-2")
    outsider_grid = add_grid(outsider_village, outsider_branch, "柳树村第一网格", "G-3")

    household = add_household(grid, "王建国")
    same_grid = add_household(grid, "李秀英")
    neighbour_household = add_household(neighbour_grid, "赵德胜")
    outsider_household = add_household(outsider_grid, "孙玉兰")

    member_person = add_member(branch_org, "张红梅", gender="female", household=household)
    neighbour_member = add_member(neighbour_branch, "刘志强")
    outsider_member = add_member(outsider_branch, "陈海")

    unit = people.create_unit(None, region=county, name="青山旗农牧局", code="U-1")

    return World(
        province=province,
        county=county,
        township=township,
        other_township=other,
        village=village,
        neighbour_village=neighbour,
        outsider_village=outsider_village,
        county_committee=county_committee,
        township_committee=township_committee,
        branch_org=branch_org,
        neighbour_branch_org=neighbour_branch,
        outsider_branch_org=outsider_branch,
        grid=grid,
        neighbour_grid=neighbour_grid,
        outsider_grid=outsider_grid,
        member_person=member_person,
        neighbour_member=neighbour_member,
        outsider_member=outsider_member,
        household=household,
        other_household_same_grid=same_grid,
        neighbour_household=neighbour_household,
        outsider_household=outsider_household,
        unit_org=unit,
        county_admin=make_user("alice", Role.ADMIN, county),
        township_admin=make_user("bob", Role.ADMIN, township),
        outsider=make_user("charlie", Role.ADMIN, other),
        branch=make_user("branch", Role.BRANCH, village, organization=branch_org),
        grid_worker=make_user("gridder", Role.GRID_WORKER, village, grid=grid),
        member=make_user("member", Role.MEMBER, village, member=member_person),
        resident=make_user("resident", Role.RESIDENT, village, household=household),
        unit=make_user("unit", Role.UNIT, county, unit=unit),
        clerk=make_user("clerk", Role.CLERK, village),
    )
