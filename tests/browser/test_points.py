"""The points story on a 360-px phone: a grid worker proposes points for a household with a
photo, the branch account takes them through the party group's preliminary review, the two
committees' joint review and the assembly's approval, the household sees them, and the
love supermarket's clerk exchanges them for goods.

Hook for the public board (公示, built on the reports branch): after the assembly the entry
is in the ledger (checked below); the board page is to be visited at that point."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from points.models import PointEntry
from points.tests.conftest import install_points
from tests.browser.conftest import shot, sign_in
from tests.browser.test_orglife import photo_file
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def test_a_proposal_goes_through_the_review_chain_to_the_supermarket(
    browser_world, page_for, tmp_path
):
    world = browser_world
    book, shop = install_points(world, in_force_from=timezone.localdate() - timedelta(days=400))
    cartload = book.rules.get(code="X02")

    grid = page_for("phone")
    sign_in(grid, world.grid_worker.username, PASSWORD)
    grid.get_by_role("link", name="采集积分").first.click()
    grid.fill("input[name=q]", "王建国")
    grid.get_by_role("button", name="查找").click()
    grid.get_by_label("王建国").check()
    grid.select_option("select[name=rule]", str(cartload.pk))
    grid.fill("input[name=times]", "2")
    grid.set_input_files("input[name=photo]", str(photo_file(tmp_path)))
    shot(grid, "points-propose-phone")
    grid.get_by_role("button", name="提交采分").click()
    expect(grid.locator("ul.rows")).to_contain_text("义务参加人居环境整治（出一车次） +100")

    branch = page_for("phone")
    sign_in(branch, world.branch.username, PASSWORD)
    branch.get_by_role("link", name="积分审核").click()
    branch.locator("form[data-step=preliminary] input[name=signed_by]").fill("党小组长 王强")
    branch.locator("form[data-step=preliminary] button[value=preliminary]").click()
    expect(branch.locator("form[data-step=joint] ul.rows")).to_contain_text("王建国")
    branch.locator("form[data-step=joint] button[value=joint]").click()
    approve = branch.locator("form[data-step=approve]")
    expect(approve.locator("ul.rows")).to_contain_text("王建国")
    approve.locator("textarea[name=minutes]").fill("十二月党员（村民代表）大会审议通过本月积分")
    shot(branch, "points-review-phone")
    approve.locator("button[value=approve]").click()
    expect(branch.locator(".messages")).to_contain_text("已处理 1 条")

    # The hook for the board: the approved entry is in the ledger.
    entry = PointEntry.objects.get(household=world.household, kind="award")
    assert entry.points == 100

    resident = page_for("phone")
    sign_in(resident, world.resident.username, PASSWORD)
    # The grid's public board (公示) shows the approved score, open for objections.
    resident.get_by_role("link", name="网格积分公示 ›").click()
    expect(resident.locator(".board")).to_contain_text("王建国户")
    expect(resident.locator(".board")).to_contain_text("+100")
    expect(resident.locator(".board-window")).to_contain_text("公示期至")
    resident.goto("/")
    resident.get_by_role("link", name="我家积分 ›").click()
    expect(resident.locator("[data-balance]")).to_have_text("100")
    expect(resident.locator("[data-entries]")).to_contain_text("+100")
    expect(resident.locator("body")).to_contain_text("可以去爱心超市兑换")
    shot(resident, "points-household-phone")

    clerk = page_for("phone")
    sign_in(clerk, world.clerk.username, PASSWORD)
    expect(clerk.locator("h1")).to_contain_text(shop.name)  # the clerk's home is the store
    clerk.fill("input[name=goods-name]", "肥皂")
    clerk.fill("input[name=goods-price]", "3.00")
    clerk.fill("input[name=goods-add_stock]", "10")
    clerk.get_by_role("button", name="上架", exact=True).click()
    clerk.fill("input[name=q]", "王建国")
    clerk.get_by_role("button", name="查找").click()
    clerk.locator("[data-found] a").first.click()
    clerk.get_by_label("肥皂").fill("2")
    shot(clerk, "points-redeem-phone")
    clerk.get_by_role("button", name="确认兑换").click()
    expect(clerk.locator("[data-receipt]")).to_contain_text("合计 6.00 元，扣 30 分")
    expect(clerk.locator("[data-receipt]")).to_contain_text("剩余 70 分")
    shot(clerk, "points-receipt-phone")

    resident.reload()
    expect(resident.locator("[data-balance]")).to_have_text("70")
