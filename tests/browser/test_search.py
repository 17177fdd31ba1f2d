"""Search on a 360-px phone: the request form's type-ahead finds a service by a word of its
category and a proxy's household by a part of the head's name; the global search of a
township admin answers as one types."""

import pytest
from playwright.sync_api import expect

from services.models import ServiceRequest
from services.tests.factories import make_catalogue
from tests.browser.conftest import shot, sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def test_a_grid_worker_orders_for_a_household_found_by_name(browser_world, page_for):
    world = browser_world
    catalogue = make_catalogue(world.county)
    phone = page_for("phone")
    sign_in(phone, world.grid_worker.username, PASSWORD)
    phone.goto("/services/requests/new/")
    expect(phone.locator("select")).to_have_count(0)  # neither 205 services nor households
    phone.fill("input[name=household_q]", "秀英")
    household = phone.locator(
        f"input[name=household][value='{world.other_household_same_grid.pk}']"
    )
    expect(household).to_be_visible()
    household.check()
    phone.fill("input[name=item_q]", "农牧")
    item = phone.locator(f"input[name=item][value='{catalogue.items[3].pk}']")
    expect(item).to_be_visible()
    item.check()
    phone.fill("input[name=item_q]", "农机")  # a new search keeps the choice
    expect(item).to_be_checked()
    phone.fill("textarea[name=description]", "代老人申请农机购置补贴")
    shot(phone, "services-typeahead-phone")
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("body")).to_contain_text("诉求已提交")
    made = ServiceRequest.objects.get()
    assert made.household == world.other_household_same_grid and made.item == catalogue.items[3]


def test_the_township_admin_searches_everything_from_the_nav(browser_world, page_for):
    world = browser_world
    phone = page_for("phone")
    sign_in(phone, world.township_admin.username, PASSWORD)
    phone.goto("/search/")
    phone.fill("input[name=q]", "王建国")
    expect(phone.locator(f"a[href='/households/{world.household.pk}/']")).to_be_visible()
    shot(phone, "search-phone")
    phone.fill("input[name=q]", "柳树")  # the other township's
    expect(phone.locator("#search-results")).not_to_contain_text("柳树村党支部")
