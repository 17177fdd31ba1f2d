"""The ledger: a proposal's way to the ledger, reversals, balances equal to the ledger's sum,
and the append-only guarantee below the ORM."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from points.domain import ledger
from points.domain.errors import PointsRefused
from points.domain.proposals import ProposalInput, propose_entries, review
from points.models import AssemblyMeeting, PointEntry, PointProposal
from points.tests.conftest import a_photo

DAY = date(2026, 1, 10)


def approved(world, book, code="X01", times=1, household=None, day=DAY):
    rule = book.rules.get(code=code)
    household = household or world.household
    note = "参加村道清扫"
    [proposal] = propose_entries(
        world.grid_worker,
        [
            ProposalInput(
                household=household,
                rule=rule,
                occurred_on=day,
                times=times,
                note=note,
                photo=a_photo() if rule.evidence == "photo" else None,
            )
        ],
    )
    review(world.branch, [proposal.pk], "preliminary", signed_by="党小组长 王强")
    review(world.branch, [proposal.pk], "joint", signed_by="书记 李明")
    meeting = AssemblyMeeting(region=world.village, held_on=day, minutes="一月审议")
    [entry] = ledger.approve_at_assembly(world.branch, meeting, [proposal.pk])
    return entry


def test_it_writes_the_ledger_only_at_the_assembly(world, points):
    book, _ = points
    rule = book.rules.get(code="J02")
    [proposal] = propose_entries(
        world.grid_worker, [ProposalInput(household=world.household, rule=rule, occurred_on=DAY)]
    )
    review(world.branch, [proposal.pk], "preliminary")
    review(world.branch, [proposal.pk], "joint")
    assert ledger.balance(world.household) == 0
    meeting = AssemblyMeeting(region=world.village, held_on=DAY, minutes="审议")
    [entry] = ledger.approve_at_assembly(world.branch, meeting, [proposal.pk])
    assert (entry.points, entry.kind, entry.category) == (2, "award", "basic")
    assert ledger.balance(world.household) == 2 == ledger.ledger_sum(world.household)
    proposal.refresh_from_db()
    assert proposal.status == PointProposal.Status.APPROVED
    assert [e.to_status for e in proposal.events.all()] == [
        "proposed",
        "preliminary",
        "joint",
        "approved",
    ]


def test_it_corrects_a_mistake_with_a_reversal_pointing_to_it(world, points):
    book, _ = points
    entry = approved(world, book, "X02")
    reversal = ledger.reverse_entry(world.branch, entry, "车次记错")
    assert (reversal.points, reversal.reverses_id) == (-50, entry.pk)
    assert ledger.balance(world.household) == 0 == ledger.ledger_sum(world.household)
    with pytest.raises(PointsRefused):
        ledger.reverse_entry(world.branch, entry, "再冲一次")
    assert PointEntry.objects.filter(household=world.household).count() == 2


def test_the_model_refuses_to_change_or_delete_an_entry(world, points):
    entry = approved(world, points[0])
    entry.points = 1000
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        PointEntry.objects.filter(pk=entry.pk).update(points=1000)
    with pytest.raises(TypeError):
        PointEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE points_pointentry SET points = 1000 WHERE id = %s",
        "DELETE FROM points_pointentry WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(world, points, sql):
    entry = approved(world, points[0])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    assert PointEntry.objects.get(pk=entry.pk).points == 10


def test_it_books_a_deduction_in_full_on_an_empty_balance(world, points):
    """Seed 004: "违反一次扣10分" — the whole 10, whatever the household holds."""
    book, _ = points
    entry = approved(world, book, "F01")  # −10 with nothing earned yet
    assert (entry.points, entry.note) == (-10, "婚丧嫁娶大操大办（违反一次）")
    assert ledger.balance(world.household) == -10 == ledger.ledger_sum(world.household)


def test_a_deduction_in_the_same_batch_as_awards_is_booked_in_full(world, points):
    book, _ = points
    approved(world, book, "J02")  # +2
    entry = approved(world, book, "F02")  # −20
    assert entry.points == -20
    assert ledger.balance(world.household) == -18 == ledger.ledger_sum(world.household)
    reversal = ledger.reverse_entry(world.branch, entry, "认定有误")
    assert reversal.points == 20 and ledger.balance(world.household) == 2
