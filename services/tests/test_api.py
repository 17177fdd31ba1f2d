"""The services API: scoped lists, detail with history, submission with photos and an
idempotency key, the moves with structured errors, wishes — every answer checked against
the OpenAPI document."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from orglife.tests.test_api import Api, check
from services.domain import requests
from services.models import ServiceRequest
from services.tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    return lambda user: Api(client, user)


@pytest.fixture
def document(client):
    return client.get("/api/openapi.json").json()


def photo():
    out = BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_resident_submits_once_per_key_and_the_unit_finishes_it(world, api, document):
    item = make_catalogue(world.county).items[0]
    resident, branch, unit = api(world.resident), api(world.branch), api(world.unit)
    form = {"item": item.pk, "description": "申请低保", "idempotency_key": "k-1"}
    created = resident.post("/api/services/requests/", {**form, "photos": [photo()]})
    assert created.status_code == 201, created.content
    check(document, "/api/services/requests/", created, "post")
    again = resident.post("/api/services/requests/", form)
    assert again.json()["id"] == created.json()["id"] and ServiceRequest.objects.count() == 1
    pk = created.json()["id"]
    stored = ServiceRequest.objects.get(pk=pk).photos.get()  # ids are not reset between tests
    assert created.json()["photos"][0]["url"].endswith(
        f"/api/services/requests/{pk}/photos/{stored.pk}"
    )

    moved = branch.post(f"/api/services/requests/{pk}/dispatch", {"unit": world.unit_org.pk})
    check(document, "/api/services/requests/{id}/dispatch", moved, "post")
    assert moved.json()["status"] == "dispatched"
    assert unit.get(f"/api/services/requests/{pk}").json()["actions"] == ["accept", "send_back"]
    check(
        document,
        "/api/services/requests/{id}/accept",
        unit.post(f"/api/services/requests/{pk}/accept"),
        "post",
    )
    invalid = unit.post(f"/api/services/requests/{pk}/finish", {"note": ""})
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["field"] == "note"
    check(document, "/api/services/requests/{id}/finish", invalid, "post")
    unit.post(f"/api/services/requests/{pk}/finish", {"note": "已办结"})
    forbidden = unit.post(f"/api/services/requests/{pk}/rate", {"rating": 5})
    assert forbidden.status_code == 403
    check(document, "/api/services/requests/{id}/rate", forbidden, "post")
    bad = resident.post(f"/api/services/requests/{pk}/rate", {"rating": 9})
    assert bad.status_code == 422
    rated = resident.post(f"/api/services/requests/{pk}/rate", {"rating": 5, "comment": "好"})
    check(document, "/api/services/requests/{id}/rate", rated, "post")
    conflict = resident.post(f"/api/services/requests/{pk}/rate", {"rating": 4})
    assert conflict.status_code == 409
    check(document, "/api/services/requests/{id}/rate", conflict, "post")
    detail = resident.get(f"/api/services/requests/{pk}")
    check(document, "/api/services/requests/{id}", detail)
    assert [e["to_status"] for e in detail.json()["history"]] == [
        "submitted",
        "dispatched",
        "accepted",
        "done",
        "rated",
    ]


def test_lists_are_scoped_and_outsiders_get_404(world, api, document):
    item = make_catalogue(world.county).items[0]
    mine = requests.submit_request(
        world.resident, requests.RequestInput(description="x", item=item, household=world.household)
    )
    listing = api(world.resident).get("/api/services/requests/")
    check(document, "/api/services/requests/", listing)
    assert [r["id"] for r in listing.json()["items"]] == [mine.pk]
    assert api(world.unit).get("/api/services/requests/").json()["count"] == 0
    assert api(world.outsider).get(f"/api/services/requests/{mine.pk}").status_code == 404
    for path in (
        "/api/services/items/",
        "/api/services/categories/",
        "/api/services/centres/",
        "/api/services/wishes/",
    ):
        check(document, path, api(world.resident).get(path))


def test_wishes_over_the_api(world, api, document):
    resident, member = api(world.resident), api(world.member)
    posted = resident.post("/api/services/wishes/", {"title": "想要一副老花镜"})
    assert posted.status_code == 201
    check(document, "/api/services/wishes/", posted, "post")
    pk = posted.json()["id"]
    assert member.get(f"/api/services/wishes/{pk}").json()["actions"] == ["claim"]
    check(
        document,
        "/api/services/wishes/{id}/claim",
        member.post(f"/api/services/wishes/{pk}/claim"),
        "post",
    )
    fulfilled = member.post(
        f"/api/services/wishes/{pk}/fulfil", {"note": "已送到", "photo": photo()}
    )
    check(document, "/api/services/wishes/{id}/fulfil", fulfilled, "post")
    confirmed = resident.post(f"/api/services/wishes/{pk}/confirm")
    assert confirmed.json()["status"] == "confirmed"
    refused = api(world.unit).post("/api/services/wishes/", {"title": "x"})
    assert refused.status_code == 403


def test_the_document_lists_the_services_paths(document):
    paths = {p for p in document["paths"] if p.startswith("/api/services/")}
    moves = {
        f"/api/services/requests/{{id}}/{m}"
        for m in ("dispatch", "reject", "accept", "send-back", "finish", "rate", "reopen")
    }
    assert paths == {
        "/api/services/categories/",
        "/api/services/items/",
        "/api/services/items/{id}",
        "/api/services/centres/",
        "/api/services/centres/{id}",
        "/api/services/requests/",
        "/api/services/requests/{id}",
        "/api/services/requests/{id}/photos/{photo_id}",
        *moves,
        "/api/services/wishes/",
        "/api/services/wishes/{id}",
        "/api/services/wishes/{id}/claim",
        "/api/services/wishes/{id}/fulfil",
        "/api/services/wishes/{id}/confirm",
        "/api/services/registrations/",
    }
    upload = document["paths"]["/api/services/requests/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_no_schema_name_is_shared_with_another_router():
    """ninja names components by class: two routers' ``PhotoOut`` would overwrite each other
    in the document and make one of them describe the other's answers."""
    from ninja import Schema

    import orglife.api
    import orgs.api
    import services.api

    def schemas(module):
        return {
            n
            for n, v in vars(module).items()
            if isinstance(v, type) and issubclass(v, Schema) and v.__module__ == module.__name__
        }

    assert not schemas(services.api) & (schemas(orglife.api) | schemas(orgs.api))
