"""Each role signs in and does its main thing, on a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def test_county_admin_drills_down_from_county_to_household(browser_world, page_for, viewport):
    w = browser_world
    page = page_for(viewport)
    sign_in(page, w.county_admin.username, PASSWORD)
    expect(page.locator("h1")).to_contain_text("青山旗")
    shot(page, f"county-admin-home-{viewport}")
    page.click("nav.main >> text=组织架构")
    page.get_by_role("link", name="东风镇").first.click()
    expect(page.locator("h1")).to_contain_text("东风镇")
    page.get_by_role("link", name="红旗村").first.click()
    expect(page.locator("h1")).to_contain_text("红旗村")
    page.get_by_role("link", name="红旗村第一网格").first.click()
    page.get_by_role("link", name="王建国").click()
    expect(page.locator("h1")).to_contain_text("王建国户")
    shot(page, f"county-admin-household-{viewport}")


def test_township_admin_searches_members_and_reveals_an_id_number(
    browser_world, page_for, viewport
):
    w = browser_world
    page = page_for(viewport)
    sign_in(page, w.township_admin.username, PASSWORD)
    page.click("nav.main >> text=党员")
    page.fill("input[name=q]", "张")
    page.click("form.filters button[type=submit]")
    expect(page.locator("table")).to_contain_text("张红梅")
    expect(page.locator("table")).not_to_contain_text("陈海")
    page.get_by_role("link", name="张红梅").click()
    full = w.member_person.id_number
    expect(page.locator("#personal")).not_to_contain_text(full)
    page.get_by_role("button", name=re.compile("显示完整信息")).click()
    expect(page.locator("#personal")).to_contain_text(full)
    expect(page.locator("#personal")).to_contain_text("已记入审计日志")
    shot(page, f"township-admin-reveal-{viewport}")


def test_township_admin_cannot_open_another_townships_page(browser_world, page_for):
    w = browser_world
    page = page_for("desktop")
    sign_in(page, w.township_admin.username, PASSWORD)
    response = page.goto(f"/tree/regions/{w.other_township.pk}/")
    assert response is not None and response.status == 404


def test_branch_sees_its_members_and_committee(browser_world, page_for, viewport):
    w = browser_world
    page = page_for(viewport)
    sign_in(page, w.branch.username, PASSWORD)
    expect(page.locator("h1")).to_contain_text("红旗村党支部")
    shot(page, f"branch-home-{viewport}")
    page.click("nav.main >> text=党员")
    expect(page.locator("table")).to_contain_text("张红梅")
    expect(page.locator("table")).not_to_contain_text("刘志强")


def test_grid_worker_opens_a_household_on_the_phone(browser_world, page_for):
    w = browser_world
    page = page_for("phone")
    sign_in(page, w.grid_worker.username, PASSWORD)
    expect(page.locator("h1")).to_contain_text("红旗村第一网格")
    shot(page, "grid-worker-home-phone")
    page.get_by_role("link", name="李秀英").click()
    expect(page.locator("h1")).to_contain_text("李秀英户")
    page.get_by_role("button", name=re.compile("显示完整信息")).click()
    expect(page.locator("#personal")).to_contain_text(w.other_household_same_grid.phone)


def test_resident_sees_own_household_only(browser_world, page_for, viewport):
    w = browser_world
    page = page_for(viewport)
    sign_in(page, w.resident.username, PASSWORD)
    expect(page.locator("h1")).to_contain_text("王建国户")
    shot(page, f"resident-home-{viewport}")
    response = page.goto(f"/households/{w.other_household_same_grid.pk}/")
    assert response is not None and response.status == 404


def test_member_unit_and_clerk_land_on_their_homes(browser_world, page_for):
    w = browser_world
    page = page_for("phone")
    for user, heading in [
        (w.member, "张红梅"),
        (w.unit, "青山旗农牧局"),
        (w.clerk, "爱心超市"),
    ]:
        sign_in(page, user.username, PASSWORD)
        expect(page.locator("h1")).to_contain_text(heading)
        shot(page, f"{user.username}-home-phone")
        page.click("header.top button[type=submit]")
        page.wait_for_url(re.compile("/login/"))


def test_wrong_password_keeps_the_username_and_says_why(browser_world, page_for):
    page = page_for("phone")
    page.goto("/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    expect(page.locator(".errors")).to_contain_text("用户名或密码错误")
    expect(page.locator("#id_username")).to_have_value("alice")


def test_branch_adds_a_household_on_the_phone_fixing_a_mistake(browser_world, page_for):
    w = browser_world
    page = page_for("phone")
    sign_in(page, w.branch.username, PASSWORD)
    page.click("nav.main >> text=农户")
    page.get_by_role("link", name="新增农户").click()
    page.fill("#id_code", "H-PHONE-1")
    page.fill("#id_head_name", "周大山")
    page.fill("#id_head_id_number", "150525197001010000")  # wrong check character
    page.fill("#id_size", "4")
    page.select_option("#id_grid", str(w.grid.pk))
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".field.has-error")).to_contain_text("校验位")
    expect(page.locator("#id_head_name")).to_have_value("周大山")  # nothing typed is lost
    shot(page, "branch-household-error-phone")
    page.fill("#id_head_id_number", "")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("周大山")
    expect(page.locator(".messages")).to_contain_text("H-PHONE-1")
