"""The Content-Security-Policy in a real browser: each role's main pages, the two forms whose
scripts moved to static files, htmx's live list and the API docs load without a single
violation (a ``securitypolicyviolation`` event or Chromium's "Refused to …" console error)."""

import pytest

from incidents.domain.catalogue import install_defaults
from tests.browser.conftest import sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser

LISTENER = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(
    e.violatedDirective + " " + (e.blockedURI || "inline") + " @" + e.sourceFile + ":" +
      e.lineNumber
  );
});
"""

PAGES = {
    "county_admin": ["/", "/incidents/", "/orglife/", "/services/", "/audit/", "/inbox/"],
    "township_admin": ["/", "/incidents/centre/"],
    "branch": ["/", "/orglife/records/new/", "/points/review/"],
    "grid_worker": ["/", "/incidents/new/", "/points/propose/"],
    "resident": ["/", "/services/requests/new/", "/points/mine/"],
    "unit": ["/"],
    "clerk": ["/"],
}


def watch(page) -> list[str]:
    """Violations seen by the page's listener and Chromium's console, this page and the last."""
    seen: list[str] = []
    page.add_init_script(LISTENER)
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return seen


def violations(page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__violations || []"), *console]


@pytest.fixture
def county(browser_world):
    install_defaults(None, browser_world.county)
    return browser_world


@pytest.mark.parametrize("persona", list(PAGES))
def test_each_roles_main_pages_load_without_a_policy_violation(county, page_for, persona):
    page = page_for("desktop")
    console = watch(page)
    sign_in(page, getattr(county, persona).username, PASSWORD)
    found = {}
    for path in PAGES[persona]:
        response = page.goto(path)
        assert response is not None and response.status < 400, (path, response and response.status)
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
        page.wait_for_load_state("networkidle")
        problems = violations(page, console)
        if problems:
            found[path] = problems
        console.clear()
    assert found == {}


def test_the_moved_scripts_still_run(county, page_for):
    """The report form's clock and the record form's clock come from static files now."""
    for persona, path in (("grid_worker", "/incidents/new/"), ("branch", "/orglife/records/new/")):
        page = page_for("phone")
        console = watch(page)
        sign_in(page, getattr(county, persona).username, PASSWORD)
        page.goto(path)
        assert page.input_value("input[name=device_time]"), path
        assert violations(page, console) == []


def test_htmx_swaps_under_the_policy(county, page_for):
    """htmx's live list polls and swaps (no eval, no injected <style>)."""
    page = page_for("desktop")
    console = watch(page)
    sign_in(page, county.township_admin.username, PASSWORD)
    page.goto("/incidents/")
    with page.expect_response(
        lambda r: "/incidents/" in r.url and r.request.headers.get("hx-request") == "true",
        timeout=8000,
    ):
        pass
    assert (
        page.evaluate("typeof htmx !== 'undefined' && htmx.config.includeIndicatorStyles") is False
    )
    assert violations(page, console) == []


def test_the_api_docs_work_under_their_policy(county, page_for):
    page = page_for("desktop")
    console = watch(page)
    page.goto("/api/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=10_000)
    assert "Lingyan API" in page.inner_text(".swagger-ui .info .title")
    assert violations(page, console) == []
