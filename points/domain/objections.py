"""Objections (异议) to the public board's scores: raised by a household (or for it by the
grid worker or branch), they go back into the review chain. A proposal still under review
returns to preliminary review; an entry already in the ledger waits in the branch's review
queue, where ``resolve_objection`` either upholds it (the entry is reversed) or dismisses it."""

from django.db import transaction
from django.utils import timezone

from audit.log import Action, record
from points.domain.errors import PointsRefused
from points.domain.ledger import reverse_entry
from points.models import Objection, PointEntry, PointProposal, ProposalEvent

Status = PointProposal.Status


@transaction.atomic
def raise_objection(
    actor,
    *,
    reason: str,
    proposal: PointProposal | None = None,
    entry: PointEntry | None = None,
) -> Objection:
    """Object to a proposal on the board or to a ledger entry. The caller has fetched the
    row through the scope (a household sees only its own; the board's readers theirs).

    Side effects: one Objection; a proposal under review goes back to ``proposed`` with a
    ProposalEvent; one audit entry."""
    reason = (reason or "").strip()
    if not reason:
        raise PointsRefused({"reason": ["请填写异议理由。"]})
    if (proposal is None) == (entry is None):
        raise ValueError("object to exactly one proposal or one entry")
    if entry is not None:
        if entry.kind != PointEntry.Kind.AWARD:
            raise PointsRefused("只能对积分流水提出异议。")
        if PointEntry.objects.filter(reverses=entry).exists():
            raise PointsRefused("该流水已冲正，无需再提异议。")
    target = proposal or entry
    assert target is not None
    if target.household_id is None:  # a grid worker's score is not on a household's board
        raise PointsRefused("只能对农户的积分提出异议。")
    if proposal is not None and proposal.status in (Status.RETURNED, Status.WITHDRAWN):
        raise PointsRefused("该采分已退回或撤回，不计分。")
    now = timezone.now()
    objection = Objection.objects.create(
        proposal=proposal,
        entry=entry,
        household_id=target.household_id,
        region_path=target.region_path,
        reason=reason[:500],
        raised_by=actor if getattr(actor, "is_authenticated", False) else None,
        raised_at=now,
    )
    if proposal is not None and proposal.status in (Status.PRELIMINARY, Status.JOINT):
        moved = PointProposal.objects.filter(pk=proposal.pk, status=proposal.status).update(
            status=Status.PROPOSED
        )
        if moved != 1:
            raise PointsRefused("该采分状态已变化，请刷新后重试。", conflict=True)
        ProposalEvent.objects.create(
            proposal=proposal,
            from_status=proposal.status,
            to_status=Status.PROPOSED,
            actor=objection.raised_by,
            body="异议",
            at=now,
            note=f"异议：{reason}"[:200],
        )
        proposal.status = Status.PROPOSED
    record(actor, Action.CREATE, objection, region_path=objection.region_path)
    return objection


@transaction.atomic
def resolve_objection(actor, objection: Objection, *, upheld: bool, resolution: str) -> Objection:
    """The branch (for the two committees) decides an objection. Upheld against an entry, the
    entry is reversed; upheld against a proposal, it is returned. Compare-and-set on ``open``.

    Side effects: the objection; a reversal PointEntry or a returned proposal; audit."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise PointsRefused({"resolution": ["请填写处理意见。"]})
    status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    moved = Objection.objects.filter(pk=objection.pk, status=Objection.Status.OPEN).update(
        status=status, resolved_by=actor, resolved_at=timezone.now(), resolution=resolution[:500]
    )
    if moved != 1:
        raise PointsRefused("该异议已处理。", conflict=True)
    if upheld and objection.entry is not None:
        reverse_entry(actor, objection.entry, f"异议成立：{resolution}")
    elif upheld and objection.proposal_id is not None:
        from points.domain.proposals import return_proposal

        proposal = objection.proposal
        assert proposal is not None
        if proposal.status in (Status.PROPOSED, Status.PRELIMINARY, Status.JOINT):
            return_proposal(actor, [proposal.pk], f"异议成立：{resolution}")
    objection.refresh_from_db()
    record(actor, Action.UPDATE, objection, region_path=objection.region_path)
    _tell_household(objection)
    return objection


def _tell_household(objection: Objection) -> None:
    """The household's residents hear how their objection was decided."""
    from notifications.domain import notify, residents_of

    verdict = "异议成立" if objection.status == Objection.Status.UPHELD else "异议不成立"
    notify(
        [*residents_of(objection.household_id), objection.raised_by_id],
        f"objection-decided:{objection.pk}",
        f"您的积分异议已处理：{verdict}",
        f"处理意见：{objection.resolution}",
        f"/points/households/{objection.household_id}/",
        at=objection.resolved_at,
    )
