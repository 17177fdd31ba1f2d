"""Seed 004's three classes of person (党员、群众、网格员): a party member's and a grid worker's
items score them — the member through their household, the grid worker with no household —
each class is ranked on its own in grid, village and township, and each person reads their
own score on their phone page and through the API."""

import json
from datetime import date
from io import BytesIO
from unittest import mock

import pytest
from openpyxl import load_workbook

from accounts.models import ApiToken
from points.domain import ledger, rankings, tallies
from points.domain.errors import PointsRefused
from points.domain.ledger import approve_at_assembly
from points.domain.proposals import ProposalInput, propose_entries, review
from points.domain.rulebooks import rule_in_force
from points.domain.spans import Span, period_of
from points.models import AssemblyMeeting, PointEntry, PointProposal
from points.tests.reports_helpers import install, score
from tests.world import add_member

TODAY = date(2026, 3, 20)
Q1 = period_of(TODAY, Span.QUARTER)


@pytest.fixture(autouse=True)
def _in_march():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


@pytest.fixture
def villages(world):
    install(world.branch, world.village, since=date(2025, 1, 1))
    install(world.township_admin, world.neighbour_village, since=date(2025, 1, 1))
    return world


def through_chain(reviewer, proposals, village):
    ids = [p.pk for p in proposals]
    review(reviewer, ids, "preliminary")
    review(reviewer, ids, "joint")
    meeting = AssemblyMeeting(region=village, held_on=TODAY, minutes="审议通过")
    return approve_at_assembly(reviewer, meeting, ids)


def rule(world, code, village=None):
    return rule_in_force((village or world.village).pk, TODAY).rules.get(code=code)


def for_member(world, member, code="J03", times=1, proposer=None):
    item = ProposalInput(
        household=member.household, rule=rule(world, code), occurred_on=TODAY, times=times
    )
    item.member, item.note = member, "按时参加"
    return propose_entries(proposer or world.grid_worker, [item])


def for_grid(world, grid, times=1, proposer=None, village=None):
    item = ProposalInput(
        household=None,
        grid=grid,
        rule=rule(world, "J05", village),
        occurred_on=TODAY,
        times=times,
        note="巡查 12 次，按时上报",
    )
    return propose_entries(proposer or world.grid_worker, [item])


def test_a_grid_workers_item_scores_the_grid_and_no_household(villages):
    w = villages
    [proposal] = for_grid(w, w.grid, times=2)
    assert proposal.household_id is None and proposal.grid_id == w.grid.pk
    assert proposal.person_name == str(w.grid_worker) and "网格员" in proposal.who
    [entry] = through_chain(w.branch, [proposal], w.village)
    assert (entry.household_id, entry.grid_id, entry.points) == (None, w.grid.pk, 10)
    assert ledger.balance(w.household) == 0
    assert tallies.tally(w.village, Q1).total.points == 0  # households' tally only
    [row] = rankings.ranking(w.township, Q1, person_class="grid_worker")
    assert (row.subject_id, row.points, row.village_rank, row.person) == (
        w.grid.pk,
        10,
        1,
        str(w.grid_worker),
    )
    assert rankings.ranking(w.township, Q1) == []  # no household scored


def test_a_grid_workers_cap_counts_per_grid_worker(villages):
    w = villages
    for_grid(w, w.grid, times=6)  # 30 of the 40 a month
    with pytest.raises(PointsRefused, match="每名网格员月最多 40 分"):
        for_grid(w, w.grid, times=3)


def test_a_grid_worker_cannot_score_another_grids_worker(villages):
    with pytest.raises(PointsRefused, match="只能为本网格的网格员采分"):
        for_grid(villages, villages.neighbour_grid, village=villages.neighbour_village)


