"""The demo data generator: a fictional province of counties built like seed 003's 库伦旗.

Everything is drawn from ``random.Random`` seeded with the demo seed and the county's number,
so the same seed always gives the same province, and county 1 of the province is the county
of the county scale. Nothing here touches the database: ``generate`` yields rows (tuples in
the column order of ``COLUMNS``) with their primary keys and materialized paths already
assigned, county after county, and ``demo.loader`` writes them in bulk. Paths, copied paths
and codes follow what ``orgs.domain.tree`` and ``orgs.domain.people`` would have written.

One county holds, at the county scale: ~15 townships (镇, 苏木, 街道), ~210 villages and
communities, ~520 party organizations, ~10,000 members, ~60,000 households in ~250 grids,
the two committees of every village and a few service units.
"""

import math
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import accumulate
from typing import Any, NamedTuple, TypeVar

from django.db import models

from core.paths import encode_segment
from demo import names
from orgs.domain.committees import CRITERIA
from orgs.models import (
    CommitteePost,
    Education,
    Gender,
    Grid,
    Household,
    Member,
    Organization,
    Region,
    Unit,
)

Row = tuple[Any, ...]
T = TypeVar("T")
Batch = tuple[type[models.Model], Iterable[Row]]

# The columns each generated row fills, in order.
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Region: (
        "id", "parent_id", "path", "depth", "name", "code", "level", "own_member_count",
        "own_household_count", "own_organization_count", "own_grid_count",
    ),
    Organization: (
        "id", "parent_id", "path", "depth", "name", "code", "kind", "region_id", "region_path",
        "under_rectification", "founded_on", "closed_on",
    ),
    Unit: ("id", "name", "code", "region_id", "region_path", "contact_phone"),
    Grid: (
        "id", "name", "code", "region_id", "organization_id", "party_group_id", "region_path",
        "org_path",
    ),
    Member: (
        "id", "name", "gender", "birth_date", "id_number", "phone", "education", "status",
        "joined_on", "is_mobile", "mobile_location", "is_in_service", "workplace",
        "organization_id", "household_id", "region_id", "region_path", "org_path",
    ),
    Household: (
        "id", "code", "head_name", "head_id_number", "phone", "address", "size", "grid_id",
        "liaison_id", "region_id", "region_path", "org_path",
    ),
    CommitteePost: (
        "id", "region_id", "region_path", "name", "gender", "birth_date", "education",
        "is_party_member", "member_id", "party_post", "villagers_post", "term_start",
        "term_end",
    ),
}  # fmt: skip
MODELS = tuple(COLUMNS)

TERM_START = date(2021, 6, 1)  # the 2021 village elections (seed 003)
PROVINCE_CODE = "150000000000"
FIRST_PREFECTURE = 5  # 塞北盟 is 1505…, its first county 青山旗 150525…
FIRST_COUNTY = 25

# Share of each kind of member, from PRODUCT.md's brief and the seeds.
WOMEN = 0.24
PROBATIONARY = 0.08
MOBILE = {"village": 0.14, "community": 0.06}
IN_SERVICE = {"village": 0.015, "community": 0.24}
MONGOLIAN_NAMES = {"sumu": 0.35, "town_gacha": 0.25, "village": 0.08, "community": 0.10}
MEMBER_LIVES_IN_VILLAGE = 0.6  # members linked to a household of their village
LIAISON = 0.3  # households with a liaison member (党员联系户)
ORGAN_MEMBERS = 0.075  # members of the organs', schools' and hospitals' branches
UNDER_RECTIFICATION = 0.015  # weak and lax village organizations (seed 001: 7 targets)
FAILING_STRUCTURE = 0.10  # villages whose two committees fail one structure criterion

# ((lowest age, highest age), weight): rural members are older than organ staff
VILLAGE_AGES = [((20, 30), 7), ((31, 40), 13), ((41, 50), 18), ((51, 60), 24), ((61, 70), 22),
                ((71, 88), 16)]  # fmt: skip
