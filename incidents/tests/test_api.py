"""Incidents over the JSON API with a bearer token, as a phone: report (idempotent), list,
detail with history, moves, candidates, emergencies; structured errors; every answer
checked against the OpenAPI document."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from incidents.models import Incident
from incidents.tests.support import an_emergency, install, jpeg, reported
from orglife.tests.test_api import check


class Api:
    def __init__(self, client, user) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"}

    def get(self, url, params=None):
        return self.client.get(url, params or {}, headers=self.headers)

    def post_json(self, url, body):
        return self.client.post(
            url, json.dumps(body), content_type="application/json", headers=self.headers
        )

    def post(self, url, data):
        return self.client.post(url, data, headers=self.headers)


@pytest.fixture
def api(client):
    return lambda user: Api(client, user)


def test_a_new_report_is_answered_from_the_rows_it_wrote(
    world, api, fresh_builtin_cache, django_capture_on_commit_callbacks
):
    """A new report's answer reads nothing again: the built-in state is read once per process
    (kept when the first report commits) and the history is the event just written. The
    answer is what a detail read gives."""
    types = install(world)
    worker = api(world.grid_worker)
    with django_capture_on_commit_callbacks(execute=True):
        worker.post_json("/api/incidents/", {"type": types["other"].pk, "description": "先报一件"})
    body = {"type": types["dispute"].pk, "description": "草场界线纠纷", "idempotency_key": "k1"}
    with CaptureQueriesContext(connection) as queries:
        created = worker.post_json("/api/incidents/", body)
    assert created.status_code == 201
    read = [
        re.search(r'FROM "(\w+)"', q["sql"]).group(1)
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT")
    ]
    assert read == ["accounts_apitoken", "accounts_roleassignment", "orgs_grid",
                    "incidents_incidenttype"]  # fmt: skip
    assert created.json() == worker.get(f"/api/incidents/{created.json()['id']}").json()
    assert created.json()["history"][0]["action"] == "report"


def test_the_list_reads_the_same_number_of_times_for_any_number_of_rows(world, api):
    """The incident list's rows come with what they show (no query per row): 2 incidents and
    12 (some assigned to a person, some to a unit) cost the same queries."""
    from incidents.domain import moves

    township = api(world.township_admin)

    def listing() -> int:
        with CaptureQueriesContext(connection) as queries:
            answer = township.get("/api/incidents/")
        assert answer.status_code == 200
        return len(queries.captured_queries)

    for _ in range(2):
        reported(world)
    listing()  # the token's first use writes its last_used
    few = listing()
    for n in range(10):
        incident = reported(world, "dispute" if n % 2 else "safety_hazard")
        to = {"user": world.grid_worker} if n % 3 else {"unit": world.unit_org}
        moves.assign(world.township_admin, incident, moves.Assignee(**to))
    assert township.get("/api/incidents/").json()["count"] == 12
    assert listing() == few


def test_it_reports_lists_moves_and_conforms(world, api, client):
    document = client.get("/api/openapi.json").json()
    types = install(world)
    worker, township = api(world.grid_worker), api(world.township_admin)
    body = {"type": types["dispute"].pk, "description": "草场界线纠纷", "idempotency_key": "a1"}
    created = worker.post_json("/api/incidents/", body)
    assert created.status_code == 201
    check(document, "/api/incidents/", created, "post")
    again = worker.post_json("/api/incidents/", body)
    assert again.json()["id"] == created.json()["id"] and Incident.objects.count() == 1
    with_photo = worker.post(
        "/api/incidents/", {**body, "idempotency_key": "a2", "photos": [jpeg()]}
    )
    assert (
        with_photo.status_code == 201
        and Incident.objects.get(pk=with_photo.json()["id"]).photos.count() == 1
    )
    refused = worker.post_json("/api/incidents/", {"type": types["dispute"].pk, "description": ""})
    assert refused.status_code == 422 and refused.json()["code"] == "invalid"
    check(document, "/api/incidents/", refused, "post")
    listed = township.get("/api/incidents/", {"state": "open"})
    assert listed.json()["count"] == 2
    check(document, "/api/incidents/", listed)
    pk = created.json()["id"]
    forbidden = worker.post_json(f"/api/incidents/{pk}/assign", {"user": world.grid_worker.pk})
    assert forbidden.status_code == 403
    check(document, "/api/incidents/{id}/assign", forbidden, "post")
    elsewhere = township.post_json(f"/api/incidents/{pk}/assign", {"user": world.outsider.pk})
    assert elsewhere.status_code == 422
    moved = township.post_json(f"/api/incidents/{pk}/assign", {"user": world.grid_worker.pk})
    assert moved.status_code == 200 and moved.json()["state"]["code"] == "assigned"
    check(document, "/api/incidents/{id}/assign", moved, "post")
    resolved = worker.post_json(
        f"/api/incidents/{pk}/resolve", {"note": "已调解", "people_evacuated": 0}
    )
    assert resolved.json()["state"]["open311_status"] == "closed"
    conflict = worker.post_json(f"/api/incidents/{pk}/resolve", {"note": "再次"})
    assert conflict.status_code == 409
    check(document, "/api/incidents/{id}/resolve", conflict, "post")
    detail = township.get(f"/api/incidents/{pk}")
    assert [e["action"] for e in detail.json()["history"]] == ["report", "assign", "resolve"]
    check(document, "/api/incidents/{id}", detail)
    missing = api(world.outsider).get(f"/api/incidents/{pk}")
    assert missing.status_code == 404
    check(document, "/api/incidents/{id}", missing)


def test_candidates_and_emergencies(world, api, client):
    document = client.get("/api/openapi.json").json()
    incident = reported(world, "flood_disaster")
    emergency = an_emergency(world)
    worker = api(world.grid_worker)
    found = worker.get("/api/incidents/candidates", {"type": incident.type.pk})
    assert [row["id"] for row in found.json()] == [incident.pk]
    check(document, "/api/incidents/candidates", found)
    board = worker.get(f"/api/incidents/emergencies/{emergency.pk}")
    assert board.json()["counters"]["valid"] == 0
    check(document, "/api/incidents/emergencies/{id}", board)
    check(document, "/api/incidents/emergencies/", worker.get("/api/incidents/emergencies/"))
