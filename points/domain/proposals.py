"""Proposals (采分) and the review chain (seed 004): the grid worker scores → the party group's
preliminary review (党小组初审) → the two committees' joint review (两委联席复审) → the
assembly's approval (党员/村民代表大会审议, ``ledger.approve_at_assembly``). Each step may
return an entry with a reason; the proposer may then resubmit or withdraw it.

The moves are in ``TRANSITIONS``; each is a compare-and-set ``UPDATE`` on the status plus a
``ProposalEvent`` row. The village's branch account takes the steps on behalf of the bodies
(一支部一账号) and records which body decided and who signed (``signed_by``)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.scope import scope_for, visible
from audit.log import Action, record
from core.periods import containing
from core.photos import CleanPhoto
from orgs.models import Grid, Household, Member
from points.domain.errors import PointsRefused
from points.domain.periods import PERIOD_WORDS
from points.domain.rulebooks import rule_in_force
from points.models import PointProposal, PointRule, ProposalEvent

Status = PointProposal.Status
REVIEWING = [Status.PROPOSED, Status.PRELIMINARY, Status.JOINT]
COUNTING = [*REVIEWING, Status.APPROVED]  # what a rule's cap counts
# The most times one proposal may count a deed, whatever the rule: a proposal is one deed on
# one day, so a larger number is a typing error (or an attack on the ledger's integers).
MAX_TIMES = 100

# step → (from, to, the body that takes it)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "preliminary": ((Status.PROPOSED,), Status.PRELIMINARY, "党小组"),
    "joint": ((Status.PRELIMINARY,), Status.JOINT, "两委联席会议"),
    "approve": ((Status.JOINT,), Status.APPROVED, "党员（村民代表）大会"),
    "return": (tuple(REVIEWING), Status.RETURNED, ""),
    "withdraw": ((Status.PROPOSED, Status.RETURNED), Status.WITHDRAWN, "网格员"),
    "resubmit": ((Status.RETURNED,), Status.PROPOSED, "网格员"),
}
# Which body returns an entry, by the status it is returned from.
RETURNING_BODY = {
    Status.PROPOSED: "党小组",
    Status.PRELIMINARY: "两委联席会议",
    Status.JOINT: "党员（村民代表）大会",
}


@dataclass
class ProposalInput:
    """One proposed entry of a batch. Its subject follows the rule's class of person:
    ``household`` (群众), ``member`` of ``household`` (党员), or ``grid`` (网格员: the grid's
    worker, named in ``person_name`` or, when empty, the grid's worker account)."""

    household: Household | None
    rule: PointRule
    occurred_on: date
    times: int = 1
    note: str = ""
    member: Member | None = None
    person_name: str = ""
    photo: CleanPhoto | None = None
    client_key: str | None = None
    grid: Grid | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def for_grid_worker(self) -> bool:
        return self.rule.applies_to == PointRule.AppliesTo.GRID_WORKER

    @property
    def village_id(self) -> int:
        place = self.grid if self.for_grid_worker else self.household
        assert place is not None
        return place.region_id

    def subject_key(self) -> tuple[str, int]:
        """What a rule's cap counts per: the grid, the member or the household."""
        if self.for_grid_worker:
            assert self.grid is not None
            return ("grid", self.grid.pk)
        if self.member is not None:
            return ("member", self.member.pk)
        assert self.household is not None
        return ("household", self.household.pk)


def grid_worker_name(grid: Grid) -> str:
    """The name of the grid's worker account (网格员专属账号), "" when it has none."""
    from accounts.models import Role, RoleAssignment

    holder = (
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, grid=grid)  # scope-ok: a name
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return str(holder.user)[:50] if holder is not None else ""


def proposable_rules(village, day: date) -> list[PointRule]:
    book = rule_in_force(village, day)
    return list(book.rules.order_by("code")) if book is not None else []


def max_times(rule: PointRule) -> int:
    """The most times one proposal of ``rule`` may count: what its cap per period allows
    (a rule of +2 capped at 8 a month: 4), and never more than ``MAX_TIMES``."""
    if rule.cap is not None and rule.points:
        return max(1, min(MAX_TIMES, rule.cap // abs(rule.points)))
    return MAX_TIMES


def times_message(rule: PointRule) -> str:
    most = max_times(rule)
    if rule.cap is not None and most < MAX_TIMES:
        word = PERIOD_WORDS.get(rule.cap_period or "", "本期").removeprefix("本")
        return (
            f"次数过多：“{rule.name}”每次 {rule.points:+d} 分，每户{word}最多 {rule.cap} 分，"
            f"一次最多 {most} 次。"
        )
    return f"次数过多：一次采分最多 {most} 次。"


def _check(actor, item: ProposalInput, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    household, rule = item.household, item.rule
    if item.occurred_on > today:
        errors.setdefault("occurred_on", []).append("发生日期不能晚于今天。")
    if item.times < 1:
        errors.setdefault("times", []).append("次数至少为 1。")
    elif item.times > max_times(rule):
        errors.setdefault("times", []).append(times_message(rule))
    book = rule_in_force(item.village_id, item.occurred_on)
    if book is None:
        errors.setdefault("rule", []).append(f"{item.occurred_on} 本村尚无施行中的积分细则。")
    elif rule.rulebook_id != book.pk:
        errors.setdefault("rule", []).append(
            f"该项目不属于 {item.occurred_on} 施行的第{book.version}版细则。"
        )
    if rule.applies_to == PointRule.AppliesTo.MEMBER:
        if item.member is None or household is None or item.member.household_id != household.pk:
            errors.setdefault("member", []).append("党员积分项目请选择本户的一名党员。")
    elif item.for_grid_worker and not item.person_name.strip():
        errors.setdefault("person_name", []).append(
            "网格员积分项目请填写网格员姓名（本网格尚无网格员账号）。"
        )
    if rule.evidence == PointRule.Evidence.PHOTO and item.photo is None:
        errors.setdefault("photo", []).append(f"“{rule.name}”需要上传现场照片。")
    if rule.evidence == PointRule.Evidence.NOTE and not item.note.strip():
        errors.setdefault("note", []).append(f"“{rule.name}”需要填写文字说明。")
    return errors


def _check_caps(items: Sequence[ProposalInput]) -> None:
    """A rule's cap per subject (household, member or grid worker) and period, counting what
    is already proposed, under review or approved, plus this batch. The subjects' rows are
    locked first (the households' balance rows, the grids), so two batches for one subject
    are counted one after the other."""
    from points.domain.ledger import ensure_balances
    from points.models import HouseholdPoints

    capped = [i for i in items if i.rule.cap is not None and not i.errors]
    if not capped:
        return
    households = {i.household.pk: i.household for i in capped if i.household is not None}
    ensure_balances(households.values())
    list(HouseholdPoints.objects.select_for_update().filter(pk__in=sorted(households)))
    grids = sorted({i.grid.pk for i in capped if i.for_grid_worker and i.grid is not None})
    list(Grid.objects.select_for_update().filter(pk__in=grids).values_list("pk"))
    batch: dict[tuple, int] = {}
    for item in capped:
        rule = item.rule
        cap_period = containing(item.occurred_on, rule.cap_period or "")
        start, end = cap_period.start, cap_period.end
        kind, subject = item.subject_key()
        key = (kind, subject, rule.pk, start)
        if key not in batch:
            batch[key] = abs(
                PointProposal.objects.filter(
                    **{f"{kind}_id": subject},
                    rule=rule,
                    status__in=COUNTING,
                    occurred_on__gte=start,
                    occurred_on__lte=end,
                ).aggregate(s=Sum("points"))["s"]
                or 0
            )
        adding = abs(rule.points * item.times)
        if batch[key] + adding > (rule.cap or 0):
            word = PERIOD_WORDS[rule.cap_period or ""].removeprefix("本")
            each, who = {
                "grid": ("每名网格员", item.person_name or (item.grid and item.grid.name)),
                "member": ("每名党员", item.member and item.member.name),
                "household": ("每户", item.household),
            }[kind]
            item.errors.setdefault("times", []).append(
                f"“{rule.name}”{each}{word}最多 {rule.cap} 分，{who}"
                f"该{word}已有 {batch[key]} 分（含审核中），本次 {adding} 分超出上限。"
            )
        else:
            batch[key] += adding


@transaction.atomic
def propose_entries(actor, batch: Sequence[ProposalInput]) -> list[PointProposal]:
    """A grid worker's batch of proposals for households (or their party members) of their
    grid, or for the grid's worker (an item of the 网格员 class: no household, the grid) — or
    an admin's or the branch's for their villages. Each must use an item of the rulebook in
    force on its day, for the right class of person, with the evidence the item requires,
    within its cap. Any refused item refuses the whole batch: its ``errors`` say why
    (nothing typed is lost).

    Items carrying a ``client_key`` already used by this proposer return the first proposal
    instead of a second (a phone's retry).

    Side effects: PointProposals (with photos), a ProposalEvent each, one audit entry each."""
    if not batch:
        raise PointsRefused({"households": ["请至少选择一户。"]})
    signed_in = getattr(actor, "is_authenticated", False)
    scope = scope_for(actor)
    for item in batch:
        if item.for_grid_worker:
            item.household, item.member = None, None
            if item.grid is None:
                item.errors = {"grid": ["网格员积分项目请选择网格。"]}
            elif not item.person_name.strip():
                item.person_name = grid_worker_name(item.grid)
        elif item.household is None:
            item.errors = {"households": ["请至少选择一户。"]}
        else:
            item.grid = None
            if item.rule.applies_to != PointRule.AppliesTo.MEMBER:
                item.member = None  # a resident item scores the household, not a member
    allowed = set(
        visible(actor, Household)
        .filter(pk__in=[i.household.pk for i in batch if i.household is not None])
        .values_list("pk", flat=True)
    )
    allowed_grids = set(
        visible(actor, Grid)
        .filter(pk__in=[i.grid.pk for i in batch if i.grid is not None])
        .values_list("pk", flat=True)
    )
    today = timezone.localdate()
    results: list[PointProposal | None] = []
    fresh: list[ProposalInput] = []
    for item in batch:
        key = item.client_key if signed_in and item.client_key else None
        item.client_key = key
        first = (
            PointProposal.objects.filter(proposed_by=actor, client_key=key).first()
            if key is not None
            else None
        )
        results.append(first)
        if first is not None:
            continue
        if item.errors:
            continue
        manager = scope.is_admin or bool(scope.branch_region_paths)
        if item.grid is not None:
            if not (item.grid.pk in allowed_grids and (manager or item.grid.pk in scope.grid_ids)):
                item.errors = {"grid": ["只能为本网格的网格员采分。"]}
                continue
        else:
            household = item.household
            assert household is not None
            proposer_may = household.pk in allowed and (
                manager or household.grid_id in scope.grid_ids
            )
            if not proposer_may:
                item.errors = {"households": ["只能为本网格的农户采分。"]}
                continue
        item.errors = _check(actor, item, today)
        fresh.append(item)
    _check_caps(fresh)
    refused = [i for i in batch if i.errors]
    if refused:
        merged: dict[str, list[str]] = {}
        for item in refused:
            for name, messages in item.errors.items():
                for message in messages:
                    if message not in merged.setdefault(name, []):
                        merged[name].append(message)
        raise PointsRefused(merged)
    now = timezone.now()
    for index, item in enumerate(batch):
        if results[index] is not None:
            continue
        place = item.grid if item.grid is not None else item.household
        assert place is not None
        proposal = PointProposal(
            rule=item.rule,
            household=item.household,
            member=item.member,
            person_name=(
                item.person_name.strip()
                or (item.member.name if item.member else getattr(place, "head_name", ""))
            )[:50],
            grid_id=place.pk if isinstance(place, Grid) else place.grid_id,
            region_id=place.region_id,
            region_path=place.region_path,
            occurred_on=item.occurred_on,
            times=item.times,
            points=item.rule.points * item.times,
            note=item.note.strip(),
            proposed_by=actor if signed_in else None,
            proposed_at=now,
            client_key=item.client_key,
        )
        if item.photo is not None:
            proposal.photo = item.photo.image
            proposal.thumbnail = item.photo.thumbnail
        try:
            with transaction.atomic():
                proposal.save()
        except IntegrityError:
            if item.client_key is None:
                raise
            results[index] = PointProposal.objects.get(
                proposed_by=actor, client_key=item.client_key
            )
            continue
        ProposalEvent.objects.create(
            proposal=proposal,
            from_status="",
            to_status=Status.PROPOSED,
            actor=actor if signed_in else None,
            body="网格员",
            at=now,
        )
        record(actor, Action.CREATE, proposal, region_path=proposal.region_path)
        results[index] = proposal
    return [r for r in results if r is not None]


def _move(
    actor,
    proposal_ids: Sequence[int],
    step: str,
    *,
    rows,
    signed_by: str = "",
    note: str = "",
    extra: dict | None = None,
) -> list[PointProposal]:
    sources, target, body = TRANSITIONS[step]
    ids = sorted(set(proposal_ids))
    if not ids:
        raise PointsRefused({"proposals": ["请至少选择一条采分。"]})
    found = list(rows.select_for_update().filter(pk__in=ids, status__in=sources).order_by("pk"))
    if len(found) != len(ids):
        raise PointsRefused("所选采分中有的已被处理或不在此环节，请刷新后重试。", conflict=True)
    moved = PointProposal.objects.filter(pk__in=ids, status__in=sources).update(
        status=target, **(extra or {})
    )
    if moved != len(ids):
        raise PointsRefused("所选采分已被他人处理，请刷新后重试。", conflict=True)
    now = timezone.now()
    ProposalEvent.objects.bulk_create(
        ProposalEvent(
            proposal=p,
            from_status=p.status,
            to_status=target,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            body=body or RETURNING_BODY.get(p.status, ""),
            signed_by=signed_by.strip(),
            at=now,
            note=note[:200],
        )
        for p in found
    )
    for p in found:
        record(
            actor,
            Action.UPDATE,
            p,
            region_path=p.region_path,
            changes={"status": [p.status, target]},
        )
        p.status = target
    return found


@transaction.atomic
def review(
    actor, proposal_ids: Sequence[int], step: str, *, signed_by: str = "", note: str = ""
) -> list[PointProposal]:
    """Pass proposals on: ``preliminary`` (the party group's preliminary review) or ``joint``
    (the two committees' joint review). Only the village's branch account and admins above
    take the steps; all of the batch moves or none.

    Side effects: the proposals' status, a ProposalEvent each, an audit entry each."""
    if step not in ("preliminary", "joint"):
        raise ValueError(f"not a review step: {step}")
    rows = visible(actor, PointProposal, write=True)
    return _move(actor, proposal_ids, step, rows=rows, signed_by=signed_by, note=note)


@transaction.atomic
def return_proposal(
    actor, proposal_ids: Sequence[int], reason: str, *, signed_by: str = ""
) -> list[PointProposal]:
    """Return proposals at whatever step they wait, with a reason the grid worker sees.

    Side effects: the proposals' status and reason, a ProposalEvent each, audit entries."""
    reason = (reason or "").strip()
    if not reason:
        raise PointsRefused({"reason": ["请填写退回原因。"]})
    rows = visible(actor, PointProposal, write=True)
    return _move(
        actor,
        proposal_ids,
        "return",
        rows=rows,
        signed_by=signed_by,
        note=reason,
        extra={"returned_reason": reason[:200]},
    )


@transaction.atomic
def withdraw(actor, proposal: PointProposal) -> PointProposal:
    """The proposer takes back a proposal not yet reviewed, or one returned to them."""
    rows = PointProposal.objects.filter(proposed_by=actor)
    return _move(actor, [proposal.pk], "withdraw", rows=rows)[0]


@transaction.atomic
def resubmit(actor, proposal: PointProposal, *, note: str = "") -> PointProposal:
    """The proposer sends a returned proposal back to preliminary review, with a note."""
    rows = PointProposal.objects.filter(proposed_by=actor)
    extra = {"note": note.strip()} if note.strip() else {}
    return _move(actor, [proposal.pk], "resubmit", rows=rows, note=note, extra=extra)[0]