ORGAN_AGES = [((23, 30), 20), ((31, 40), 30), ((41, 50), 28), ((51, 59), 22)]
EDUCATION_LEVELS = [level.value for level in Education]
# Education weights (primary … postgraduate) by birth cohort; organ staff by their own.
EDUCATION_BY_COHORT = [
    (1960, [45, 35, 15, 4, 1, 0]),
    (1980, [15, 45, 27, 8, 5, 0]),
    (9999, [4, 30, 34, 18, 13, 1]),
]
ORGAN_EDUCATION = [0, 2, 10, 30, 50, 8]
COLLEGE = {Education.COLLEGE.value, Education.BACHELOR.value, Education.POSTGRADUATE.value}
HOUSEHOLD_SIZES = [(1, 14), (2, 30), (3, 24), (4, 18), (5, 9), (6, 5)]


Level = Region.Level
OrganizationKind = Organization.Kind
MemberStatus = Member.Status
PartyPost = CommitteePost.PartyPost
VillagersPost = CommitteePost.VillagersPost

# The two committees' other seats: ((party post, villagers' post, party member), weight).
OTHER_SEATS = [
    ((PartyPost.MEMBER, VillagersPost.MEMBER, True), 40),  # in both committees (交叉任职)
    ((PartyPost.MEMBER, "", True), 20),
    (("", VillagersPost.MEMBER, True), 15),
    (("", VillagersPost.MEMBER, False), 25),
]


@dataclass(frozen=True)
class Scale:
    """How much to generate: the province's shape and what each county holds."""

    prefectures: int
    counties: int
    towns: int  # 镇 per county
    sumu: int  # 苏木 per county
    subdistricts: int  # 街道 per county
    communities_per_subdistrict: int
    communities_per_town: int
    villages: int  # villages and communities per county
    households: int  # per county
    members: int  # per county
    general_branches: int  # village general branches (党总支) per county
    party_groups: int  # per county
    township_organ_branches: int  # organs', schools' and hospitals' branches per township
    county_organ_branches: int
    units: int  # service units per county


COUNTY = Scale(
    prefectures=1,
    counties=1,
    towns=7,
    sumu=6,
    subdistricts=2,
    communities_per_subdistrict=6,
    communities_per_town=1,
    villages=210,
    households=60_000,
    members=10_000,
    general_branches=30,
    party_groups=160,
    township_organ_branches=3,
    county_organ_branches=15,
    units=8,
)
TINY = Scale(
    prefectures=1,
    counties=1,
    towns=1,
    sumu=1,
    subdistricts=1,
    communities_per_subdistrict=2,
    communities_per_town=1,
    villages=9,
    households=240,
    members=150,
    general_branches=1,
    party_groups=5,
    township_organ_branches=1,
    county_organ_branches=2,
    units=2,
)
# ``tiny`` and ``tiny-province`` are for tests; the command's help lists only the first two.
SCALES = {
    "county": COUNTY,
    "province": replace(COUNTY, prefectures=12, counties=100),
    "tiny": TINY,
    "tiny-province": replace(TINY, prefectures=2, counties=3),
}


class Keys:
    """Hands out primary keys, each table's continuing after its current maximum."""

    def __init__(self, last: dict[type[models.Model], int] | None = None) -> None:
        self.next_key = {model: (last or {}).get(model, 0) + 1 for model in MODELS}

    def take(self, model: type[models.Model], count: int = 1) -> int:
        """Reserve ``count`` consecutive keys; returns the first."""
        first = self.next_key[model]
        self.next_key[model] = first + count
        return first


@dataclass
class Node:
    """A region or organization being generated: its key and path, and how many children it
    has been given so far (its next child takes the next segment)."""

    id: int
    path: str
    name: str
    code: str
    region: "Node | None" = None  # an organization's region
    children: int = 0

    @property
    def depth(self) -> int:
        return len(self.path) // 4 - 1

    def next_child_path(self) -> str:
        self.children += 1
        return self.path + encode_segment(self.children - 1)


@dataclass(frozen=True)
class Start:
    """Where the generated rows continue what the database already holds."""

    keys: dict[type[models.Model], int] = field(default_factory=dict)  # current maximum id
    region_roots: int = 0  # root regions already present
    organization_roots: int = 0


