"""Issuing accounts in the browser: the county admin exports the roster of every missing
branch account and grid worker, imports it back unchanged and sees the passwords once; a new
account's first login forces a password change. Also the one-at-a-time form's type-ahead."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def test_county_admin_issues_every_missing_account_from_one_excel_file(browser_world, page_for):
    w = browser_world
    page = page_for("desktop")
    sign_in(page, w.county_admin.username, PASSWORD)
    page.click("nav.main >> text=账号")
    page.get_by_role("link", name="账号覆盖情况").first.click()
    expect(page.locator("#orgs-missing")).to_have_text("5")
    expect(page.locator("#grids-missing")).to_have_text("2")
    page.get_by_role("link", name="导入花名册").click()
    with page.expect_download() as download:
        page.click("#missing-roster")
    page.set_input_files("#roster-file", download.value.path())
    page.click("#roster-submit")
    expect(page.locator("h1")).to_contain_text("已发放 7 个账号")
    rows = page.locator("#issued tbody tr")
    expect(rows).to_have_count(7)
    row = rows.filter(has_text="g-g-2")
    password = row.locator("code.password").inner_text()
    shot(page, "accounts-roster-issued-desktop")
    with page.expect_download() as sheet:
        page.click("#passwords-file")
    assert sheet.value.suggested_filename.startswith("passwords-")
    page.click("nav.main >> text=账号")
    page.get_by_role("link", name="账号覆盖情况").first.click()
    expect(page.locator("#orgs-missing")).to_have_text("0")
    expect(page.locator("#grids-missing")).to_have_text("0")

    newcomer = page_for("phone")
    sign_in(newcomer, "g-g-2", password)
    expect(newcomer).to_have_url(f"{newcomer.url.split('/accounts/')[0]}/accounts/password/")
    expect(newcomer.locator("#must-change")).to_be_visible()
    newcomer.goto("/households/")
    expect(newcomer.locator("h1")).to_have_text("修改密码")
    newcomer.fill("#id_old_password", password)
    newcomer.fill("#id_new_password1", "xiangyang-grid-2026")
    newcomer.fill("#id_new_password2", "xiangyang-grid-2026")
    shot(newcomer, "accounts-first-login-phone")
    newcomer.click("main button[type=submit]")
    expect(newcomer.locator(".messages")).to_contain_text("密码已修改")
    expect(newcomer.locator("h1")).to_contain_text("向阳村第一网格")


def test_township_admin_issues_one_account_with_the_type_ahead(browser_world, page_for):
    w = browser_world
    page = page_for("desktop")
    sign_in(page, w.township_admin.username, PASSWORD)
    page.goto("/accounts/new/")
    page.select_option("select[name=role]", "grid_worker")
    page.fill("#subject-q", "向阳")
    expect(page.locator("#subjects input[type=radio]")).to_have_count(1)  # the search answered
    expect(page.locator("#subjects")).not_to_contain_text("柳树村")  # never outside the scope
    option = page.get_by_label("向阳村第一网格 · G-2")
    option.check()
    shot(page, "accounts-issue-form-desktop")
    page.click("#issue-submit")
    expect(page.locator("#issued")).to_contain_text("g-g-2")
    shot(page, "accounts-issue-one-desktop")
