"""The ledger's invariant, across random sequences of awards (positive and negative),
reversals and redemptions: every household's balance equals the sum of its ledger (a
deduction may take it below zero), a redemption never spends below zero, the goods' stock is
never negative, and no entry ever changes."""

import contextlib
from datetime import date
from decimal import Decimal
from unittest import mock

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from points.domain import ledger, store
from points.domain.errors import PointsRefused
from points.models import AssemblyMeeting, Goods, PointEntry, PointProposal
from tests.world import add_household

TODAY = date(2026, 2, 14)


def run_machine(world, book, shop):
    rules = {r.code: r for r in book.rules.all()}
    soap = store.save_goods(None, shop, name="肥皂", price=Decimal("3.00"), add_stock=40)
    oil = store.save_goods(None, shop, name="食用油", price=Decimal("13.40"), add_stock=6)

    class Ledger(RuleBasedStateMachine):
        @initialize()
        def a_fresh_household(self):
            self.household = add_household(world.grid, "测试户")
            self.snapshot: dict[int, tuple] = {}

        @rule(code=st.sampled_from(sorted(rules)), times=st.integers(1, 6))
        def award(self, code, times):
            rule = rules[code]
            proposal = PointProposal.objects.create(
                rule=rule,
                household=self.household,
                grid=self.household.grid,
                region=world.village,
                region_path=world.village.path,
                occurred_on=TODAY,
                times=times,
                points=rule.points * times,
                proposed_at=world.village_created,
                status=PointProposal.Status.JOINT,
            )
            meeting = AssemblyMeeting(region=world.village, held_on=TODAY, minutes="审议")
            ledger.approve_at_assembly(world.branch, meeting, [proposal.pk])

        @rule(pick=st.integers(0, 50))
        def reverse(self, pick):
            awards = list(
                PointEntry.objects.filter(household=self.household, kind="award").order_by("pk")
            )
            if not awards:
                return
            with contextlib.suppress(PointsRefused):
                ledger.reverse_entry(world.branch, awards[pick % len(awards)], "更正")

        @rule(soaps=st.integers(0, 8), oils=st.integers(0, 2))
        def redeem(self, soaps, oils):
            before = ledger.balance(self.household)
            try:
                receipt = store.redeem(
                    world.clerk, shop, self.household, [(soap.pk, soaps), (oil.pk, oils)]
                )
            except PointsRefused:
                assert ledger.balance(self.household) == before
            else:
                assert 0 < receipt.points <= before
                assert ledger.balance(self.household) == before - receipt.points >= 0

        @invariant()
        def balance_is_the_ledger_sum(self):
            total = ledger.balance(self.household)
            assert total == ledger.ledger_sum(self.household)
            assert Goods.objects.filter(stock__lt=0).count() == 0

        @invariant()
        def history_never_changes(self):
            rows = {
                e.pk: (e.points, e.kind, e.reverses_id, e.occurred_on)
                for e in PointEntry.objects.filter(household=self.household)
            }
            for pk, values in self.snapshot.items():
                assert rows[pk] == values
            self.snapshot = rows

    Ledger.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    Ledger.TestCase().runTest()


def test_balances_always_equal_the_ledger(world, points):
    book, shop = points
    from django.utils import timezone

    world.village_created = timezone.now()
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        run_machine(world, book, shop)
