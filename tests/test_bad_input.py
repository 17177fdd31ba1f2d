"""Bad input is answered with a clear 4xx, never a 500 (issue 11, security findings):
integers beyond 64 bits in page URLs and in every API path, parameter and body; years the
database cannot hold in filters; malformed ids in a page's parameters."""

import pytest

from orglife.tests.test_api import Api

HUGE = "9" * 20
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address", [f"/members/{HUGE}/", f"/tree/regions/{HUGE}/", f"/households/{HUGE}/edit/"]
)
def test_a_page_url_with_a_huge_id_is_not_found(world, client, address):
    client.force_login(world.county_admin)
    assert client.get(address).status_code == 404


@pytest.mark.parametrize(
    "address",
    [
        f"/api/members/{HUGE}",
        f"/api/services/requests/{HUGE}",
        f"/api/incidents/{HUGE}",
        f"/api/services/requests/{HUGE}/photos/1",
    ],
)
def test_an_api_path_with_a_huge_id_is_not_found(world, client, address):
    response = Api(client, world.county_admin).get(address)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_api_parameter_or_body_value_beyond_64_bits_is_refused(world, client):
    api = Api(client, world.county_admin)
    listed = api.get("/api/services/centres/", {"region": HUGE})
    assert listed.status_code == 422
    assert listed.json()["errors"][0]["field"] == "region"
    moved = api.post_json("/api/services/requests/1/dispatch", {"unit": 2**64})
    assert moved.status_code == 422 and moved.json()["errors"][0]["field"] == "unit"
    negative = api.get("/api/services/centres/", {"region": f"-{HUGE}"})
    assert negative.status_code == 422


def _pages(world) -> list[str]:
    t, g = world.township.pk, world.grid.pk
    pages = ["/incidents/candidates/?grid=abc&type=x", "/orglife/calendar/?year=99999"]
    for y in ("0001", "9999"):
        pages += [
            f"/incidents/?since={y}-01-01&until={y}-12-31",
            f"/incidents/centre/?region={t}&since={y}-01-01&until={y}-12-31",
            f"/incidents/centre/children.xlsx?region={t}&since={y}-01-01&until={y}-12-31",
            f"/audit/?since={y}-01-01",
            f"/points/rankings/?region={t}&period={y}&span=year",
            f"/points/board/{g}/?period={y}-W52&span=week",
            f"/open311/v2/requests.json?start_date={y}-01-01&end_date={y}-01-02",
            f"/open311/v2/requests.xml?start_date={y}-12-30T00:00:00Z",
        ]
    return pages


def test_years_out_of_range_and_garbled_ids_never_answer_500(world, client):
    from points.tests.url_cases import installed

    installed(world)
    client.raise_request_exception = False
    for persona in (world.grid_worker, world.branch, world.county_admin):
        client.force_login(persona)
        for address in _pages(world):
            response = client.get(address)
            assert response.status_code < 500, (persona, address)


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00", "9999-12-31T23:59:59+08:00"])
def test_an_incident_dated_year_1_or_9999_is_refused_clearly(world, client, moment):
    from incidents.models import Incident
    from incidents.tests.support import install

    hazard = install(world)["safety_hazard"]
    fields = {"type": hazard.pk, "description": "路灯坏了", "occurred_at": moment}
    response = Api(client, world.grid_worker).post("/api/incidents/", fields)
    assert response.status_code == 422
    assert "1900" in response.json()["errors"][0]["message"]
    client.force_login(world.grid_worker)
    page = client.post("/incidents/new/", {**fields, "occurred_at": moment[:16]})
    assert page.status_code == 200 and "1900" in page.content.decode()
    assert not Incident.objects.exists()
