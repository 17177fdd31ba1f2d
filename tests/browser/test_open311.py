"""The Open311 story in a real browser: the county admin issues a key for a civic client and
sees it once; the client posts a request with it; the admin sees the request with the
submitter's phone masked, and revokes the key, after which the client is refused."""

import pytest
from playwright.sync_api import expect

from open311.models import ApiKey
from services.models import ServiceRequest
from services.tests.factories import make_catalogue
from tests.browser.conftest import shot, sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def test_county_admin_issues_a_key_the_client_posts_and_the_admin_revokes(
    browser_world, page_for, viewport
):
    world = browser_world
    make_catalogue(world.county)
    page = page_for(viewport)
    sign_in(page, world.county_admin.username, PASSWORD)
    # the keys are an administration page: behind 「设置」, linked from the county's home
    page.click("main >> text=设置（Open311 密钥等）")
    page.click("main a:has-text('Open311 密钥')")
    page.fill("#id_client_name", "随手拍")
    page.fill("#id_contact", "客服 400-000")
    page.click("form.edit button[type=submit]")
    secret = page.locator("code.secret").inner_text().strip()
    assert len(secret) >= 24
    shot(page, f"open311-key-issued-{viewport}")

    answer = page.request.post(
        "/open311/v2/requests.json",
        form={
            "api_key": secret,
            "service_code": "01002",
            "address_string": "村部",
            "attribute[village]": world.village.code,
            "phone": "13912345678",
            "last_name": "张",
            "first_name": "三",
        },
    )
    assert answer.status == 200, answer.text()
    token = answer.json()[0]["token"]
    found = page.request.get(f"/open311/v2/tokens/{token}.xml")
    assert "<service_request_id>" in found.text()
    assert ServiceRequest.objects.filter(source="open311", region=world.village).count() == 1

    page.goto("/open311/keys/")
    expect(page.locator("code.secret")).to_have_count(0)  # shown once
    page.click("text=随手拍")
    expect(page.locator("main")).to_contain_text("139****5678")
    expect(page.locator("main")).not_to_contain_text("13912345678")
    shot(page, f"open311-key-detail-{viewport}")
    page.click("button.danger")
    expect(page.locator("main")).to_contain_text("已吊销")
    assert not ApiKey.objects.get(client_name="随手拍").is_active
    refused = page.request.post(
        "/open311/v2/requests.xml", form={"api_key": secret, "service_code": "01002"}
    )
    assert refused.status == 403 and "<errors>" in refused.text()
