"""Seed 004's three classes on a 360-px phone: a party member and a grid worker open 「我的积分」
and see their own points and rank; a household that was deducted sees −10, not +0."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from points.domain.ledger import approve_at_assembly
from points.domain.proposals import ProposalInput, propose_entries, review
from points.domain.rulebooks import rule_in_force
from points.models import AssemblyMeeting
from points.tests.reports_helpers import install, score
from tests.browser.conftest import shot, sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def approved(world, items):
    made = propose_entries(world.grid_worker, items)
    ids = [p.pk for p in made]
    review(world.branch, ids, "preliminary")
    review(world.branch, ids, "joint")
    meeting = AssemblyMeeting(region=world.village, held_on=timezone.localdate(), minutes="审议")
    approve_at_assembly(world.branch, meeting, ids)


def test_a_member_and_a_grid_worker_see_their_own_scores_on_a_phone(browser_world, page_for):
    world = browser_world
    install(world.branch, world.village, since=date(2025, 1, 1))
    today = timezone.localdate()
    book = rule_in_force(world.village.pk, today)
    approved(
        world,
        [
            ProposalInput(
                household=world.household,
                rule=book.rules.get(code="J03"),
                occurred_on=today,
                member=world.member_person,
                times=2,
            ),
            ProposalInput(
                household=None,
                grid=world.grid,
                rule=book.rules.get(code="J05"),
                occurred_on=today,
                times=3,
                note="巡查",
            ),
        ],
    )
    score(world.grid_worker, world.branch, world.other_household_same_grid, "F01")

    member = page_for("phone")
    sign_in(member, world.member.username, PASSWORD)
    member.goto("/points/mine/")
    expect(member.locator("[data-points]").first).to_have_text("10")
    expect(member.get_by_text("党员积分")).to_be_visible()
    shot(member, "points-mine-member-phone")

    worker = page_for("phone")
    sign_in(worker, world.grid_worker.username, PASSWORD)
    worker.goto("/points/proposals/")
    worker.get_by_role("link", name="我的积分").click()
    expect(worker.locator("[data-points]").first).to_have_text("15")
    shot(worker, "points-mine-grid-worker-phone")

    board = page_for("phone")
    sign_in(board, world.resident.username, PASSWORD)
    board.goto(f"/points/board/{world.grid.pk}/?month={today:%Y-%m}")
    expect(board.get_by_text("-10 分")).to_be_visible()
