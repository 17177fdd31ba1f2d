"""Scoping cases for the points pages (``tests/test_url_scoping.py``): 红旗村 gets the
default rulebook, its store and a household with points; the persona who works with each
page may use it, and the other township's admin gets 404 (a resident for pages that only
managers use)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tests.url_case import Case, url


def installed(world):
    from points.models import Store
    from points.tests.conftest import install_points

    shop = Store.objects.filter(region=world.village).first()
    if shop is not None:
        return shop.region.rulebooks.first(), shop
    return install_points(world, in_force_from=timezone.localdate() - timedelta(days=400))


def a_proposal(world, status="proposed"):
    from points.domain.proposals import ProposalInput, propose_entries, review
    from points.tests.conftest import a_photo

    book, _ = installed(world)
    rule = book.rules.get(code="X02")
    [proposal] = propose_entries(
        world.grid_worker,
        [
            ProposalInput(
                household=world.household,
                rule=rule,
                occurred_on=timezone.localdate(),
                photo=a_photo(),
            )
        ],
    )
    if status in ("preliminary", "joint", "approved"):
        review(world.branch, [proposal.pk], "preliminary")
    if status in ("joint", "approved"):
        review(world.branch, [proposal.pk], "joint")
    if status == "approved":
        from points.domain.ledger import approve_at_assembly
        from points.models import AssemblyMeeting

        meeting = AssemblyMeeting(
            region=world.village, held_on=timezone.localdate(), minutes="审议"
        )
        approve_at_assembly(world.branch, meeting, [proposal.pk])
    return proposal


def an_entry(world):
    from points.models import PointEntry

    a_proposal(world, "approved")
    return PointEntry.objects.filter(household=world.household).first()


def a_redemption(world):
    from points.domain import store

    an_entry(world)
    an_entry(world)
    _, shop = installed(world)
    soap = store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("3.00"), add_stock=5)
    return store.redeem(world.clerk, shop, world.household, [(soap.pk, 1)])


def an_objection(world):
    from points.domain.objections import raise_objection

    return raise_objection(world.resident, reason="没有参加", entry=an_entry(world))


def a_draft_rule(world):
    from points.domain.rulebooks import draft_rulebook

    installed(world)
    return draft_rulebook(world.branch, world.village).rules.first()


def on(make, template):
    return lambda w: template.format(make(w).pk)


def village_query(template):
    return lambda w: (installed(w), template.format(w.village.pk))[1]


def store_url(world):
    return f"/points/stores/{installed(world)[1].pk}/"


def redeem_url(world):
    an_entry(world)
    return f"/points/stores/{installed(world)[1].pk}/households/{world.household.pk}/"


def mine(world):
    installed(world)
    return "/points/mine/"


CASES = [
    Case("points/mine/", mine, "resident", "outsider"),
    Case(
        "points/households/<int:pk>/",
        url("/points/households/{}/", "household"),
        "resident",
        "outsider",
    ),
    Case("points/propose/", village_query("/points/propose/?q="), "grid_worker", "outsider"),
    Case("points/proposals/", url("/points/proposals/"), "grid_worker", None),
    Case(
        "points/proposals/<int:pk>/",
        on(a_proposal, "/points/proposals/{}/"),
        "grid_worker",
        "outsider",
    ),
    Case(
        "points/proposals/<int:pk>/photo/",
        on(a_proposal, "/points/proposals/{}/photo/?thumb=1"),
        "grid_worker",
        "outsider",
    ),
    Case(
        "points/proposals/<int:pk>/<str:action>/",
        on(a_proposal, "/points/proposals/{}/withdraw/"),
        "grid_worker",
        "outsider",
        method="post",
    ),
    Case("points/review/", village_query("/points/review/?region={}"), "branch", "outsider"),
    Case(
        "points/objections/<int:pk>/resolve/",
        on(an_objection, "/points/objections/{}/resolve/"),
        "branch",
        "outsider",
        method="post",
        data={"upheld": "0", "resolution": "经核实属实"},
    ),
    Case(
        "points/entries/<int:pk>/reverse/",
        on(an_entry, "/points/entries/{}/reverse/"),
        "branch",
        "outsider",
        method="post",
        data={"reason": "重复登记"},
    ),
    Case("points/rulebooks/", village_query("/points/rulebooks/?region={}"), "branch", "outsider"),
    Case(
        "points/rulebooks/<int:pk>/",
        lambda w: f"/points/rulebooks/{installed(w)[0].pk}/",
        "resident",
        "outsider",
    ),
    Case("points/rules/<int:pk>/", on(a_draft_rule, "/points/rules/{}/"), "branch", "outsider"),
    Case("points/store/", lambda w: (installed(w), "/points/store/")[1], "clerk", "outsider"),
    Case("points/stores/<int:pk>/", store_url, "clerk", "outsider"),
    Case("points/stores/<int:pk>/households/<int:household_pk>/", redeem_url, "clerk", "outsider"),
    Case(
        "points/redemptions/<int:pk>/",
        on(a_redemption, "/points/redemptions/{}/"),
        "resident",
        "outsider",
    ),
]
