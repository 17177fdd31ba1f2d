"""Scoping cases for the incident pages and API (``tests/test_url_scoping.py``): the test
county's grid 红旗村第一网格 gets an incident from its grid worker, reached by its people and
refused, with 404, to the other township's admin (or, for reporting, to anyone not a grid
worker)."""

from incidents.tests.support import an_emergency, assigned, install, reported, resolved
from tests.url_case import Case


def incident_url(template):
    def build(world):
        return template.format(reported(world, photo=True).pk)

    return build


def photo_url(world):
    incident = reported(world, photo=True)
    return f"/incidents/{incident.pk}/photos/{incident.photos.first().pk}/"


def emergency_url(template):
    return lambda world: template.format(an_emergency(world).pk)


def with_types(path):
    def build(world):
        types = install(world)
        return path.format(types["safety_hazard"].pk, world.grid.pk)

    return build


def resolved_url(template):
    return lambda world: template.format(resolved(world).pk)


CASES = [
    Case("incidents/", incident_url("/incidents/?x={}"), "township_admin", None),
    Case("incidents/live/", incident_url("/incidents/live/?x={}"), "grid_worker", None),
    Case(
        "incidents/export.xlsx",
        lambda w: f"/incidents/export.xlsx?region={w.township.pk}",
        "township_admin",
        "outsider",
    ),
    Case("incidents/new/", with_types("/incidents/new/?t={}"), "grid_worker", "township_admin"),
    Case(
        "incidents/candidates/",
        with_types("/incidents/candidates/?type={}&grid={}"),
        "grid_worker",
        "outsider",
    ),
    Case(
        "incidents/centre/",
        lambda w: f"/incidents/centre/?region={w.township.pk}",
        "township_admin",
        "outsider",
    ),
    Case(
        "incidents/centre/<str:table>.xlsx",
        lambda w: f"/incidents/centre/children.xlsx?region={w.township.pk}",
        "township_admin",
        "outsider",
    ),
    Case("incidents/emergencies/", lambda w: "/incidents/emergencies/", "grid_worker", None),
    Case(
        "incidents/emergencies/<int:pk>/",
        emergency_url("/incidents/emergencies/{}/"),
        "grid_worker",
        "outsider",
    ),
    Case(
        "incidents/emergencies/<int:pk>/close/",
        emergency_url("/incidents/emergencies/{}/close/"),
        "township_admin",
        "outsider",
        method="post",
    ),
    Case("incidents/settings/", lambda w: "/incidents/settings/", "county_admin", "resident"),
    Case("incidents/<int:pk>/", incident_url("/incidents/{}/"), "grid_worker", "outsider"),
    Case(
        "incidents/<int:pk>/follow-up/",
        incident_url("/incidents/{}/follow-up/"),
        "grid_worker",
        "outsider",
        method="post",
        data={"note": "水位还在上涨"},
    ),
    Case("incidents/<int:pk>/photos/<int:photo_id>/", photo_url, "township_admin", "outsider"),
    Case(
        "incidents/<int:pk>/<str:action>/",
        resolved_url("/incidents/{}/close/"),
        "township_admin",
        "outsider",
        method="post",
    ),
    Case(
        "api/incidents/emergencies/",
        lambda w: "/api/incidents/emergencies/",
        "township_admin",
        None,
    ),
    Case(
        "api/incidents/emergencies/<id>",
        emergency_url("/api/incidents/emergencies/{}"),
        "grid_worker",
        "outsider",
    ),
    Case(
        "api/incidents/candidates",
        with_types("/api/incidents/candidates?type={}&grid={}"),
        "grid_worker",
        "outsider",
    ),
    Case(
        "api/incidents/",
        lambda w: f"/api/incidents/?region={w.township.pk}",
        "township_admin",
        "outsider",
    ),
    Case("api/incidents/<id>", incident_url("/api/incidents/{}"), "grid_worker", "outsider"),
]


def move_case(action, build, persona, fill=None):
    """A move on an incident made ready by ``build``; ``fill`` puts ids into the body."""
    data: dict = {"note": "已到现场查看"}

    def url(world):
        incident = build(world)
        if fill:
            data.update(fill(world, incident))
        return f"/api/incidents/{incident.pk}/{action}"

    return Case(f"api/incidents/<id>/{action}", url, persona, "outsider", "post", data)


CASES += [
    move_case("assign", reported, "township_admin", lambda w, i: {"user": w.grid_worker.pk}),
    move_case("progress", assigned, "grid_worker"),
    move_case("resolve", assigned, "grid_worker"),
    move_case("close", resolved, "township_admin"),
    move_case("reopen", resolved, "township_admin"),
    move_case("duplicate", reported, "township_admin", lambda w, i: {"original": reported(w).pk}),
    move_case("invalid", reported, "township_admin"),
]
