"""Scoping cases for the services API (``tests/test_url_scoping.py``): the resident's request
dispatched to the county's unit and a wish on 红旗村's board, reached by their own personas
and refused, with 404, to the other township's admin."""

from services.tests.url_cases import a_catalogue, a_centre, a_request, a_wish
from tests.url_case import Case, url


def request_url(suffix: str = "", *, dispatched: bool = True, moves: tuple[str, ...] = ()):
    def build(world):
        from services.domain import requests

        created = a_request(world, dispatched=dispatched)
        for move in moves:
            if move == "accept":
                requests.accept(world.unit, created)
            elif move == "finish":
                requests.finish(world.unit, created, "已办结")
        return f"/api/services/requests/{created.pk}{suffix}"

    return build


def photo_url(world):
    created = a_request(world, photo=True)
    return f"/api/services/requests/{created.pk}/photos/{created.photos.first().pk}?thumb=true"


def wish_url(suffix: str = "", *, claimed: bool = False, fulfilled: bool = False):
    def build(world):
        from services.domain import wishes

        wish = a_wish(world)
        if claimed or fulfilled:
            wishes.claim_wish(world.member, wish)
        if fulfilled:
            wishes.fulfil_wish(world.member, wish, "已送到")
        return f"/api/services/wishes/{wish.pk}{suffix}"

    return build


def with_catalogue(template: str, attr: str | None = None):
    base = url(template, attr)

    def build(world):
        a_catalogue(world)
        return base(world)

    return build


CASES = [
    Case("api/services/categories/", with_catalogue("/api/services/categories/"), "resident", None),
    Case("api/services/items/", with_catalogue("/api/services/items/"), "unit", None),
    Case(
        "api/services/items/<id>",
        lambda w: f"/api/services/items/{a_catalogue(w).items[0].pk}",
        "resident",
        None,
    ),
    Case("api/services/centres/", url("/api/services/centres/"), "resident", None),
    Case(
        "api/services/centres/<id>",
        lambda w: f"/api/services/centres/{a_centre(w).pk}",
        "grid_worker",
        "outsider",
    ),
    Case(
        "api/services/requests/",
        url("/api/services/requests/?region={}", "village"),
        "branch",
        "outsider",
    ),
    Case("api/services/requests/<id>", request_url(), "unit", "outsider"),
    Case(
        "api/services/requests/<id>/dispatch",
        request_url("/dispatch", dispatched=False),
        "branch",
        "outsider",
        method="post",
        data={"note": "本村自办"},
    ),
    Case(
        "api/services/requests/<id>/reject",
        request_url("/reject", dispatched=False),
        "township_admin",
        "outsider",
        method="post",
        data={"note": "不属于服务事项"},
    ),
    Case(
        "api/services/requests/<id>/accept",
        request_url("/accept"),
        "unit",
        "outsider",
        method="post",
    ),
    Case(
        "api/services/requests/<id>/send-back",
        request_url("/send-back"),
        "unit",
        "outsider",
        method="post",
        data={"note": "不属于本单位职责"},
    ),
    Case(
        "api/services/requests/<id>/finish",
        request_url("/finish", moves=("accept",)),
        "unit",
        "outsider",
        method="post",
        data={"note": "已办结"},
    ),
    Case(
        "api/services/requests/<id>/rate",
        request_url("/rate", moves=("accept", "finish")),
        "resident",
        "outsider",
        method="post",
        data={"rating": 5, "comment": "很满意"},
    ),
    Case(
        "api/services/requests/<id>/reopen",
        request_url("/reopen", moves=("accept", "finish")),
        "resident",
        "outsider",
        method="post",
        data={"note": "问题没有解决"},
    ),
    Case("api/services/requests/<id>/photos/<photo_id>", photo_url, "unit", "outsider"),
    Case("api/services/wishes/", url("/api/services/wishes/"), "resident", None),
    Case("api/services/wishes/<id>", wish_url(), "member", "outsider"),
    Case("api/services/wishes/<id>/claim", wish_url("/claim"), "member", "outsider", method="post"),
    Case(
        "api/services/wishes/<id>/fulfil",
        wish_url("/fulfil", claimed=True),
        "member",
        "outsider",
        method="post",
        data={"note": "已送到"},
    ),
    Case(
        "api/services/wishes/<id>/confirm",
        wish_url("/confirm", fulfilled=True),
        "resident",
        "outsider",
        method="post",
    ),
    Case("api/services/registrations/", url("/api/services/registrations/"), "branch", None),
]
