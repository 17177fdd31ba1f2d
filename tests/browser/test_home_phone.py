"""On a 390-px phone: every role sees the inbox and its unread count in the header, opens a
message and finds it read; every link on every role's home — the header, the navigation and
its 「更多」, the to-dos and the cards — answers 200."""

from dataclasses import fields

import pytest
from playwright.sync_api import expect

from accounts.models import User
from notifications.domain import notify
from notifications.models import Notification
from tests.browser.conftest import shot, sign_in
from tests.world import PASSWORD, World

pytestmark = pytest.mark.browser

PHONE_390 = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
PERSONAS = [f.name for f in fields(World) if f.type in (User, "User")]


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE_390
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_a_phone_user_sees_the_unread_count_opens_the_message_and_it_is_read(browser_world, phone):
    world = browser_world
    notify(
        [world.grid_worker],
        "incident-close:1",
        "您上报的事件已关闭",
        "环境卫生 · 红旗村第一网格",
        "/incidents/",
    )
    sign_in(phone, world.grid_worker.username, PASSWORD)
    inbox = phone.locator("header.top a.inbox")
    expect(inbox).to_contain_text("消息")
    expect(inbox.locator(".count")).to_have_text("1")
    assert in_viewport(phone, inbox), "the inbox is off-screen on a phone"
    shot(phone, "home-phone-unread-grid-worker")
    inbox.click()
    phone.click("text=您上报的事件已关闭")
    phone.wait_for_url("**/incidents/")
    assert Notification.objects.get(user=world.grid_worker).read_at is not None
    expect(phone.locator("header.top a.inbox .count")).to_have_count(0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_link_on_each_roles_phone_home_answers_200(browser_world, phone, persona):
    world = browser_world
    sign_in(phone, getattr(world, persona).username, PASSWORD)
    phone.goto("/")
    assert in_viewport(phone, phone.locator("header.top a.inbox"))
    more = phone.locator("nav.main details.more summary")
    if more.count():
        more.click()  # 「更多」 opens the rest of the navigation, without a script
        expect(phone.locator("nav.main details.more .menu a").first).to_be_visible()
    shot(phone, f"home-phone-{persona}")
    hrefs = phone.eval_on_selector_all(
        "a[href]",
        "links => links.filter(a => a.offsetParent !== null)"
        ".map(a => a.getAttribute('href')).filter(h => h.startsWith('/'))",
    )
    assert hrefs
    broken = {}
    for href in dict.fromkeys(hrefs):
        status = phone.request.get(href).status
        if status != 200:
            broken[href] = status
    assert not broken, f"{persona} sees links that do not work on a phone: {broken}"
