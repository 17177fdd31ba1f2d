"""Grid incidents in a real browser on a 360-px phone: a grid worker reports with a photo;
a report made offline arrives exactly once when the network returns; a township admin
watches the live list pick up a new incident without a reload and assigns it."""

from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from incidents.domain.catalogue import install_defaults
from incidents.models import Incident
from incidents.tests.support import reported
from tests.browser.conftest import shot, sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def county(browser_world):
    install_defaults(None, browser_world.county)
    return browser_world


def photo_file(tmp_path):
    path = tmp_path / "scene.jpg"
    buffer = BytesIO()
    Image.new("RGB", (640, 480), (40, 90, 180)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def fill_report(page, text):
    page.goto("/incidents/new/")
    page.select_option("select[name=type]", label="安全隐患")
    page.fill("textarea[name=description]", text)


def test_a_grid_worker_reports_with_a_photo(county, page_for, tmp_path):
    phone = page_for("phone")
    sign_in(phone, county.grid_worker.username, PASSWORD)
    expect(phone.get_by_role("link", name="上报事件").first).to_be_visible()
    fill_report(phone, "村东桥头护栏松动")
    phone.set_input_files("input[name=photos]", str(photo_file(tmp_path)))
    shot(phone, "incidents-report-phone")
    phone.get_by_role("button", name="上报").click()
    expect(phone.locator("h1")).to_contain_text("安全隐患")
    expect(phone.locator(".photos img").first).to_be_visible()
    shot(phone, "incidents-detail-phone")
    assert Incident.objects.get().photos.count() == 1


def test_an_offline_report_arrives_once(county, page_for):
    phone = page_for("phone")
    sign_in(phone, county.grid_worker.username, PASSWORD)
    fill_report(phone, "离线时上报：水渠决口")
    phone.context.set_offline(True)
    phone.get_by_role("button", name="上报").click()
    expect(phone.locator("#offline-status")).to_contain_text("暂存在本机")
    assert Incident.objects.count() == 0
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("#offline-status")).to_be_hidden(timeout=15_000)
    expect(phone.locator("#offline-sent")).to_be_visible()
    expect(phone.locator("#offline-sent")).to_contain_text("暂存的事件已发送")
    shot(phone, "incidents-offline-sent-phone")
    phone.reload()
    assert Incident.objects.filter(description="离线时上报：水渠决口").count() == 1
    assert Incident.objects.count() == 1


def test_a_refused_report_keeps_the_photo_and_the_text(county, page_for, tmp_path):
    """On a 360-px phone: required fields show their *, a report refused (no description)
    comes back with the typed text and the chosen photo as a thumbnail, and the resubmit
    stores the photo without choosing it again."""
    phone = page_for("phone")
    sign_in(phone, county.grid_worker.username, PASSWORD)
    phone.goto("/incidents/new/")
    for name in ("type", "description", "occurred_at"):
        expect(phone.locator(f"label[for=id_{name}] .required-mark")).to_have_text("*")
    expect(phone.locator("label[for=id_photos] .required-mark")).to_have_count(0)
    phone.fill("textarea[name=description]", "村西水井盖缺失")  # no type chosen: refused
    phone.set_input_files("input[name=photos]", str(photo_file(tmp_path)))
    phone.get_by_role("button", name="上报").click()
    expect(phone.locator(".errors")).to_be_visible()
    kept = phone.locator(".pending-photo img")
    expect(kept).to_be_visible()
    assert kept.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(phone.locator("textarea[name=description]")).to_have_value("村西水井盖缺失")
    shot(phone, "incidents-refused-keeps-photo-phone")
    assert Incident.objects.count() == 0
    phone.select_option("select[name=type]", label="安全隐患")
    phone.get_by_role("button", name="上报").click()
    expect(phone.locator("h1")).to_contain_text("安全隐患")
    expect(phone.locator("body")).to_contain_text("事件已上报")
    incident = Incident.objects.get()
    assert incident.description == "村西水井盖缺失" and incident.photos.count() == 1


def test_the_township_watches_the_live_list_and_assigns(county, page_for):
    phone = page_for("phone")
    sign_in(phone, county.township_admin.username, PASSWORD)
    phone.goto("/incidents/")
    expect(phone.locator("#incident-rows")).to_contain_text("没有事件")
    incident = reported(county, description="路灯损坏三盏")
    expect(phone.locator(f"#incident-{incident.pk}")).to_be_visible(timeout=12_000)
    shot(phone, "incidents-live-list-phone")
    phone.locator(f"#incident-{incident.pk} a").click()
    phone.select_option("#move-assign select[name=unit]", label="青山旗农牧局")
    phone.locator("#move-assign button[type=submit]").click()
    expect(phone.locator("body")).to_contain_text("已交办")
    incident.refresh_from_db()
    assert incident.state.code == "assigned" and incident.assigned_unit == county.unit_org
