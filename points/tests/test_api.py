"""The points API as a phone uses it (bearer tokens): a batch of proposals (idempotent), the
review steps, the assembly, balances and history, redemptions — each response checked against
the OpenAPI document, and the outsider's 404."""

import copy
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from points.domain import store
from points.models import PointEntry, PointProposal


class Api:
    def __init__(self, client, user) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"}

    def get(self, url, params=None):
        return self.client.get(url, params or {}, headers=self.headers)

    def post(self, url, body):
        return self.client.post(
            url, json.dumps(body), content_type="application/json", headers=self.headers
        )


def check(document, path, response, method="get"):
    jsonschema = pytest.importorskip("jsonschema")
    components = copy.deepcopy(document["components"])
    for schema in components["schemas"].values():
        if "properties" in schema:
            schema.setdefault("additionalProperties", False)
    described = document["paths"][path][method]["responses"][str(response.status_code)]
    schema = described["content"]["application/json"]["schema"]
    jsonschema.Draft202012Validator({**schema, "components": components}).validate(response.json())


@pytest.fixture
def village_points(world):
    from points.tests.url_cases import installed

    return installed(world)


def test_the_phone_takes_a_batch_through_the_chain_to_a_redemption(world, village_points, client):
    book, shop = village_points
    document = client.get("/api/openapi.json").json()
    grid, branch, clerk = (
        Api(client, world.grid_worker),
        Api(client, world.branch),
        Api(client, world.clerk),
    )
    today = str(timezone.localdate())
    rule = book.rules.get(code="X05")  # +20, note required, cap 40 a quarter
    items = [
        {
            "household": h.pk,
            "rule": rule.pk,
            "occurred_on": today,
            "note": "带动种植",
            "client_key": f"k{h.pk}",
        }
        for h in (world.household, world.other_household_same_grid)
    ]
    made = grid.post("/api/points/proposals/", {"items": items})
    assert made.status_code == 201, made.content
    check(document, "/api/points/proposals/", made, "post")
    again = grid.post("/api/points/proposals/", {"items": items})
    assert sorted(p["id"] for p in again.json()) == sorted(p["id"] for p in made.json())
    assert PointProposal.objects.count() == 2

    over = grid.post(
        "/api/points/proposals/", {"items": [{**items[0], "client_key": "new", "times": 2}]}
    )
    assert over.status_code == 422
    assert "最多 40 分" in over.json()["errors"][0]["message"]
    check(document, "/api/points/proposals/", over, "post")

    ids = [p["id"] for p in made.json()]
    moved = branch.post("/api/points/proposals/review", {"step": "preliminary", "proposals": ids})
    check(document, "/api/points/proposals/review", moved, "post")
    conflict = branch.post(
        "/api/points/proposals/review", {"step": "preliminary", "proposals": ids}
    )
    assert conflict.status_code == 409
    check(document, "/api/points/proposals/review", conflict, "post")
    branch.post("/api/points/proposals/review", {"step": "joint", "proposals": ids})
    approved = branch.post(
        "/api/points/proposals/approve",
        {"region": world.village.pk, "proposals": ids, "held_on": today, "minutes": "审议通过"},
    )
    assert [e["points"] for e in approved.json()] == [20, 20]
    check(document, "/api/points/proposals/approve", approved, "post")

    resident = Api(client, world.resident)
    balance = resident.get(f"/api/points/households/{world.household.pk}")
    assert balance.json()["balance"] == 20 and balance.json()["eligible"] is False
    check(document, "/api/points/households/{id}", balance)
    history = resident.get(f"/api/points/households/{world.household.pk}/entries")
    assert history.json()["count"] == 1
    check(document, "/api/points/households/{id}/entries", history)
    assert (
        resident.get(f"/api/points/households/{world.other_household_same_grid.pk}").status_code
        == 404
    )

    soap = store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("3.00"), add_stock=5)
    body = {
        "store": shop.pk,
        "household": world.household.pk,
        "lines": [{"goods": soap.pk, "quantity": 1}],
    }
    below = clerk.post("/api/points/redemptions/", body)
    assert below.status_code == 422 and "未达到 80 分" in below.json()["errors"][0]["message"]
    check(document, "/api/points/redemptions/", below, "post")
    check(document, "/api/points/redemptions/", clerk.get("/api/points/redemptions/"))
    check(
        document,
        "/api/points/rulebook",
        resident.get("/api/points/rulebook", {"region": world.village.pk}),
    )
    assert PointEntry.objects.filter(kind="redemption").count() == 0


def test_the_outsider_gets_404_everywhere(world, village_points, client):
    _, shop = village_points
    outsider = Api(client, world.outsider)
    assert outsider.get(f"/api/points/households/{world.household.pk}").status_code == 404
    body = {
        "store": shop.pk,
        "household": world.household.pk,
        "lines": [{"goods": 1, "quantity": 1}],
    }
    assert outsider.post("/api/points/redemptions/", body).status_code == 404
    assert outsider.get("/api/points/proposals/").json()["count"] == 0
