"""Browser tests: real headless Chromium (Debian's package) driven by Playwright against
Django's live server, on a desktop and on a phone-sized viewport. Screenshots go to
``test-artifacts/screenshots`` so a person can look at what each role sees."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LINGYAN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 860}},
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("LINGYAN_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/ensure-chromium.sh")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def page_for(chromium, live_server):
    """``page_for(viewport)`` opens a fresh browser context of that size."""
    contexts = []

    def open_page(kind: str):
        context = chromium.new_context(
            base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **VIEWPORTS[kind]
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def browser_world(transactional_db):
    from tests.world import build_world

    return build_world()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
