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
