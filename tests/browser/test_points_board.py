"""The grid's public board on a 360-px phone: after the assembly approves the month's
scores, a household of the grid sees them on the board and raises an objection to a
neighbour's score, which waits for the two committees; a township admin reads the quarter's
tally on a desktop."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from points.models import Objection
from points.tests.reports_helpers import install, score
from tests.browser.conftest import shot, sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def test_a_household_reads_the_board_and_objects_on_a_phone(browser_world, page_for):
    world = browser_world
    today = timezone.localdate()
    install(world.branch, world.village, since=date(today.year - 1, 1, 1))
    score(world.grid_worker, world.branch, world.household, "X02", 2)
    neighbour = score(world.grid_worker, world.branch, world.other_household_same_grid, "X01", 3)

    resident = page_for("phone")
    sign_in(resident, world.resident.username, PASSWORD)
    resident.get_by_role("link", name="网格积分公示 ›").click()
    expect(resident.locator("h1")).to_contain_text("积分公示")
    expect(resident.locator(".board-window")).to_contain_text("公示期至")
    expect(resident.locator(".board")).to_contain_text("王建国户")
    expect(resident.locator(".board")).to_contain_text("100 分")
    expect(resident.locator(".board")).to_contain_text("李秀英户")
    width = resident.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the board overflows the phone: {width}px"
    shot(resident, "points-board-phone")

    entry = resident.locator(f"#entry-{neighbour.pk}")
    entry.locator("summary").click()
    entry.locator("textarea[name=reason]").fill("李家那天只出工一次")
    entry.get_by_role("button", name="提交异议").click()
    expect(resident.locator(".notice")).to_contain_text("异议已提交")
    expect(resident.locator(f"#entry-{neighbour.pk}")).to_contain_text("异议处理中")
    shot(resident, "points-board-objected-phone")
    objection = Objection.objects.get()
    assert (objection.entry_id, objection.status) == (neighbour.pk, "open")


def test_a_township_admin_reads_the_quarterly_review(browser_world, page_for):
    world = browser_world
    today = timezone.localdate()
    install(world.branch, world.village, since=date(today.year - 1, 1, 1))
    score(world.grid_worker, world.branch, world.household, "X02", 2)

    admin = page_for("desktop")
    sign_in(admin, world.township_admin.username, PASSWORD)
    admin.get_by_role("link", name="季评议积分统计 ›").click()
    expect(admin.locator("table")).to_contain_text("红旗村")
    admin.get_by_role("link", name="红旗村").click()
    expect(admin.locator("table")).to_contain_text("红旗村第一网格")
    expect(admin.locator(".stats")).to_contain_text("100")
    shot(admin, "points-tally-desktop")
