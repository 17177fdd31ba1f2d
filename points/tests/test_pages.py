"""The points pages for each persona, and the outsiders: a clerk runs only their village's
store, a resident sees only their own household, a grid worker proposes only for their grid."""

from decimal import Decimal

from django.utils import timezone

from accounts.models import Role
from points.domain import store
from points.models import PointProposal
from points.tests.url_cases import an_entry, installed
from tests.world import make_user


def test_a_clerk_runs_only_their_villages_store(world, login):
    installed(world)
    other = store.open_store(None, world.neighbour_village)
    client = login(world.clerk)
    assert client.get(f"/points/stores/{other.pk}/").status_code == 404
    neighbour_clerk = make_user("clerk-xy", Role.CLERK, world.neighbour_village)
    assert login(neighbour_clerk).get("/points/store/").url == f"/points/stores/{other.pk}/"


def test_a_resident_sees_only_their_household(world, login):
    an_entry(world)
    client = login(world.resident)
    page = client.get(f"/points/households/{world.household.pk}/")
    assert "现有积分" in page.content.decode() and page.context["balance"] == 50
    assert (
        client.get(f"/points/households/{world.other_household_same_grid.pk}/").status_code == 404
    )


def test_the_cap_is_explained_beside_the_field_and_nothing_typed_is_lost(world, login):
    book, _ = installed(world)
    rule = book.rules.get(code="J02")  # +2 a time, at most 8 a month
    client = login(world.grid_worker)
    response = client.post(
        "/points/propose/",
        {
            "households": [world.household.pk],
            "rule": rule.pk,
            "occurred_on": timezone.localdate().isoformat(),
            "times": 5,
            "note": "参加村民代表会议",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "每户月最多 8 分" in form.errors["times"][0]
    assert form["note"].value() == "参加村民代表会议"
    assert PointProposal.objects.count() == 0


def test_a_grid_worker_cannot_propose_for_another_grid(world, login):
    book, _ = installed(world)
    rule = book.rules.get(code="J02")
    response = login(world.grid_worker).post(
        "/points/propose/",
        {
            "households": [world.neighbour_household.pk],
            "rule": rule.pk,
            "occurred_on": timezone.localdate().isoformat(),
            "times": 1,
        },
    )
    assert response.status_code == 200 and PointProposal.objects.count() == 0


def test_the_redemption_page_shows_the_standing_and_redeems(world, login):
    an_entry(world)
    an_entry(world)
    _, shop = installed(world)
    soap = store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("3.00"), add_stock=5)
    client = login(world.clerk)
    url = f"/points/stores/{shop.pk}/households/{world.household.pk}/"
    page = client.get(url)
    assert page.context["standing"].eligible
    done = client.post(url, {f"qty_{soap.pk}": "2", "client_key": "abc"})
    again = client.post(url, {f"qty_{soap.pk}": "2", "client_key": "abc"})
    assert done.status_code == again.status_code == 302 and done.url == again.url
    assert store.standing(shop, world.household).balance == 70


def test_the_proposal_list_keeps_its_queries_flat(world, login, django_assert_max_num_queries):
    from points.tests.url_cases import a_proposal

    a_proposal(world)
    client = login(world.grid_worker)
    with django_assert_max_num_queries(12) as one:
        client.get("/points/proposals/")
    for _ in range(3):
        a_proposal(world)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/points/proposals/")