@dataclass
class Chunk:
    """The rows of one part of the province (the province itself, or one county), ready to be
    written in one go."""

    label: str
    batches: Iterator[Batch]


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainders), each
    at least ``minimum``."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total too small for the minimum")
    scale = sum(weights)
    exact = [rest * weight / scale for weight in weights]
    shares = [math.floor(value) for value in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - exact[i])
    for index in by_remainder[: rest - sum(shares)]:
        shares[index] += 1
    return [low + share for low, share in zip(base, shares, strict=True)]


def weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    """One option drawn by weight."""
    return rng.choices([option for option, _ in options], [w for _, w in options])[0]


def day(ordinal: int) -> date:
    return date.fromordinal(ordinal)


def generate(scale: Scale, seed: int, as_of: date, start: Start | None = None) -> Iterator[Chunk]:
    """The province, then each county, as chunks of rows. ``as_of`` anchors ages and dates
    (the load date), ``start`` where keys and root paths continue."""
    start = start or Start()
    keys = Keys(start.keys)
    rng = random.Random(f"lingyan-demo:{seed}:province")
    province = Node(
        keys.take(Region), encode_segment(start.region_roots), names.PROVINCE_NAME, PROVINCE_CODE
    )
    prefectures = []
    for number in range(scale.prefectures):
        code = f"15{FIRST_PREFECTURE + number:02d}00000000"
        path = province.next_child_path()
        prefectures.append(Node(keys.take(Region), path, names.PREFECTURE_NAMES[number], code))
    yield Chunk(province.name, iter([(Region, province_rows(province, prefectures))]))

    county_names = names.county_names(rng, scale.counties)
    per_prefecture = apportion(scale.counties, [1.0] * scale.prefectures)
    county_number = 0
    for prefecture_number, (prefecture, count) in enumerate(
        zip(prefectures, per_prefecture, strict=True)
    ):
        for index in range(count):
            code = prefecture.code[:4] + f"{FIRST_COUNTY + index:02d}000000"
            county = CountyGenerator(
                seed=f"lingyan-demo:{seed}:county:{county_number}",
                scale=scale,
                keys=keys,
                as_of=as_of,
                prefecture=prefecture,
                prefecture_number=prefecture_number,
                name=county_names[county_number],
                code=code,
                organization_root=start.organization_roots + county_number,
                first=county_number == 0,
            )
            yield Chunk(county.name, county.batches())
            county_number += 1


def province_rows(province: Node, prefectures: list[Node]) -> list[Row]:
    rows = [region_row(province, None, Level.PROVINCE)]
    rows += [region_row(node, province, Level.PREFECTURE) for node in prefectures]
    return rows


def region_row(node: Node, parent: Node | None, level: str) -> Row:
    parent_id = parent.id if parent else None
    return (node.id, parent_id, node.path, node.depth, node.name, node.code, level, 0, 0, 0, 0)


@dataclass
class GridPlan:
    """A grid of a village and the range of the village's households in it."""

    id: int
    number: int  # 1-based within its village
    code: str
    first: int  # index of its first household within the village
    count: int
    party_group: Node | None = None


@dataclass
class Village:
    """A village or community being generated, and what lives in it."""

    node: Node
    community: bool
    mongolian: float  # share of Mongolian names among its people
    households: int = 0
    members: int = 0
    first_household: int = 0  # key of its first household
    organization: Node | None = None  # its branch or general branch
    branches: list[Node] = field(default_factory=list)  # the branches its members are in
    grids: list[GridPlan] = field(default_factory=list)
    at_home: list[int] = field(default_factory=list)  # keys of members not away (liaisons)
    secretaries: list["Candidate"] = field(default_factory=list)


@dataclass
class Township:
    node: Node
    kind: str  # "town" (镇), "sumu" (苏木) or "subdistrict" (街道)
    villages: list[Village] = field(default_factory=list)


class Candidate(NamedTuple):
    """A member at home, formal, aged 35–60: who may be a village's party secretary."""

    key: int
    name: str
    gender: str
    birth: date
    education: str
    age: int


@dataclass
class Seat:
    """One person in a village's two committees, before they are given a name."""

    party_post: str
    villagers_post: str
    is_party_member: bool
    gender: str = "male"
    age: int = 0
    education: str = ""
    member: Candidate | None = None


