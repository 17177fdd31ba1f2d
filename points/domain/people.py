"""A person's own scores (seed 004's three classes, 人员分类): whom the signed-in user is in
the points system — a party member (their member record, scored through their household),
a grid worker (their grids) — with their points and ranks in the quarter and the year. A
resident's own page is their household's (``views.household``)."""

from dataclasses import dataclass, field

from django.db.models import Q

from accounts.scope import scope_for, visible
from orgs.models import Grid, Member
from points.domain import rankings
from points.domain.rankings import PersonClass, Ranked
from points.domain.spans import PointsPeriod


@dataclass
class OwnSubjects:
    """The user's subjects of one class: id → name, their region paths, and the filter of
    their ledger rows and proposals."""

    person_class: str
    names: dict[int, str]
    places: list[str]
    rows: Q
    standings: dict[int, list[tuple[PointsPeriod, Ranked | None]]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(PersonClass(self.person_class).label)


def own_subjects(user) -> list[OwnSubjects]:
    """The member records and grids the user holds a role for (through the scope)."""
    scope = scope_for(user)
    found = []
    members = list(
        visible(user, Member)
        .filter(pk__in=sorted(scope.member_ids), household__isnull=False)
        .select_related("household")
    )
    if members:
        found.append(
            OwnSubjects(
                PersonClass.MEMBER,
                {m.pk: m.name for m in members},
                [m.household.region_path for m in members if m.household is not None],
                Q(member_id__in=[m.pk for m in members]),
            )
        )
    grids = list(visible(user, Grid).filter(pk__in=sorted(scope.grid_ids)).order_by("code"))
    if grids:
        found.append(
            OwnSubjects(
                PersonClass.GRID_WORKER,
                {g.pk: g.name for g in grids},
                [g.region_path for g in grids],
                Q(grid_id__in=[g.pk for g in grids], household__isnull=True),
            )
        )
    return found


def with_standings(subjects: OwnSubjects, periods: list[PointsPeriod]) -> OwnSubjects:
    """Each subject's ranked row per period (None: no score in it) — one ranking statement
    per period over the smallest region holding the subjects."""
    by_period = [
        rankings.ranks_of(subjects.person_class, sorted(subjects.names), subjects.places, period)
        for period in periods
    ]
    subjects.standings = {
        pk: [(period, ranked.get(pk)) for period, ranked in zip(periods, by_period, strict=True)]
        for pk in subjects.names
    }
    return subjects