def test_members_are_ranked_among_members_in_grid_village_and_township(villages):
    w = villages
    second = add_member(w.branch_org, "赵丽", household=w.other_household_same_grid)
    neighbour = add_member(w.neighbour_branch_org, "孙强", household=w.neighbour_household)
    through_chain(w.branch, for_member(w, w.member_person, "J03", 2), w.village)  # 10
    through_chain(w.branch, for_member(w, second, "J04"), w.village)  # 2
    neighbour_item = ProposalInput(
        household=w.neighbour_household,
        rule=rule(w, "J03", w.neighbour_village),
        occurred_on=TODAY,
        member=neighbour,
        times=4,
    )
    through_chain(
        w.township_admin,
        propose_entries(w.township_admin, [neighbour_item]),
        w.neighbour_village,
    )  # 20
    rows = rankings.ranking(w.township, Q1, person_class="member")
    ranks = {r.subject_id: (r.points, r.grid_rank, r.village_rank, r.township_rank) for r in rows}
    assert ranks == {
        neighbour.pk: (20, 1, 1, 1),
        w.member_person.pk: (10, 1, 1, 2),
        second.pk: (2, 2, 2, 3),
    }
    assert rankings.ranked_count(w.township, Q1, person_class="member") == 3
    # the member's items are their household's too (the family's basket at the store)
    assert ledger.balance(w.household) == 10


def test_a_member_and_a_grid_worker_read_their_own_scores(villages, client):
    w = villages
    through_chain(w.branch, for_member(w, w.member_person, "J03", 2), w.village)
    through_chain(w.branch, for_grid(w, w.grid, times=3), w.village)
    client.force_login(w.member)
    page = client.get("/points/mine/").content.decode()
    assert "党员积分" in page and "张红梅" in page
    assert '<div class="n" data-points>10</div>' in page and "第 1 名" in page
    assert "按时参加组织生活" in page
    assert "网格巡查" not in page  # the grid worker's item is not theirs
    client.force_login(w.grid_worker)
    page = client.get("/points/mine/").content.decode()
    assert "网格员积分" in page and w.grid.name in page
    assert '<div class="n" data-points>15</div>' in page
    assert "按时参加组织生活" not in page
    client.force_login(w.outsider)
    assert client.get("/points/mine/").status_code == 404


