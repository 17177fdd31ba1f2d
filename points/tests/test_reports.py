"""The points reports: period tallies per grid, village, township and county, rankings with
ties, a household's own rank, the three linkages' lists with their reasons, and the Excel
exports — all read from a ledger written through the review chain."""

from datetime import date
from io import BytesIO
from unittest import mock

import pytest
from openpyxl import load_workbook

from points.domain import linkages, rankings, tallies
from points.domain.ledger import reverse_entry
from points.domain.spans import Span, parse_period, period_of
from points.linkage_models import PointsPolicy
from points.tests.reports_helpers import install, score
from tests.world import add_household, add_member

TODAY = date(2026, 3, 20)
Q1 = period_of(TODAY, Span.QUARTER)


@pytest.fixture(autouse=True)
def _in_march():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


@pytest.fixture
def villages(world):
    """红旗村 and 向阳村 (the same township) with the default rulebook and a store."""
    since = date(2025, 1, 1)
    install(world.branch, world.village, since=since)
    install(world.township_admin, world.neighbour_village, since=since)
    return world


def scored(world, household, code, times=1, day=TODAY):
    reviewer = world.branch if household.region_id == world.village.pk else world.township_admin
    proposer = world.grid_worker if household.grid_id == world.grid.pk else world.township_admin
    return score(proposer, reviewer, household, code, times, day=day)


