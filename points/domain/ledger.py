"""The points ledger (积分流水): the only code that writes ``PointEntry`` rows and moves
``HouseholdPoints`` balances, always the two together in one transaction.

The ledger is append-only. Awards come from the assembly's approval (``approve_at_assembly``),
a mistake is corrected by ``reverse_entry`` (a reversing entry pointing to the original, at
most one per entry), redemptions are written by ``points.domain.store.redeem``. Spending
(``debit``: a redemption, the reversal of an award) is a conditional ``UPDATE … WHERE
balance >= x``: a debit that would take it below zero changes nothing and is refused. A
deduction item is booked in full (``move``): the balance may go below zero for the period's
tally, but nothing is ever spent below zero.

Periods: an entry counts in the period of its ``occurred_on``. An award's is the day of the
deed; a reversal's and a redemption's is the day they are recorded — so a reversal lowers the
quarter in which the mistake is corrected (a quarter already exchanged is not rewritten), and
it counts towards that quarter's eligibility threshold (``quarter_points``)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.scope import visible
from audit.log import Action, record
from orgs.models import Household
from points.domain.errors import PointsRefused
from points.domain.periods import Quarter
from points.models import (
    AssemblyMeeting,
    HouseholdPoints,
    PointEntry,
    PointProposal,
    PointRule,
    ProposalEvent,
)

Kind = PointEntry.Kind
ASSEMBLY = "党员（村民代表）大会"


def ensure_balances(households: Iterable[Household]) -> None:
    """A balance row for each household (zero), created once whatever runs at the same time."""
    now = timezone.now()
    HouseholdPoints.objects.bulk_create(
        [
            HouseholdPoints(
                household=h, region_path=h.region_path, grid_id=h.grid_id, balance=0, updated_at=now
            )
            for h in households
        ],
        ignore_conflicts=True,
    )


def credit(household_id: int, points: int) -> None:
    """Add ``points`` (≥ 0) to a balance that exists."""
    move(household_id, points)


def move(household_id: int, points: int) -> None:
    """Move a balance that exists by ``points`` (signed), whatever it holds: an award or a
    deduction, which may take it below zero. Never used for spending (``debit``)."""
    HouseholdPoints.objects.filter(pk=household_id).update(
        balance=F("balance") + points, updated_at=timezone.now()
    )


def debit(household_id: int, points: int) -> bool:
    """Spend ``points`` (≥ 0) of a balance if it holds them; False (nothing changed) if not.
    A balance below zero holds nothing: what can be spent is max(0, balance)."""
    moved = HouseholdPoints.objects.filter(pk=household_id, balance__gte=points).update(
        balance=F("balance") - points, updated_at=timezone.now()
    )
    return moved == 1


def balance(household: Household | int) -> int:
    """The household's balance: one primary-key read."""
    pk = household if isinstance(household, int) else household.pk
    row = HouseholdPoints.objects.filter(pk=pk).values_list("balance", flat=True).first()
    return row or 0


def ledger_sum(household: Household | int) -> int:
    """The sum of the household's ledger — what ``balance`` must always equal."""
    pk = household if isinstance(household, int) else household.pk
    return PointEntry.objects.filter(household_id=pk).aggregate(s=Sum("points"))["s"] or 0


def quarter_points(household: Household | int, quarter: Quarter) -> int:
    """Points earned in the quarter (the love supermarket's eligibility): awards and
    reversals counted in it; redemptions do not lower it."""
    pk = household if isinstance(household, int) else household.pk
    rows = PointEntry.objects.filter(
        household_id=pk,
        kind__in=[Kind.AWARD, Kind.REVERSAL],
        occurred_on__gte=quarter.start,
        occurred_on__lte=quarter.end,
    )
    return rows.aggregate(s=Sum("points"))["s"] or 0


def _entry_for(proposal: PointProposal, now) -> PointEntry:
    rule: PointRule = proposal.rule
    return PointEntry(
        household_id=proposal.household_id,
        member_id=proposal.member_id,
        region_id=proposal.region_id,
        region_path=proposal.region_path,
        grid_id=proposal.grid_id,
        kind=Kind.AWARD,
        points=proposal.points,
        occurred_on=proposal.occurred_on,
        recorded_at=now,
        proposal=proposal,
        rule=rule,
        category=rule.category,
        note=rule.name[:200],
    )


