"""The API never acts on a body it ignores (issue 11, security findings): an endpoint whose
fields are a form takes them as JSON too (``core.api.FormOrJsonParser``), and a body of any
other type is answered 415 before anything changes."""

import pytest

from orglife.tests.test_api import Api
from services.models import ServiceRequest
from services.tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


def submitted(world, client) -> int:
    item = make_catalogue(world.county).items[0]
    created = Api(client, world.resident).post(
        "/api/services/requests/", {"item": item.pk, "description": "申请低保"}
    )
    assert created.status_code == 201, created.content
    return created.json()["id"]


def test_it_dispatches_to_the_unit_named_in_a_json_body(world, client):
    pk = submitted(world, client)
    moved = Api(client, world.branch).post_json(
        f"/api/services/requests/{pk}/dispatch", {"unit": world.unit_org.pk}
    )
    assert moved.status_code == 200, moved.content
    row = ServiceRequest.objects.get(pk=pk)
    assert row.status == "dispatched" and row.unit_id == world.unit_org.pk
    assert not row.self_handled


def test_it_refuses_a_body_it_cannot_read_and_changes_nothing(world, client):
    pk = submitted(world, client)
    branch = Api(client, world.branch)
    xml = branch.post(
        f"/api/services/requests/{pk}/dispatch", "<unit>7</unit>", content_type="text/xml"
    )
    assert xml.status_code == 415 and xml.json()["code"] == "unsupported_media_type"
    garbled = branch.post(
        f"/api/services/requests/{pk}/dispatch", "{unit", content_type="application/json"
    )
    assert garbled.status_code == 400
    listed = branch.post(
        f"/api/services/requests/{pk}/dispatch", "[1]", content_type="application/json"
    )
    assert listed.status_code == 400
    assert ServiceRequest.objects.get(pk=pk).status == "submitted"


def test_the_description_offers_json_for_form_bodies(client):
    document = client.get("/api/openapi.json").json()
    body = document["paths"]["/api/services/requests/{id}/dispatch"]["post"]["requestBody"]
    assert {"application/x-www-form-urlencoded", "application/json"} <= set(body["content"])


def test_the_openapi_document_names_each_answer_once(client):
    """Swagger UI (/api/docs) refuses a document with a key twice in one object."""
    import json

    def refuse_repeats(pairs):
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), f"repeated keys: {keys}"
        return dict(pairs)

    json.loads(client.get("/api/openapi.json").content, object_pairs_hook=refuse_repeats)
