"""The two-committee structure check (seed 003, after the 2021 elections): each village's
current two committees have at least one college graduate, one woman and one member aged 35
or under ("35周岁以下" includes 35), and party members are more than half of the villagers'
committee. Shown per village and rolled up to any node as the number of villages passing."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.paths import SEGMENT, subtree_q
from orgs.models import COLLEGE_OR_ABOVE, CommitteePost, Gender, Region

CRITERIA = {
    "college": _("至少1名大学生"),
    "woman": _("至少1名女性"),
    "young": _("至少1名35周岁以下"),
    "party_majority": _("村(居)委会党员超过50%"),
}


@dataclass
class VillageCheck:
    region_id: int
    name: str
    path: str
    posts: int = 0
    college: int = 0
    women: int = 0
    young: int = 0
    villagers_committee: int = 0
    villagers_committee_party: int = 0
    both_chairs: int = 0

    @property
    def results(self) -> dict[str, bool]:
        return {
            "college": self.college >= 1,
            "woman": self.women >= 1,
            "young": self.young >= 1,
            "party_majority": self.villagers_committee_party * 2 > self.villagers_committee,
        }

    @property
    def passed(self) -> bool:
        return self.posts > 0 and all(self.results.values())

    @property
    def has_posts(self) -> bool:
        return self.posts > 0

    @property
    def holds_both_chairs(self) -> bool:
        return self.both_chairs > 0


@dataclass
class Rollup:
    region: Region
    villages: int = 0
    recorded: int = 0
    passed: int = 0
    both_chairs: int = 0
    per_criterion: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CRITERIA, 0))

    @property
    def all_recorded_pass(self) -> bool:
        """Every village with a recorded committee passes (true when none is recorded)."""
        return self.passed == self.recorded

    def add(self, check: VillageCheck) -> None:
        self.villages += 1
        if not check.has_posts:
            return
        self.recorded += 1
        self.passed += check.passed
        self.both_chairs += check.holds_both_chairs
        for key, ok in check.results.items():
            self.per_criterion[key] += ok


def _young_cutoff(today: date) -> date:
    """Born after this day: aged 35 or under on ``today``."""
    try:
        return today.replace(year=today.year - 36)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 36, day=28)


def village_checks(region: Region, today: date) -> list[VillageCheck]:
    """The check for every village in ``region``'s subtree, in tree order."""
    villages = (
        Region.objects.filter(subtree_q("path", region.path), level=Region.Level.VILLAGE)
        .order_by("path")
        .values_list("id", "name", "path")
    )
    checks = {pk: VillageCheck(pk, name, path) for pk, name, path in villages}
    current = Q(term_start__lte=today) & (Q(term_end__isnull=True) | Q(term_end__gte=today))
    in_villagers_committee = ~Q(villagers_post="")
    rows = (
        CommitteePost.objects.filter(current, subtree_q("region_path", region.path))
        .values("region_id")
        .annotate(
            posts=Count("pk"),
            college=Count("pk", filter=Q(education__in=COLLEGE_OR_ABOVE)),
            women=Count("pk", filter=Q(gender=Gender.FEMALE)),
            young=Count("pk", filter=Q(birth_date__gt=_young_cutoff(today))),
            villagers_committee=Count("pk", filter=in_villagers_committee),
            villagers_committee_party=Count(
                "pk", filter=in_villagers_committee & Q(is_party_member=True)
            ),
            both_chairs=Count(
                "pk",
                filter=Q(
                    party_post=CommitteePost.PartyPost.SECRETARY,
                    villagers_post=CommitteePost.VillagersPost.CHAIR,
                ),
            ),
        )
        .order_by()
    )
    for row in rows:
        check = checks.get(row.pop("region_id"))
        if check is not None:
            for key, value in row.items():
                setattr(check, key, value)
    return list(checks.values())


def rollup(region: Region, today: date) -> tuple[Rollup, list[Rollup]]:
    """The node's total and one line per child node."""
    checks = village_checks(region, today)
    total = Rollup(region)
    children = {
        child.path: Rollup(child) for child in Region.objects.filter(parent=region).order_by("path")
    }
    prefix_length = len(region.path) + SEGMENT
    for check in checks:
        total.add(check)
        child = children.get(check.path[:prefix_length])
        if child is not None:
            child.add(check)
    return total, list(children.values())