@transaction.atomic
def approve_at_assembly(
    actor, meeting: AssemblyMeeting, proposal_ids: Sequence[int], *, signed_by: str = ""
) -> list[PointEntry]:
    """The assembly's approval (审议) of a batch of jointly reviewed proposals of its village:
    each moves joint → approved (compare-and-set, with a history row) and writes its award
    to the ledger, moving the household's balance in the same transaction. An unsaved
    ``meeting`` is recorded first. A deduction is booked in full, even when it takes the
    balance below zero. Refuses the whole batch if any
    proposal is not awaiting the assembly (already approved, returned, moved meanwhile).

    Side effects: the meeting, the proposals' status, ProposalEvents, PointEntries,
    HouseholdPoints, one audit entry per proposal and one for the meeting."""
    now = timezone.now()
    ids = sorted(set(proposal_ids))
    if not ids:
        raise PointsRefused({"proposals": ["请至少选择一条待审议的采分。"]})
    if meeting.pk is None:
        if not (meeting.minutes or "").strip():
            raise PointsRefused({"minutes": ["请填写大会记录。"]})
        if meeting.held_on > timezone.localdate():
            raise PointsRefused({"held_on": ["会议日期不能晚于今天。"]})
        meeting.region_path = meeting.region.path
        meeting.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
        meeting.recorded_at = now
        meeting.save()
        record(actor, Action.CREATE, meeting, region_path=meeting.region_path)
    candidates = (
        visible(actor, PointProposal, write=True)
        if actor is not None
        else (
            PointProposal.objects.all()  # scope-ok: system jobs (the demo loader)
        )
    )
    proposals = list(
        candidates.select_for_update(of=("self",))
        .filter(pk__in=ids, region_id=meeting.region_id, status=PointProposal.Status.JOINT)
        .select_related("rule", "household")
        .order_by("pk")
    )
    if len(proposals) != len(ids):
        raise PointsRefused("所选采分中有的已不在“待审议”状态，请刷新后重试。", conflict=True)
    moved = PointProposal.objects.filter(pk__in=ids, status=PointProposal.Status.JOINT).update(
        status=PointProposal.Status.APPROVED, assembly=meeting
    )
    if moved != len(ids):
        raise PointsRefused("所选采分已被他人处理，请刷新后重试。", conflict=True)
    ProposalEvent.objects.bulk_create(
        ProposalEvent(
            proposal=p,
            from_status=PointProposal.Status.JOINT,
            to_status=PointProposal.Status.APPROVED,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            body=ASSEMBLY,
            signed_by=signed_by,
            at=now,
            note=f"{meeting.held_on} 大会审议通过",
        )
        for p in proposals
    )
    entries = post_awards(proposals, now)
    for p in proposals:
        record(actor, Action.UPDATE, p, region_path=p.region_path, summary=f"审议通过 {p}")
    _tell_households(entries, meeting, now)
    return entries


def _tell_households(entries: Sequence[PointEntry], meeting: AssemblyMeeting, now) -> None:
    """Each household's residents hear of the points the assembly approved for them (one
    message per household and meeting)."""
    from notifications.domain import notify, residents_by_household

    totals: dict[int, int] = defaultdict(int)
    for e in entries:
        if e.household_id is not None:
            totals[e.household_id] += e.points
    residents = residents_by_household(totals)
    for household_id, points in sorted(totals.items()):
        notify(
            residents.get(household_id, []),
            f"points-approved:{meeting.pk}:{household_id}",
            f"积分已审议通过：{points:+d} 分",
            f"{meeting.held_on} 村民（代表）大会审议通过您家的积分，合计 {points:+d} 分。",
            f"/points/households/{household_id}/",
            at=now,
        )


def post_awards(proposals: Sequence[PointProposal], now) -> list[PointEntry]:
    """Write the awards of approved proposals and move the balances by their net, in full:
    a deduction larger than the balance takes it below zero (seed 004 deducts "违反一次扣10分"
    whatever the household holds). The households' balance rows are locked in id order, so
    concurrent batches never deadlock."""
    households = {p.household.pk: p.household for p in proposals if p.household is not None}
    ensure_balances(households.values())
    list(
        HouseholdPoints.objects.select_for_update()
        .filter(pk__in=sorted(households))
        .order_by("pk")
        .values_list("pk")
    )
    entries = [_entry_for(p, now) for p in proposals]
    net: dict[int, int] = defaultdict(int)
    for entry in entries:
        if entry.household_id:
            net[entry.household_id] += entry.points
    for household_id, points in sorted(net.items()):
        move(household_id, points)
    PointEntry.objects.bulk_create(entries)
    return entries


@transaction.atomic
def reverse_entry(actor, entry: PointEntry, reason: str) -> PointEntry:
    """Correct a mistaken award with a reversing entry (冲正) of the opposite sign, pointing to
    it; the original stays as it was. An entry is reversed at most once (a unique key), and a
    reversal that would take the balance below zero (the points were already exchanged) is
    refused.

    Side effects: one PointEntry, the household's balance, one audit entry."""
    reason = (reason or "").strip()
    if not reason:
        raise PointsRefused({"reason": ["请填写冲正原因。"]})
    if entry.kind != Kind.AWARD:
        raise PointsRefused("只能冲正积分流水，兑换和冲正本身不能再冲正。")
    if PointEntry.objects.filter(reverses=entry).exists():
        raise PointsRefused("该流水已冲正过。", conflict=True)
    if entry.household_id is not None:  # a grid worker's entry moves no balance
        household = Household.objects.get(pk=entry.household_id)  # scope-ok: the entry's own
        ensure_balances([household])
        if entry.points > 0 and not debit(entry.household_id, entry.points):
            raise PointsRefused(
                {"reason": [f"该户积分余额不足 {entry.points} 分（已兑换），无法冲正。"]}
            )
        if entry.points < 0:
            credit(entry.household_id, -entry.points)
    now = timezone.now()
    try:
        with transaction.atomic():
            reversal = PointEntry.objects.create(
                household_id=entry.household_id,
                member_id=entry.member_id,
                region_id=entry.region_id,
                region_path=entry.region_path,
                grid_id=entry.grid_id,
                kind=Kind.REVERSAL,
                points=-entry.points,
                occurred_on=timezone.localdate(),
                recorded_at=now,
                reverses=entry,
                rule_id=entry.rule_id,
                category=entry.category,
                note=f"冲正：{reason}"[:200],
            )
    except IntegrityError:
        raise PointsRefused("该流水已冲正过。", conflict=True) from None
    record(actor, Action.CREATE, reversal, region_path=entry.region_path, summary=f"冲正 {entry}")
    return reversal