def test_the_ranking_page_and_export_rank_each_class(villages, client):
    w = villages
    through_chain(w.branch, for_member(w, w.member_person, "J03", 2), w.village)
    through_chain(w.branch, for_grid(w, w.grid, times=3), w.village)
    score(w.grid_worker, w.branch, w.household, "F01")
    client.force_login(w.branch)
    base = f"/points/rankings/?region={w.village.pk}&span=quarter&period=2026-Q1"
    households = client.get(base).content.decode()
    assert "王建国户" in households and ">0<" in households  # +10 −10
    members = client.get(base + "&class=member").content.decode()
    assert "张红梅" in members and ">10<" in members
    workers = client.get(base + "&class=grid_worker").content.decode()
    assert str(w.grid_worker) in workers and ">15<" in workers
    assert client.get(base + "&class=nobody").status_code == 404
    export = client.get(
        f"/points/rankings/export.xlsx?region={w.village.pk}&class=member&period=2026-Q1"
    )
    sheet = load_workbook(BytesIO(export.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any("张红梅" in row and 10 in row for row in values)
    client.force_login(w.resident)
    assert client.get(base + "&class=member").status_code == 404


def test_the_propose_page_scores_the_grids_worker_without_a_household(villages, client):
    w = villages
    client.force_login(w.grid_worker)
    response = client.post(
        "/points/propose/",
        {
            "rule": rule(w, "J05").pk,
            "occurred_on": "2026-03-18",
            "times": 1,
            "grid": w.grid.pk,
            "note": "巡查",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    [proposal] = PointProposal.objects.all()
    assert proposal.household_id is None and proposal.grid_id == w.grid.pk
    refused = client.post(
        "/points/propose/",
        {"rule": rule(w, "J01").pk, "occurred_on": "2026-03-18", "times": 1},
    )
    assert refused.status_code == 200 and "请至少选择一户" in refused.content.decode()


def test_the_api_reflects_deductions_and_the_three_classes(villages, client):
    w = villages
    score(w.grid_worker, w.branch, w.household, "F01")
    through_chain(w.branch, for_member(w, w.member_person, "J03", 2), w.village)
    headers = {"Authorization": f"Bearer {ApiToken.issue(w.grid_worker)}"}
    made = client.post(
        "/api/points/proposals/",
        json.dumps(
            {
                "items": [
                    {
                        "grid": w.grid.pk,
                        "rule": rule(w, "J05").pk,
                        "occurred_on": "2026-03-19",
                        "note": "巡查",
                    }
                ]
            }
        ),
        content_type="application/json",
        headers=headers,
    )
    assert made.status_code == 201, made.content
    assert made.json()[0]["household_id"] is None
    through_chain(w.branch, PointProposal.objects.filter(pk=made.json()[0]["id"]), w.village)
    balance = client.get(f"/api/points/households/{w.household.pk}", headers=headers).json()
    assert (balance["balance"], balance["spendable"]) == (0, 0)  # −10 + 10
    entries = client.get(
        f"/api/points/households/{w.household.pk}/entries", headers=headers
    ).json()["items"]
    assert sorted(e["points"] for e in entries) == [-10, 10]
    mine = client.get("/api/points/mine", headers=headers).json()
    assert {(m["person_class"], m["span"], m["points"]) for m in mine} == {
        ("grid_worker", "quarter", 5),
        ("grid_worker", "year", 5),
    }
    member_headers = {"Authorization": f"Bearer {ApiToken.issue(w.member)}"}
    mine = client.get("/api/points/mine", headers=member_headers).json()
    assert mine[0]["person_class"] == "member" and mine[0]["points"] == 10
    branch_headers = {"Authorization": f"Bearer {ApiToken.issue(w.branch)}"}
    ranked = client.get(
        "/api/points/rankings",
        {"class": "member", "region": w.village.pk, "period": "2026-Q1"},
        headers=branch_headers,
    )
    assert ranked.status_code == 200, ranked.content
    assert [(r["name"], r["points"]) for r in ranked.json()["items"]] == [("张红梅", 10)]
    assert ranked.json()["count"] == 1
    outsider = {"Authorization": f"Bearer {ApiToken.issue(w.outsider)}"}
    assert (
        client.get("/api/points/rankings", {"region": w.village.pk}, headers=outsider).status_code
        == 404
    )
    assert PointEntry.objects.filter(household__isnull=True).count() == 1


def test_the_grid_workers_list_links_to_their_own_scores_and_the_branchs_does_not(villages, client):
    client.force_login(villages.grid_worker)
    assert 'href="/points/mine/"' in client.get("/points/proposals/").content.decode()
    client.force_login(villages.branch)
    assert 'href="/points/mine/"' not in client.get("/points/proposals/").content.decode()


def test_a_resident_item_with_a_member_picked_scores_the_household_only(villages):
    w = villages
    item = ProposalInput(
        household=w.household, rule=rule(w, "J02"), occurred_on=TODAY, member=w.member_person
    )
    [entry] = through_chain(w.branch, propose_entries(w.grid_worker, [item]), w.village)
    assert (entry.household_id, entry.member_id) == (w.household.pk, None)
    assert rankings.ranking(w.village, Q1, person_class="member") == []


def test_a_members_township_rank_counts_the_other_villages(villages, client):
    w = villages
    neighbour = add_member(w.neighbour_branch_org, "孙强", household=w.neighbour_household)
    through_chain(w.branch, for_member(w, w.member_person, "J03", 2), w.village)  # 10
    item = ProposalInput(
        household=w.neighbour_household,
        rule=rule(w, "J03", w.neighbour_village),
        occurred_on=TODAY,
        member=neighbour,
        times=4,
    )
    through_chain(
        w.township_admin, propose_entries(w.township_admin, [item]), w.neighbour_village
    )  # 20
    client.force_login(w.member)
    page = client.get("/points/mine/").content.decode()
    assert "第 1 名" in page and "乡镇第 2 名" in page
