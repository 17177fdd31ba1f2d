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

from points.models import PointEntry, PointProposal
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
    branch.locator("form[data-step=preliminary] input[name=proposals]").check()
    branch.locator("form[data-step=preliminary] button[value=preliminary]").click()
    expect(branch.locator("form[data-step=joint] ul.rows")).to_contain_text("王建国")
    branch.locator("form[data-step=joint] [data-select-all]").click()
    branch.locator("form[data-step=joint] button[value=joint]").click()
    approve = branch.locator("form[data-step=approve]")
    expect(approve.locator("ul.rows")).to_contain_text("王建国")
    approve.locator("textarea[name=minutes]").fill("十二月党员（村民代表）大会审议通过本月积分")
    approve.locator("[data-select-all]").click()
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
    expect(clerk.locator("[data-available]")).to_have_text("100")
    clerk.get_by_label("肥皂").fill("2")
    # the running total follows the quantity as it is typed (static till.js)
    expect(clerk.locator("[data-total-points]")).to_have_text("30")
    expect(clerk.locator("[data-total-yuan]")).to_have_text("6.00")
    expect(clerk.locator("[data-remaining]")).to_have_text("70")
    clerk.get_by_label("肥皂").fill("7")
    expect(clerk.locator("[data-over]")).to_be_visible()
    clerk.get_by_label("肥皂").fill("2")
    expect(clerk.locator("[data-over]")).to_be_hidden()
    shot(clerk, "points-redeem-phone")
    clerk.get_by_role("button", name="确认兑换").click()
    expect(clerk.locator("[data-receipt]")).to_contain_text("合计 6.00 元，扣 30 分")
    expect(clerk.locator("[data-receipt]")).to_contain_text("剩余 70 分")
    expect(clerk.locator("[data-number]")).to_contain_text("DH")
    expect(clerk.get_by_role("button", name="打印")).to_be_visible()
    shot(clerk, "points-receipt-phone")
    clerk.emulate_media(media="print")
    expect(clerk.get_by_role("button", name="打印")).to_be_hidden()
    expect(clerk.locator("nav.main")).to_be_hidden()
    shot(clerk, "points-receipt-print")
    clerk.emulate_media(media="screen")

    resident.reload()
    expect(resident.locator("[data-balance]")).to_have_text("70")


def test_the_review_page_opens_with_nothing_selected_and_select_all_is_explicit(
    browser_world, page_for, viewport
):
    from points.tests.url_cases import a_proposal

    world = browser_world
    for _ in range(3):
        a_proposal(world)
    branch = page_for(viewport)
    sign_in(branch, world.branch.username, PASSWORD)
    branch.goto(f"/points/review/?region={world.village.pk}")
    step = branch.locator("form[data-step=preliminary]")
    boxes = step.locator("input[name=proposals]")
    expect(boxes).to_have_count(3)
    for index in range(3):
        expect(boxes.nth(index)).not_to_be_checked()
    expect(step.locator("[data-selected]")).to_have_text("0")
    shot(branch, f"points-review-nothing-selected-{viewport}")

    # approving requires a selection: the server refuses and nothing moves
    step.locator("button[value=preliminary]").click()
    expect(branch.locator(".messages")).to_contain_text("请先勾选")
    assert PointProposal.objects.filter(status="preliminary").count() == 0

    # 「全选」 is a control the user operates; it ticks every box of that step
    step = branch.locator("form[data-step=preliminary]")
    step.locator("[data-select-all]").click()
    for index in range(3):
        expect(step.locator("input[name=proposals]").nth(index)).to_be_checked()
    expect(step.locator("[data-selected]")).to_have_text("3")
    expect(step.locator("[data-select-all]")).to_have_text("取消全选")
    step.locator("input[name=proposals]").first.uncheck()
    expect(step.locator("[data-selected]")).to_have_text("2")
    step.locator("button[value=preliminary]").click()
    expect(branch.locator(".messages")).to_contain_text("已处理 2 条")
    assert PointProposal.objects.filter(status="preliminary").count() == 2
    joint = branch.locator("form[data-step=joint] input[name=proposals]")
    expect(joint).to_have_count(2)
    for index in range(2):
        expect(joint.nth(index)).not_to_be_checked()


def test_select_all_works_without_javascript(browser_world, chromium, live_server):
    from points.tests.url_cases import a_proposal

    world = browser_world
    for _ in range(2):
        a_proposal(world)
    context = chromium.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, world.branch.username, PASSWORD)
        page.goto(f"/points/review/?region={world.village.pk}")
        step = page.locator("form[data-step=preliminary]")
        expect(step.locator("input[name=proposals]:checked")).to_have_count(0)
        step.locator("[data-select-all]").click()
        step = page.locator("form[data-step=preliminary]")
        expect(step.locator("[data-all-ticked]")).to_contain_text("已全选本环节 2 条")
        expect(step.locator("input[name=proposals]:checked")).to_have_count(2)
        step.locator("button[value=preliminary]").click()
        expect(page.locator(".messages")).to_contain_text("已处理 2 条")
    finally:
        context.close()