class CountyGenerator:
    """One county: townships, villages, organizations, grids, members, households, two
    committees and service units. Each step draws from its own random stream, so a step's
    output depends only on the seed, the county and the steps before it."""

    def __init__(
        self,
        *,
        seed: str,
        scale: Scale,
        keys: Keys,
        as_of: date,
        prefecture: Node,
        prefecture_number: int,
        name: str,
        code: str,
        organization_root: int,
        first: bool,
    ) -> None:
        self.seed = seed
        self.scale = scale
        self.keys = keys
        self.today = as_of.toordinal()
        self.area_code = f"04{70 + prefecture_number % 30}"
        self.first = first
        self.node = Node(keys.take(Region), prefecture.next_child_path(), name, code)
        self.code6 = code[:6]
        self.ids = names.IdNumbers(code)
        self.organization_root = organization_root
        self.organization_serial = 0
        self.regions: list[Row] = [region_row(self.node, prefecture, Level.COUNTY)]
        self.organizations: list[Row] = []
        self.townships: list[Township] = []
        self.villages: list[Village] = []
        self.organ_branches: list[Node] = []
        self.workplaces = [name + organ for organ in names.COUNTY_ORGANS[3:]]

    @property
    def name(self) -> str:
        return self.node.name

    def stream(self, step: str) -> random.Random:
        return random.Random(f"{self.seed}:{step}")

    def batches(self) -> Iterator[Batch]:
        """The county's rows, table by table; households are made while they are written."""
        self.add_places()
        self.add_organizations()
        self.add_grids()
        members = self.member_rows()
        yield Region, self.regions
        yield Organization, self.organizations
        yield Unit, self.unit_rows()
        yield Grid, self.grid_rows()
        yield Member, members
        yield Household, self.household_rows()
        yield CommitteePost, self.committee_rows()

    # Places ---------------------------------------------------------------------------

    def add_region(self, parent: Node, name: str, code: str, level: str) -> Node:
        node = Node(self.keys.take(Region), parent.next_child_path(), name, code)
        self.regions.append(region_row(node, parent, level))
        return node

    def add_places(self) -> None:
        """Townships (镇 first, then 苏木, then 街道) and their villages and communities;
        how many households and members each village has."""
        rng, scale = self.stream("places"), self.scale
        mongolian = names.mongolian_compounds()
        chinese = names.chinese_village_stems()
        urban = list(names.URBAN_STEMS)
        towns = list(names.TOWN_STEMS)
        for pool in (mongolian, chinese, urban, towns):
            rng.shuffle(pool)
        if self.first:
            towns.remove(names.FIRST_TOWNSHIP_STEM)
            towns.insert(0, names.FIRST_TOWNSHIP_STEM)
        kinds = ["town"] * scale.towns + ["sumu"] * scale.sumu
        kinds += ["subdistrict"] * scale.subdistricts
        communities = {
            "town": scale.communities_per_town,
            "sumu": 0,
            "subdistrict": scale.communities_per_subdistrict,
        }
        rural_kinds = [kind for kind in kinds if kind != "subdistrict"]
        rural_total = scale.villages - sum(communities[kind] for kind in kinds)
        rural = iter(apportion(rural_total, [rng.uniform(0.7, 1.3) for _ in rural_kinds], 1))
        serial = {"subdistrict": 0, "town": 99, "sumu": 199}  # 街道 0xx, 镇 1xx, 苏木 2xx
        for kind in kinds:
            serial[kind] += 1
            stem = {"town": towns, "sumu": mongolian, "subdistrict": urban}[kind].pop(0)
            suffix = {"town": "镇", "sumu": "苏木", "subdistrict": "街道"}[kind]
            code = f"{self.code6}{serial[kind]:03d}000"
            node = self.add_region(self.node, stem + suffix, code, Level.TOWNSHIP)
            township = Township(node, kind)
            self.townships.append(township)
            places: list[tuple[str, bool, float]] = []
            for _ in range(0 if kind == "subdistrict" else next(rural)):
                if kind == "sumu" or rng.random() < 0.4:
                    share = MONGOLIAN_NAMES["sumu" if kind == "sumu" else "town_gacha"]
                    places.append((mongolian.pop() + "嘎查", False, share))
                else:
                    places.append((chinese.pop() + "村", False, MONGOLIAN_NAMES["village"]))
            for _ in range(communities[kind]):
                places.append((urban.pop() + "社区", True, MONGOLIAN_NAMES["community"]))
            numbers = {False: 200, True: 0}  # 村/嘎查 committees 2xx, 居委会 0xx
            for place_name, community, share in places:
                numbers[community] += 1
                village_code = code[:9] + f"{numbers[community]:03d}"
                village_node = self.add_region(node, place_name, village_code, Level.VILLAGE)
                village = Village(village_node, community, share)
                township.villages.append(village)
                self.villages.append(village)
        self.size_villages(rng)

    def size_villages(self, rng: random.Random) -> None:
        """Households: communities four times a village, villages spread log-normally.
        Members: in proportion to the square root of households, give or take."""
        scale, villages = self.scale, self.villages
        weights = [
            rng.uniform(3, 6) if village.community else rng.lognormvariate(0, 0.45)
            for village in villages
        ]
        least = min(20, scale.households // len(villages) // 2)
        for village, count in zip(
            villages, apportion(scale.households, weights, least), strict=True
        ):
            village.households = count
        village_members = scale.members - round(scale.members * ORGAN_MEMBERS)
        weights = [
            math.sqrt(village.households)
            * rng.uniform(0.7, 1.3)
            * (1.3 if village.community else 1)
            for village in villages
        ]
        least = min(3, village_members // len(villages))
        for village, count in zip(
            villages, apportion(village_members, weights, least), strict=True
        ):
            village.members = count

    # Organizations --------------------------------------------------------------------

    def add_organization(
        self,
        rng: random.Random,
        parent: Node | None,
        region: Node,
        name: str,
        kind: str,
        founded_after: int,
        under_rectification: bool = False,
    ) -> Node:
        """A party organization leading ``region``, founded some time after the year
        ``founded_after``; the last child of ``parent`` (a new root when ``None``)."""
        self.organization_serial += 1
        path = parent.next_child_path() if parent else encode_segment(self.organization_root)
        code = f"{self.code6}{self.organization_serial:05d}"
        node = Node(self.keys.take(Organization), path, name, code, region=region)
        first_day = date(founded_after, 1, 1).toordinal()
        founded_on = day(first_day + rng.randrange(max(365, self.today - first_day) // 3))
        parent_id = parent.id if parent else None
        self.organizations.append(
            (node.id, parent_id, node.path, node.depth, name, code, kind, region.id,
             region.path, under_rectification, founded_on, None)
        )  # fmt: skip
        return node

    def add_organizations(self) -> None:
        """The county committee at the root; a committee per township; a branch per village
        — a general branch (党总支) with 2–3 branches where members are most numerous; the
        branches of township and county organs, schools and hospitals."""
        rng, scale, add = self.stream("organizations"), self.scale, self.add_organization
        Kind = OrganizationKind
        county = self.node
        committee = add(rng, None, county, f"中共{county.name}委员会", Kind.COMMITTEE, 1947)
        by_members = sorted(self.villages, key=lambda village: -village.members)
        general = {village.node.id for village in by_members[: scale.general_branches]}
        weak = round(len(self.villages) * UNDER_RECTIFICATION)
        rectifying = {village.node.id for village in rng.sample(self.villages, weak)}
        for township in self.townships:
            name = township.node.name
            township_committee = add(
                rng, committee, township.node, f"中共{name}委员会", Kind.COMMITTEE, 1950
            )
            for village in township.villages:
                place = village.node
                if place.id in general:
                    kind, title = Kind.GENERAL_BRANCH, place.name + "党总支"
                else:
                    kind, title = Kind.BRANCH, place.name + "党支部"
                top = add(rng, township_committee, place, title, kind, 1960, place.id in rectifying)
                village.organization = top
                village.branches = [top]
                if kind == Kind.GENERAL_BRANCH:
                    village.branches = [
                        add(rng, top, place, f"{place.name}{names.ordinal(n)}党支部", Kind.BRANCH,
                            1995)
                        for n in range(1, rng.randint(2, 3) + 1)
                    ]  # fmt: skip
            for organ in names.TOWNSHIP_ORGANS[: scale.township_organ_branches]:
                title = f"{name}{organ}党支部"
                branch = add(rng, township_committee, township.node, title, Kind.BRANCH, 1960)
                self.organ_branches.append(branch)
        for organ in names.COUNTY_ORGANS[: scale.county_organ_branches]:
            branch = add(rng, committee, county, f"{county.name}{organ}党支部", Kind.BRANCH, 1950)
            self.organ_branches.append(branch)

    def add_grids(self) -> None:
        """One grid per village, two where households are many; party groups (党小组) for
        some grids, under the branch that leads them; keys for every household."""
        rng, scale = self.stream("grids"), self.scale
        two_grids = 1.25 * scale.households / scale.villages
        next_household = self.keys.take(Household, sum(v.households for v in self.villages))
        grids: list[tuple[Village, GridPlan]] = []
        for village in self.villages:
            village.first_household = next_household
            next_household += village.households
            count = 2 if village.households >= two_grids else 1
            first = 0
            for number, size in enumerate(apportion(village.households, [1.0] * count), 1):
                grid = GridPlan(
                    self.keys.take(Grid), number, f"{village.node.code}{number:02d}", first, size
                )
                village.grids.append(grid)
                grids.append((village, grid))
                first += size
        chosen = sorted(rng.sample(range(len(grids)), min(scale.party_groups, len(grids))))
        for index in chosen:
            village, grid = grids[index]
            branch = village.branches[(grid.number - 1) % len(village.branches)]
            group_name = f"{branch.name}{names.ordinal(branch.children + 1)}党小组"
            grid.party_group = self.add_organization(
                rng, branch, village.node, group_name, OrganizationKind.GROUP, 2008
            )

    def grid_rows(self) -> list[Row]:
        rows = []
        for village in self.villages:
            place, leader = village.node, village.organization
            assert leader is not None
            for grid in village.grids:
                group = grid.party_group.id if grid.party_group else None
                name = f"{place.name}{names.ordinal(grid.number)}网格"
                rows.append(
                    (grid.id, name, grid.code, place.id, leader.id, group, place.path, leader.path)
                )
        return rows

    # People ---------------------------------------------------------------------------

    def birth(self, rng: random.Random, age: int) -> date:
        """A birth date for someone ``age`` years old on the load date."""
        return day(self.today - int((age + rng.random()) * 365.2425))

    def member_rows(self) -> list[Row]:
        """The members of every village's branches, then of the organ branches."""
        rng = self.stream("members")
        rows = []
        for village in self.villages:
            shares = apportion(village.members, [rng.uniform(0.8, 1.2) for _ in village.branches])
            for branch, count in zip(village.branches, shares, strict=True):
                rows += [self.member(rng, branch, village) for _ in range(count)]
        organ_total = self.scale.members - sum(village.members for village in self.villages)
        weights = [rng.uniform(0.6, 1.4) for _ in self.organ_branches]
        least = min(3, organ_total // max(1, len(self.organ_branches)))
        for branch, count in zip(
            self.organ_branches, apportion(organ_total, weights, least), strict=True
        ):
            rows += [self.member(rng, branch, None) for _ in range(count)]
        return rows

    def member(self, rng: random.Random, branch: Node, village: Village | None) -> Row:
        """One member of ``branch``: a villager when ``village`` is given, organ staff when
        not. Probationary members joined within the last year; mobile members are away."""
        key = self.keys.take(Member)
        where = "community" if village is not None and village.community else "village"
        probationary = rng.random() < PROBATIONARY
        mobile = village is not None and not probationary and rng.random() < MOBILE[where]
        in_service = village is not None and not mobile and rng.random() < IN_SERVICE[where]
        if probationary:
            age = rng.randint(20, 38)
        elif mobile:
            age = rng.randint(22, 52)
        elif in_service:
            age = rng.randint(25, 56)
        else:
            low, high = weighted(rng, VILLAGE_AGES if village is not None else ORGAN_AGES)
            age = rng.randint(low, high)
        gender = "female" if rng.random() < (WOMEN if village is not None else 0.35) else "male"
        birth = self.birth(rng, age)
        staff = village is None or in_service
        education = self.education(rng, birth.year, staff)
        if probationary:
            joined = day(self.today - rng.randint(20, 360))
        else:
            joined_at = rng.randint(19, max(19, min(age - 1, 50))) + rng.random()
            latest = self.today - 366
            joined = day(min(birth.toordinal() + int(joined_at * 365.2425), latest))
        share = village.mongolian if village is not None else 0.05
        status = MemberStatus.PROBATIONARY if probationary else MemberStatus.FORMAL
        name = names.person_name(rng, gender, birth.year, rng.random() < share)
        household = None
        if village is not None:
            if rng.random() < MEMBER_LIVES_IN_VILLAGE:
                household = village.first_household + rng.randrange(village.households)
            if not mobile:
                village.at_home.append(key)
                if not probationary and 35 <= age <= 60:
                    village.secretaries.append(Candidate(key, name, gender, birth, education, age))
        region = branch.region
        assert region is not None
        return (
            key,
            name,
            gender,
            birth,
            self.ids.issue(birth, gender),
            names.mobile_phone(rng),
            education,
            status,
            joined,
            mobile,
            rng.choice(names.MOBILE_LOCATIONS) if mobile else "",
            in_service,
            rng.choice(self.workplaces) if in_service else "",
            branch.id,
            household,
            region.id,
            region.path,
            branch.path,
        )

    def education(self, rng: random.Random, birth_year: int, staff: bool) -> str:
        if staff:
            weights = ORGAN_EDUCATION
        else:
            weights = next(w for before, w in EDUCATION_BY_COHORT if birth_year < before)
        return rng.choices(EDUCATION_LEVELS, weights)[0]

    def household_rows(self) -> Iterator[Row]:
        """Every household of every grid; about a third with a liaison member."""
        rng = self.stream("households")
        sizes = [size for size, _ in HOUSEHOLD_SIZES]
        size_weights = list(accumulate(weight for _, weight in HOUSEHOLD_SIZES))
        for village in self.villages:
            place, leader = village.node, village.organization
            assert leader is not None
            for grid in village.grids:
                group_name = names.ordinal(grid.number)[1:] + "组"
                for index in range(grid.first, grid.first + grid.count):
                    gender = "male" if rng.random() < 0.85 else "female"
                    birth = self.birth(rng, rng.randint(28, 82))
                    name = names.person_name(
                        rng, gender, birth.year, rng.random() < village.mongolian
                    )
                    liaison = None
                    if village.at_home and rng.random() < LIAISON:
                        liaison = rng.choice(village.at_home)
                    yield (
                        village.first_household + index,
                        f"{place.code}{index + 1:04d}",
                        name,
                        self.ids.issue(birth, gender),
                        names.mobile_phone(rng),
                        f"{place.name}{group_name}{index - grid.first + 1}号",
                        rng.choices(sizes, cum_weights=size_weights)[0],
                        grid.id,
                        liaison,
                        place.id,
                        place.path,
                        leader.path,
                    )

    # Two committees -------------------------------------------------------------------

    def committee_rows(self) -> Iterator[Row]:
        """The current two committees of every village (term from 2021-06-01, 一肩挑
        everywhere). About 90% pass the structure check; the rest fail one criterion each,
        taken in turn, so the check page has something true to show."""
        rng = self.stream("committees")
        failing = sorted(
            rng.sample(range(len(self.villages)), round(len(self.villages) * FAILING_STRUCTURE))
        )
        criteria = list(CRITERIA)
        fails = {index: criteria[n % len(criteria)] for n, index in enumerate(failing)}
        for index, village in enumerate(self.villages):
            yield from self.two_committees(rng, village, fails.get(index))

    def two_committees(self, rng: random.Random, village: Village, fail: str | None) -> list[Row]:
        """5–9 people: the secretary who also chairs the villagers' committee (a member of
        the village's branches when one fits), a deputy secretary, and members of either
        committee or both. ``fail`` names the structure criterion to miss, if any."""
        deputy_post = VillagersPost.VICE_CHAIR if rng.random() < 0.5 else ""
        seats = [
            Seat(PartyPost.SECRETARY, VillagersPost.CHAIR, True, age=rng.randint(38, 58)),
            Seat(PartyPost.DEPUTY, deputy_post, True),
        ]
        seats += [Seat(*weighted(rng, OTHER_SEATS)) for _ in range(rng.randint(3, 7))]
        for seat in seats[1:]:
            seat.gender = "female" if rng.random() < 0.2 else "male"
            seat.age = rng.randint(28, 60)
        for seat in seats:
            seat.education = self.education(rng, self.year_born(seat.age), False)
        fit = [
            candidate
            for candidate in village.secretaries
            if (fail != "woman" or candidate.gender == "male")
            and (fail != "college" or candidate.education not in COLLEGE)
            and (fail != "young" or candidate.age >= 38)
        ]
        secretary, others = seats[0], seats[1:]
        if fit:
            secretary.member = candidate = rng.choice(fit)
            secretary.gender, secretary.education = candidate.gender, candidate.education
            secretary.age = candidate.age
        if not any(seat.gender == "female" for seat in seats):
            rng.choice(others).gender = "female"
        if not any(seat.age <= 33 for seat in seats):
            rng.choice(others).age = rng.randint(26, 33)
        if not any(seat.education in COLLEGE for seat in seats):
            youngest = min(others, key=lambda seat: seat.age)
            youngest.education = rng.choice([Education.COLLEGE, Education.BACHELOR])
        villagers = [seat for seat in seats if seat.villagers_post]
        for seat in villagers:
            if 2 * sum(s.is_party_member for s in villagers) > len(villagers):
                break
            seat.is_party_member = True
        if fail is not None:
            self.break_criterion(rng, seats, fail)
        rows = []
        for seat in seats:
            if seat.member is not None:
                member_key, name, birth = seat.member.key, seat.member.name, seat.member.birth
            else:
                member_key, birth = None, self.birth(rng, seat.age)
                name = names.person_name(
                    rng, seat.gender, birth.year, rng.random() < village.mongolian
                )
            rows.append(
                (
                    self.keys.take(CommitteePost),
                    village.node.id,
                    village.node.path,
                    name,
                    seat.gender,
                    birth,
                    seat.education,
                    seat.is_party_member,
                    member_key,
                    seat.party_post,
                    seat.villagers_post,
                    TERM_START,
                    None,
                )
            )
        return rows

    def year_born(self, age: int) -> int:
        return day(self.today).year - age

    def break_criterion(self, rng: random.Random, seats: list[Seat], criterion: str) -> None:
        """Make the committee fail ``criterion`` and only it (the secretary was chosen to
        fit)."""
        if criterion == "college":
            for seat in seats:
                if seat.education in COLLEGE:
                    seat.education = Education.SENIOR
        elif criterion == "woman":
            for seat in seats:
                seat.gender = Gender.MALE
        elif criterion == "young":
            for seat in seats:
                if seat.age < 38:
                    seat.age = rng.randint(38, 55)
        else:  # party members no more than half of the villagers' committee
            seats[1].villagers_post = ""
            for seat in seats[2:]:
                if seat.party_post:
                    seat.villagers_post = ""
                else:
                    seat.is_party_member = False
            if not any(seat.villagers_post for seat in seats[1:]):
                last = seats[-1]
                last.party_post, last.villagers_post = "", VillagersPost.MEMBER
                last.is_party_member = False

    # Units ----------------------------------------------------------------------------

    def unit_rows(self) -> list[Row]:
        """County departments that accept dispatched requests, and the power company."""
        rng = self.stream("units")
        county = self.node
        departments = [county.name + name for name in names.COUNTY_UNITS[: self.scale.units - 1]]
        departments.append(f"国网{county.name}供电公司")
        return [
            (
                self.keys.take(Unit),
                name,
                f"{self.code6}U{number:02d}",
                county.id,
                county.path,
                f"{self.area_code}-{rng.randrange(2_000_000, 9_000_000)}",
            )
            for number, name in enumerate(departments, 1)
        ]
