"""Residents' requests in a real browser on a 360-px phone: a request made offline arrives
exactly once when the network returns; the unit accepts and finishes it, the resident rates
it; and the command centre on a desktop and a phone."""

import pytest
from playwright.sync_api import expect

from services.domain import requests
from services.domain.requests import RequestInput
from services.models import ServiceRequest
from services.tests.factories import make_catalogue
from tests.browser.conftest import shot, sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def services_world(browser_world):
    return browser_world, make_catalogue(browser_world.county)


def test_a_request_made_offline_arrives_once_when_the_network_returns(services_world, page_for):
    world, catalogue = services_world
    phone = page_for("phone")
    sign_in(phone, world.resident.username, PASSWORD)
    phone.goto("/")
    phone.get_by_role("link", name="我要办事").first.click()
    phone.wait_for_url("**/services/requests/new/**")  # loaded: htmx has set up the type-ahead
    phone.fill("input[name=item_q]", "高龄")  # the type-ahead (no 200-item select)
    phone.check(f"input[name=item][value='{catalogue.items[1].pk}']")
    phone.fill("textarea[name=description]", "老人满八十岁，申领高龄津贴")
    shot(phone, "services-request-form-phone")
    phone.context.set_offline(True)
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator(".offline-status")).to_be_visible()
    assert ServiceRequest.objects.count() == 0
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("#offline-status")).to_be_hidden(timeout=15_000)
    assert ServiceRequest.objects.count() == 1
    phone.reload()  # a later page load finds nothing left to resend
    phone.goto("/services/requests/")
    expect(phone.locator("ul.rows")).to_contain_text("高龄津贴申领")
    shot(phone, "services-request-list-phone")
    assert ServiceRequest.objects.count() == 1
    assert ServiceRequest.objects.get().submitted_by == world.resident


def test_the_unit_accepts_and_finishes_and_the_resident_rates(services_world, page_for):
    world, catalogue = services_world
    request = requests.submit_request(
        world.resident,
        RequestInput(
            description="牛羊防疫咨询", item=catalogue.items[3], household=world.household
        ),
    )
    requests.dispatch(world.branch, request, world.unit_org)

    unit = page_for("phone")
    sign_in(unit, world.unit.username, PASSWORD)
    expect(unit.locator("body")).to_contain_text("农机购置补贴申请")
    unit.goto(f"/services/requests/{request.pk}/")
    unit.get_by_role("button", name="接单").click()
    expect(unit.locator("body")).to_contain_text("办理中")
    unit.fill("textarea[name=note]", "已上门指导，补贴申请已受理")
    unit.get_by_role("button", name="办结", exact=True).click()
    expect(unit.locator("body")).to_contain_text("待评价")
    shot(unit, "services-unit-done-phone")

    resident = page_for("phone")
    sign_in(resident, world.resident.username, PASSWORD)
    resident.goto(f"/services/requests/{request.pk}/")
    resident.get_by_role("button", name="提交评价").click()
    expect(resident.locator("body")).to_contain_text("请选择评分")
    resident.check("input[name=rating][value='5']")
    resident.fill("textarea[name=comment]", "上门服务，很满意")
    resident.get_by_role("button", name="提交评价").click()
    expect(resident.locator("body")).to_contain_text("已评价")
    shot(resident, "services-rated-phone")
    request.refresh_from_db()
    assert (request.status, request.rating) == ("rated", 5)


def test_the_command_centre_on_desktop_and_phone(services_world, page_for, viewport):
    world, catalogue = services_world
    requests.submit_request(
        world.resident,
        RequestInput(description="x", item=catalogue.items[0], household=world.household),
    )
    page = page_for(viewport)
    sign_in(page, world.township_admin.username, PASSWORD)
    page.goto(f"/services/?region={world.township.pk}")
    expect(page.locator("h1")).to_contain_text("东风镇")
    expect(page.locator("body")).to_contain_text("红旗村")
    shot(page, f"services-centre-{viewport}")
