"""The issue's story in a real browser: the branch gets a warning, uploads the missing
meeting with a photo from a phone, and the township admin watches the warning go from open
to closed."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from orglife.domain.compliance import generate_due
from orglife.domain.requirements import install_defaults
from orglife.domain.warnings import sweep
from orglife.models import Warning
from tests.browser.conftest import shot, sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def warned_world(browser_world):
    """Requirements from the month before last: its on-time window has closed whatever the
    day of this month (last month's is still open in the first days of a month), so the
    sweep has warned the branch for it."""
    today = timezone.localdate()
    warned_month = (today.replace(day=1) - timedelta(days=32)).replace(day=1)
    install_defaults(None, browser_world.county, since=warned_month)
    generate_due(today)
    sweep()
    return browser_world, warned_month


def photo_file(tmp_path):
    path = tmp_path / "meeting.jpg"
    buffer = BytesIO()
    Image.new("RGB", (640, 480), (180, 40, 40)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_branch_uploads_the_missing_meeting_and_the_township_closes_the_warning(
    warned_world, page_for, tmp_path
):
    world, warned_month = warned_world
    warning = Warning.objects.get(
        organization=world.branch_org,
        activity_type__code="committee_meeting",
        period_start=warned_month,
    )
    assert warning.status == "open"

    phone = page_for("phone")
    sign_in(phone, world.branch.username, PASSWORD)
    phone.goto("/inbox/")
    expect(phone.locator("ul.rows")).to_contain_text("支部委员会")
    phone.goto(f"/orglife/warnings/{warning.pk}/")
    shot(phone, "orglife-warning-branch-phone")
    phone.get_by_role("link", name="补传记录").click()
    phone.fill("input[name=topic]", "补开十月支部委员会")
    phone.fill("input[name=place]", "村党群服务中心")
    phone.fill("input[name=held_on]", (warned_month + timedelta(days=27)).isoformat())
    phone.set_input_files("input[name=photos]", str(photo_file(tmp_path)))
    shot(phone, "orglife-upload-form-phone")
    phone.get_by_role("button", name="上传").click()
    expect(phone.locator("h1")).to_contain_text("补开十月支部委员会")
    expect(phone.locator("img").first).to_be_visible()
    shot(phone, "orglife-record-phone")
    warning.refresh_from_db()
    assert warning.status == "rectified" and warning.rectifying_record is not None

    desk = page_for("desktop")
    sign_in(desk, world.township_admin.username, PASSWORD)
    desk.goto(f"/orglife/warnings/{warning.pk}/")
    expect(desk.locator("body")).to_contain_text("已整改")
    desk.get_by_role("button", name="销号").click()
    expect(desk.locator("body")).to_contain_text("已销号")
    shot(desk, "orglife-warning-closed-desktop")
    warning.refresh_from_db()
    assert warning.status == "closed"


def test_a_bad_photo_keeps_the_form(warned_world, page_for, tmp_path):
    world, _ = warned_world
    page = page_for("phone")
    sign_in(page, world.branch.username, PASSWORD)
    page.goto("/orglife/records/new/")
    page.check("input[name=activity_types] >> nth=0")
    page.fill("input[name=topic]", "主题党日：学习新思想")
    page.fill("input[name=place]", "村部")
    page.fill("input[name=held_on]", timezone.localdate().isoformat())
    fake = tmp_path / "not-a-photo.jpg"
    fake.write_text("this is text, not a picture")
    page.set_input_files("input[name=photos]", str(fake))
    page.get_by_role("button", name="上传").click()
    expect(page.locator("body")).to_contain_text(re.compile("不是可识别的图片"))
    expect(page.locator("input[name=topic]")).to_have_value("主题党日：学习新思想")


def test_township_admin_sees_the_command_centre_on_desktop_and_phone(
    warned_world, page_for, viewport
):
    world, _ = warned_world
    page = page_for(viewport)
    sign_in(page, world.township_admin.username, PASSWORD)
    page.goto("/orglife/")
    expect(page.locator("h1")).to_contain_text("东风镇")
    expect(page.locator("body")).to_contain_text("红旗村")
    shot(page, f"orglife-centre-{viewport}")