# --- periods ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "key", "start", "end"),
    [
        ("week", "2026-W12", date(2026, 3, 16), date(2026, 3, 22)),
        ("month", "2026-03", date(2026, 3, 1), date(2026, 3, 31)),
        ("quarter", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("year", "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_it_names_each_span_by_a_key_that_parses_back(span, key, start, end):
    period = period_of(TODAY, span)
    assert (period.key, period.start, period.end) == (key, start, end)
    assert parse_period(span, key) == period
    assert period.next().previous() == period


def test_it_refuses_malformed_period_keys():
    assert parse_period("quarter", "2026-Q5") is None
    assert parse_period("week", "2026-W54") is None
    assert parse_period("month", "2026-13") is None
    assert parse_period("fortnight", "2026") is None


def test_a_week_that_straddles_new_year_belongs_to_its_iso_year():
    week = period_of(date(2027, 1, 1), Span.WEEK)
    assert (week.key, week.start, week.end) == ("2026-W53", date(2026, 12, 28), date(2027, 1, 3))


# --- tallies ----------------------------------------------------------------------------


def test_it_tallies_the_quarterly_review_by_household_grid_and_region(villages):
    w = villages
    scored(w, w.household, "X02", 2)  # +100: reaches the 80-point threshold
    scored(w, w.household, "F01")  # −10 (a veto item)
    scored(w, w.other_household_same_grid, "X01", 3)  # +30
    scored(w, w.neighbour_household, "X02")  # +50

    grid = tallies.tally(w.grid, Q1)
    by_household = {row.key: row for row in grid.rows}
    assert grid.by == "household"
    mine = by_household[w.household.pk]
    assert (mine.points, mine.plus, mine.minus, mine.entries, mine.reached) == (90, 100, -10, 2, 1)
    assert by_household[w.other_household_same_grid.pk].points == 30
    assert grid.total.points == 120 and grid.total.reached == 1

    village = tallies.tally(w.village, Q1)
    assert [(row.name, row.points, row.households) for row in village.rows] == [
        ("红旗村第一网格", 120, 2)
    ]
    township = tallies.tally(w.township, Q1)
    assert {row.name: row.points for row in township.rows} == {"红旗村": 120, "向阳村": 50}
    county = tallies.tally(w.county, Q1)
    assert {row.name: row.points for row in county.rows} == {"东风镇": 170, "西河镇": 0}


def test_only_approved_scores_count_and_pending_ones_are_shown_apart(villages, world):
    from points.domain.proposals import ProposalInput, propose_entries
    from points.tests.conftest import a_photo

    rule = world.village.rulebooks.get().rules.get(code="X02")
    propose_entries(
        world.grid_worker,
        [ProposalInput(household=world.household, rule=rule, occurred_on=TODAY, photo=a_photo())],
    )
    row = tallies.tally(world.grid, Q1).total
    assert (row.points, row.pending_count, row.pending_points) == (0, 1, 50)


def test_a_reversal_counts_in_the_period_it_is_recorded(villages, world):
    entry = scored(world, world.household, "X02", day=date(2025, 12, 10))
    reverse_entry(world.branch, entry, "重复采分")
    assert tallies.tally(world.grid, period_of(date(2025, 12, 1), Span.QUARTER)).total.points == 50
    assert tallies.tally(world.grid, Q1).total.points == -50


def test_a_month_tally_and_a_week_tally_split_the_quarter(villages, world):
    scored(world, world.household, "X01", day=date(2026, 2, 3))
    scored(world, world.household, "X01", 2, day=TODAY)
    month = tallies.tally(world.grid, period_of(TODAY, Span.MONTH)).total
    week = tallies.tally(world.grid, period_of(date(2026, 2, 3), Span.WEEK)).total
    assert (month.points, week.points, tallies.tally(world.grid, Q1).total.points) == (20, 10, 30)


# --- rankings ---------------------------------------------------------------------------


def test_it_ranks_households_in_grid_village_and_township_with_ties(villages, world):
    third = add_household(world.grid, "周桂芝")
    scored(world, world.household, "X02")  # 50
    scored(world, world.other_household_same_grid, "X02")  # 50: a tie
    scored(world, third, "X01")  # 10
    scored(world, world.neighbour_household, "X02", 2)  # 100

    rows = rankings.ranking(world.township, Q1)
    ranks = {r.household_id: (r.points, r.grid_rank, r.village_rank, r.township_rank) for r in rows}
    assert ranks == {
        world.neighbour_household.pk: (100, 1, 1, 1),
        world.household.pk: (50, 1, 1, 2),
        world.other_household_same_grid.pk: (50, 1, 1, 2),
        third.pk: (10, 3, 3, 4),
    }
    assert rows[0].household_id == world.neighbour_household.pk
    assert rankings.ranked_count(world.township, Q1) == 4
    page = rankings.ranking(world.township, Q1, limit=2, offset=2)
    assert [r.household_id for r in page][-1] == third.pk


def test_a_household_reads_its_rank_in_the_grid(villages, world):
    third = add_household(world.grid, "周桂芝")
    scored(world, world.household, "X01")
    scored(world, world.other_household_same_grid, "X02")
    assert rankings.household_rank(world.household, Q1) == rankings.HouseholdRank(10, 2, 3)
    assert rankings.household_rank(third, Q1) == rankings.HouseholdRank(0, 3, 3)


# --- the three linkages ------------------------------------------------------------------


def test_honour_candidates_exclude_a_household_with_a_veto_item(villages, world):
    scored(world, world.household, "X02", 4)  # 200, then a lavish wedding
    scored(world, world.household, "F01")
    scored(world, world.other_household_same_grid, "X02", 2)  # 100
    listed = linkages.candidates("star", world.village, 2026)
    assert [c.household.pk for c in listed] == [world.other_household_same_grid.pk]
    assert "年度积分 100 分，村内第 2 名" in listed[0].reason
    assert "无否决项的户中第 1 名" in listed[0].reason
    assert "年内无否决项" in listed[0].reason


def test_a_reversed_veto_item_no_longer_excludes(villages, world):
    scored(world, world.household, "X02", 2)
    veto = scored(world, world.household, "F01")
    reverse_entry(world.branch, veto, "复核：该户婚事从简，采分有误")
    assert [c.household.pk for c in linkages.candidates("star", world.village, 2026)] == [
        world.household.pk
    ]


def test_the_star_list_takes_the_villages_top_share(villages, world):
    homes = [add_household(world.grid, f"户{n}") for n in range(10)]
    for number, home in enumerate(homes):
        scored(world, home, "X01", number + 1)
    PointsPolicy.objects.create(
        region=world.village, region_path=world.village.path, honour_share=20
    )
    listed = linkages.candidates("star", world.village, 2026)
    assert [c.figures.points for c in listed] == [100, 90]  # 20 % of 10 households
    assert linkages.listed_count("star", world.village, 2026) == 2


def test_the_most_beautiful_families_come_from_incentive_points(villages, world):
    scored(world, world.household, "J01", 4)  # basic items only: 20
    scored(world, world.other_household_same_grid, "X01")  # incentive: 10
    listed = linkages.candidates("family", world.village, 2026)
    assert [c.household.pk for c in listed] == [world.other_household_same_grid.pk]
    assert "年度激励项目积分 10 分" in listed[0].reason


def test_credit_grades_follow_the_village_bands_and_a_veto_caps_them(villages, world):
    PointsPolicy.objects.create(
        region=world.village,
        region_path=world.village.path,
        credit_excellent=150,
        credit_good=100,
        credit_fair=50,
    )
    third = add_household(world.grid, "周桂芝")
    scored(world, world.household, "X02", 4)  # 200 → 优秀 …
    scored(world, world.household, "F01")  # … 190 with a veto item → 一般
    scored(world, world.other_household_same_grid, "X02", 3)  # 150 → 优秀
    scored(world, third, "X01", 2)  # 20 → 待提升
    grades = {c.household.pk: c.grade for c in linkages.candidates("credit", world.village, 2026)}
    assert grades == {
        world.household.pk: "一般",
        world.other_household_same_grid.pk: "优秀",
        third.pk: "待提升",
    }
    reasons = {c.household.pk: c.reason for c in linkages.candidates("credit", world.village, 2026)}
    assert "优秀 ≥ 150" in reasons[third.pk]
    assert "年内有否决项" in reasons[world.household.pk]


def test_priority_lists_pick_people_by_age_and_membership(villages, world):
    from core.idnumbers import complete

    young = add_household(world.grid, "吴晓东", head_id_number=complete("15052520040301001"))
    add_member(world.branch_org, "郑雨", household=young, birth_date=date(2005, 6, 1))
    scored(world, young, "X02", 2)
    scored(world, world.household, "X01")  # 王建国's household: not in the top 20 %
    names = {
        kind: [c.person for c in linkages.candidates(kind, world.village, 2026)]
        for kind in ("reserve", "recruit", "activist")
    }
    # the head is 22 on 31 December 2026, the member 21
    assert names == {"reserve": ["吴晓东"], "recruit": ["吴晓东", "郑雨"], "activist": ["吴晓东"]}
    [member] = [
        c for c in linkages.candidates("recruit", world.village, 2026) if c.person == "郑雨"
    ]
    assert member.reason.startswith("党员，21 岁（18–22 岁）；户年度积分 100 分，村内第 1 名")


def test_each_list_states_its_rule_with_the_villages_figures(villages, world):
    policy = PointsPolicy(region=world.village, honour_share=15, honour_limit=6)
    assert "前 15%" in linkages.rule_text("star", policy)
    assert "每村 3 户" in linkages.rule_text("family", policy)


# --- exports ----------------------------------------------------------------------------


def rows_of(content: bytes) -> list[tuple]:
    return list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))


def test_the_tally_export_has_a_row_per_household_and_the_total(villages, world, client):
    scored(world, world.household, "X02", 2)
    client.force_login(world.grid_worker)
    response = client.get(f"/points/tally/export.xlsx?grid={world.grid.pk}&span=quarter")
    rows = rows_of(response.content)
    assert rows[0][:4] == ("农户", "有积分户数", "积分条数", "净积分")
    assert "达到兑换门槛户数" in rows[0]
    assert rows[-1][:4] == ("合计", 1, 1, 100)


def test_the_linkage_export_carries_each_reason(villages, world, client):
    scored(world, world.household, "X02", 2)
    client.force_login(world.branch)
    response = client.get(f"/points/linkages/star/export.xlsx?region={world.village.pk}&year=2026")
    header, first = rows_of(response.content)[:2]
    assert header[-1] == "列入依据"
    assert first[1] == "王建国" and "年度积分 100 分" in first[-1]


def test_exports_are_audited(villages, world, client):
    from audit.models import AuditEntry

    client.force_login(world.township_admin)
    client.get(f"/points/rankings/export.xlsx?region={world.township.pk}")
    assert AuditEntry.objects.filter(action="export", object_repr__contains="积分排名").exists()
