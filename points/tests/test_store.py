"""The love supermarket: seed 004's numbers, eligibility, stock and balance never below zero,
idempotent retries — and two clerks redeeming at the same moment on PostgreSQL."""

import threading
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, connections

from points.domain import ledger, store
from points.domain.errors import PointsRefused
from points.domain.periods import Quarter
from points.models import Goods, HouseholdPoints, PointEntry
from points.tests.test_ledger import approved

TODAY = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _in_march():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


def earn(world, book, total, household=None):
    """Awards adding up to ``total`` (a multiple of 5) in the first quarter."""
    plan = [("X02", 50)] * 2 + [("X01", 10)] * 10 + [("J01", 5)] * 7
    left, month = total, 1
    for code, points in plan:
        if left < points:
            continue
        approved(world, book, code, household=household, day=date(2026, month, 5))
        left -= points
        month = month % 3 + 1
    assert left == 0


def test_seed_004_235_points_buy_47_yuan(world, points):
    book, shop = points
    earn(world, book, 235)
    standing = store.standing(shop, world.household)
    assert (shop.threshold, shop.points_per_yuan) == (80, 5)
    assert standing.quarter_points == 235 and standing.eligible
    assert standing.yuan == Decimal("47.00")
    tissues = store.save_goods(
        world.clerk, shop, name="抽纸（提）", price=Decimal("11.75"), add_stock=10
    )
    receipt = store.redeem(world.clerk, shop, world.household, [(tissues.pk, 4)])
    assert (receipt.points, receipt.amount) == (235, Decimal("47.00"))
    assert ledger.balance(world.household) == 0 == ledger.ledger_sum(world.household)
    tissues.refresh_from_db()
    assert tissues.stock == 6


def test_it_refuses_a_household_below_the_threshold(world, points):
    book, shop = points
    earn(world, book, 75)
    soap = store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("3.00"), add_stock=5)
    with pytest.raises(PointsRefused, match="未达到 80 分"):
        store.redeem(world.clerk, shop, world.household, [(soap.pk, 1)])
    assert ledger.balance(world.household) == 75


def test_reversals_in_the_quarter_count_against_the_threshold(world, points):
    book, shop = points
    earn(world, book, 85)
    entry = PointEntry.objects.filter(household=world.household, points=10).first()
    ledger.reverse_entry(world.branch, entry, "重复登记")
    assert ledger.quarter_points(world.household, Quarter.of(TODAY)) == 75
    assert not store.standing(shop, world.household).eligible


def test_it_never_takes_more_points_or_stock_than_there_are(world, points):
    book, shop = points
    earn(world, book, 100)
    rice = store.save_goods(
        world.clerk, shop, name="大米（5斤）", price=Decimal("5.00"), add_stock=1
    )
    with pytest.raises(PointsRefused, match="库存不足"):
        store.redeem(world.clerk, shop, world.household, [(rice.pk, 2)])
    with pytest.raises(PointsRefused, match="积分不足"):
        oil = store.save_goods(
            world.clerk, shop, name="食用油", price=Decimal("25.00"), add_stock=9
        )
        store.redeem(world.clerk, shop, world.household, [(oil.pk, 1)])
    assert ledger.balance(world.household) == 100
    assert Goods.objects.get(pk=rice.pk).stock == 1


def test_a_balance_below_zero_buys_nothing_even_when_eligible(world, points):
    """The quarter's 100 points reach the threshold; 100 were exchanged, then a deduction
    took the balance to −20: the household is eligible but has nothing to spend."""
    book, shop = points
    earn(world, book, 100)
    rice = store.save_goods(world.clerk, shop, name="大米", price=Decimal("20.00"), add_stock=5)
    store.redeem(world.clerk, shop, world.household, [(rice.pk, 1)])
    approved(world, book, "F02", day=date(2026, 3, 10))
    standing = store.standing(shop, world.household)
    assert standing.eligible and standing.balance == -20
    assert (standing.spendable, standing.yuan) == (0, Decimal("0.00"))
    soap = store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("0.20"), add_stock=5)
    page = client_page(world, shop)
    assert "没有可兑换的积分" in page and "-20" in page
    with pytest.raises(PointsRefused, match="余额 -20 分"):
        store.redeem(world.clerk, shop, world.household, [(soap.pk, 1)])
    assert ledger.balance(world.household) == -20 == ledger.ledger_sum(world.household)
    soap.refresh_from_db()
    assert soap.stock == 5


def client_page(world, shop):
    from django.test import Client

    client = Client()
    client.force_login(world.clerk)
    return client.get(f"/points/stores/{shop.pk}/households/{world.household.pk}/").content.decode()


def test_a_retry_with_the_same_key_redeems_once(world, points):
    book, shop = points
    earn(world, book, 100)
    soap = store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("3.00"), add_stock=5)
    first = store.redeem(world.clerk, shop, world.household, [(soap.pk, 1)], client_key="k1")
    again = store.redeem(world.clerk, shop, world.household, [(soap.pk, 1)], client_key="k1")
    assert first.pk == again.pk
    assert ledger.balance(world.household) == 85


def test_it_refuses_a_household_of_another_village(world, points):
    _, shop = points
    soap = store.save_goods(world.clerk, shop, name="肥皂", price=Decimal("3.00"), add_stock=5)
    with pytest.raises(PointsRefused, match="不属于本村"):
        store.redeem(world.clerk, shop, world.neighbour_household, [(soap.pk, 1)])


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_clerks_at_the_same_moment_never_overdraw(world):
    """Two real transactions on two connections redeem for one household whose balance
    covers only one of them: exactly one succeeds, and the balance stays the ledger's sum."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    from accounts.models import Role
    from points.tests.conftest import install_points
    from tests.world import make_user

    book, shop = install_points(world)
    earn(world, book, 100)
    second_clerk = make_user("clerk2", Role.CLERK, world.village)
    oil = store.save_goods(world.clerk, shop, name="食用油", price=Decimal("16.00"), add_stock=9)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def press(clerk):
        try:
            barrier.wait(timeout=10)
            with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
                store.redeem(clerk, shop, world.household, [(oil.pk, 1)])
            outcomes.append("ok")
        except PointsRefused as refused:
            outcomes.append(str(refused))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(c,)) for c in (world.clerk, second_clerk)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcomes.count("ok") == 1, outcomes
    assert any("积分不足" in o for o in outcomes), outcomes
    assert HouseholdPoints.objects.get(pk=world.household.pk).balance == 20
    assert ledger.ledger_sum(world.household) == 20
    assert Goods.objects.get(pk=oil.pk).stock == 8
