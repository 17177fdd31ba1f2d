"""Every URL of the project is checked for scoping here, and a new URL fails the suite until
it is: ``test_every_url_is_covered`` walks the URL resolver and demands a case for each route.

A case names a persona who may use the URL (expects 2xx or a redirect) and an outsider persona
who must get 404 — the same answer as for a row that does not exist. Routes without a
protected object (the login page, health check) are listed in ``PUBLIC`` with the reason.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.url_case import Case, url

PUBLIC = {
    "login/": "the login page itself",
    "logout/": "ends the caller's own session",
    "healthz": "the load balancer's health check; reveals nothing",
    "i18n/setlang/": "sets the caller's language cookie",
    "api/": "ninja's root marker: always 404",
    "api/openapi.json": "the API description; no data",
    "api/docs": "the API docs page; no data",
    "api/auth/token": "exchanges the caller's own credentials for a token",
}


def committee_post_url(world) -> str:
    from datetime import date

    from orgs.domain.people import save_committee_post
    from orgs.models import CommitteePost

    post = CommitteePost(
        region=world.village,
        name="书记",
        gender="male",
        birth_date=date(1980, 1, 1),
        education="college",
        party_post="secretary",
        term_start=date(2021, 6, 1),
    )
    return f"/committees/posts/{save_committee_post(None, post).pk}/edit/"


CASES = [
    Case("", url("/"), "resident", None),
    Case("tree/", url("/tree/"), "township_admin", None),
    Case(
        "tree/regions/<int:pk>/", url("/tree/regions/{}/", "township"), "township_admin", "outsider"
    ),
    Case("tree/grids/<int:pk>/", url("/tree/grids/{}/", "grid"), "grid_worker", "outsider"),
    Case(
        "tree/organizations/<int:pk>/",
        url("/tree/organizations/{}/", "branch_org"),
        "branch",
        "outsider",
    ),
    Case("members/", url("/members/?region={}", "township"), "township_admin", "outsider"),
    Case("members/<int:pk>/", url("/members/{}/", "member_person"), "member", "outsider"),
    Case(
        "members/<int:pk>/reveal/",
        url("/members/{}/reveal/", "member_person"),
        "branch",
        "outsider",
        method="post",
    ),
    Case("members/new/", url("/members/new/"), "branch", "grid_worker"),
    Case("members/<int:pk>/edit/", url("/members/{}/edit/", "member_person"), "branch", "outsider"),
    Case("households/new/", url("/households/new/"), "township_admin", "resident"),
    Case(
        "households/<int:pk>/edit/",
        url("/households/{}/edit/", "household"),
        "township_admin",
        "outsider",
    ),
    Case(
        "committees/villages/<int:pk>/posts/new/",
        url("/committees/villages/{}/posts/new/", "village"),
        "branch",
        "outsider",
    ),
    Case("committees/posts/<int:pk>/edit/", committee_post_url, "branch", "outsider"),
    Case("households/", url("/households/?region={}", "village"), "branch", "outsider"),
    Case("households/<int:pk>/", url("/households/{}/", "household"), "resident", "outsider"),
    Case(
        "households/<int:pk>/reveal/",
        url("/households/{}/reveal/", "household"),
        "grid_worker",
        "outsider",
        method="post",
    ),
    Case("committees/", url("/committees/?region={}", "township"), "township_admin", "outsider"),
    Case(
        "committees/villages/<int:pk>/",
        url("/committees/villages/{}/", "village"),
        "branch",
        "outsider",
    ),
    Case("audit/", url("/audit/"), "township_admin", "resident"),
    Case("transfer/", url("/transfer/"), "branch", "resident"),
    Case(
        "transfer/<str:kind>/template.xlsx",
        url("/transfer/members/template.xlsx"),
        "branch",
        "grid_worker",
    ),
    Case(
        "transfer/<str:kind>/export.xlsx",
        url("/transfer/households/export.xlsx?region={}", "township"),
        "township_admin",
        "outsider",
    ),
    Case(
        "transfer/<str:kind>/import/",
        url("/transfer/regions/import/"),
        "county_admin",
        "branch",  # a branch account does not import regions
        method="post",
    ),
    Case("api/regions/", url("/api/regions/?parent={}", "township"), "township_admin", "outsider"),
    Case("api/regions/<id>", url("/api/regions/{}", "village"), "resident", "outsider"),
    Case(
        "api/organizations/",
        url("/api/organizations/?parent={}", "township_committee"),
        "township_admin",
        "outsider",
    ),
    Case(
        "api/organizations/<id>", url("/api/organizations/{}", "branch_org"), "branch", "outsider"
    ),
    Case("api/grids/", url("/api/grids/?region={}", "village"), "grid_worker", "outsider"),
    Case("api/grids/<id>", url("/api/grids/{}", "grid"), "grid_worker", "outsider"),
    Case("api/members/", url("/api/members/?organization={}", "branch_org"), "branch", "outsider"),
    Case("api/members/<id>", url("/api/members/{}", "member_person"), "member", "outsider"),
    Case(
        "api/households/", url("/api/households/?region={}", "village"), "grid_worker", "outsider"
    ),
    Case("api/households/<id>", url("/api/households/{}", "household"), "resident", "outsider"),
]


def _app_cases() -> list[Case]:
    """Cases that each app keeps beside its own tests, in ``<app>/tests/url_cases*.py``
    (a module-level ``CASES`` list of ``Case``), so apps do not edit one shared file."""
    import importlib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    found = []
    for path in sorted(root.glob("*/tests/url_cases*.py")):
        module = importlib.import_module(".".join(path.relative_to(root).with_suffix("").parts))
        found += module.CASES
    return found


CASES += _app_cases()


def all_routes(patterns=None, prefix: str = "") -> list[str]:
    routes = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            routes += all_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            routes.append(prefix + str(entry.pattern))
    return routes


def test_every_url_is_covered():
    covered = {case.route for case in CASES} | set(PUBLIC)
    missing = [route for route in all_routes() if route not in covered]
    assert not missing, f"URLs without a scoping case in tests/test_url_scoping.py: {missing}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.route or "home")
def test_allowed_persona_gets_the_page(case, world, client):
    client.force_login(getattr(world, case.allowed))
    response = case.send(client, world)
    assert response.status_code in (200, 201, 302), response.content[:300]


@pytest.mark.parametrize("case", [c for c in CASES if c.outsider], ids=lambda c: c.route)
def test_outsider_gets_404(case, world, client):
    client.force_login(getattr(world, case.outsider))
    response = case.send(client, world)
    assert response.status_code == 404


@pytest.mark.parametrize("case", [c for c in CASES if c.route not in PUBLIC], ids=lambda c: c.route)
def test_anonymous_is_sent_to_login(case, world, client):
    response = case.send(client, world)
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert "/login/" in response["Location"]
