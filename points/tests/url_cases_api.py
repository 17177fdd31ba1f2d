"""Scoping cases for the points API (``tests/test_url_scoping.py``): the persona who works
with each endpoint may use it; the other township's admin gets 404."""

from django.utils import timezone

from points.tests.url_cases import a_proposal, an_entry, installed
from tests.url_case import Case, url


def ids(make):
    return lambda w: {"proposals": [make(w).pk], "reason": "证据不足", "step": "preliminary"}


def rulebook_url(world):
    installed(world)
    return f"/api/points/rulebook?region={world.village.pk}"


def propose_body(world):
    book, _ = installed(world)
    rule = book.rules.get(code="J02")
    item = {
        "household": world.household.pk,
        "rule": rule.pk,
        "occurred_on": str(timezone.localdate()),
    }
    return {"items": [item]}


def approve_body(world):
    return {
        "region": world.village.pk,
        "proposals": [a_proposal(world, "joint").pk],
        "held_on": str(timezone.localdate()),
        "minutes": "十二月审议",
    }


def redeem_body(world):
    from decimal import Decimal

    from points.domain import store

    an_entry(world)
    an_entry(world)
    _, shop = installed(world)
    soap = store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("3.00"), add_stock=5)
    return {
        "store": shop.pk,
        "household": world.household.pk,
        "lines": [{"goods": soap.pk, "quantity": 1}],
    }


def entries_url(world):
    an_entry(world)
    return f"/api/points/households/{world.household.pk}/entries"


def rankings_url(world):
    an_entry(world)
    return f"/api/points/rankings?region={world.village.pk}&class=member"


CASES = [
    Case("api/points/rankings", rankings_url, "branch", "outsider"),
    Case("api/points/mine", url("/api/points/mine"), "member", None),
    Case("api/points/rulebook", rulebook_url, "resident", "outsider"),
    Case("api/points/proposals/", url("/api/points/proposals/"), "grid_worker", None),
    Case(
        "api/points/proposals/review",
        url("/api/points/proposals/review"),
        "branch",
        "outsider",
        method="post",
        data=ids(a_proposal),
        json=True,
    ),
    Case(
        "api/points/proposals/return",
        url("/api/points/proposals/return"),
        "branch",
        "outsider",
        method="post",
        data=ids(a_proposal),
        json=True,
    ),
    Case(
        "api/points/proposals/approve",
        url("/api/points/proposals/approve"),
        "branch",
        "outsider",
        method="post",
        data=approve_body,
        json=True,
    ),
    Case(
        "api/points/households/<id>",
        url("/api/points/households/{}", "household"),
        "resident",
        "outsider",
    ),
    Case("api/points/households/<id>/entries", entries_url, "resident", "outsider"),
    Case(
        "api/points/redemptions/",
        url("/api/points/redemptions/"),
        "clerk",
        "outsider",
        method="post",
        data=redeem_body,
        json=True,
    ),
]
