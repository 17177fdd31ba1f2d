"""Helpers for the points-report tests: villages with the default rulebook and scores that
went the whole review chain, so that the ledger holds what a real month would."""

from datetime import date, timedelta

from django.utils import timezone

from points.domain import rulebooks, store
from points.domain.defaults import DEFAULT_RULES
from points.domain.ledger import approve_at_assembly
from points.domain.proposals import ProposalInput, propose_entries, review
from points.models import AssemblyMeeting, PointRule, Rulebook
from points.tests.conftest import a_photo


def install(actor, village, *, since: date | None = None) -> Rulebook:
    """The village's default rulebook, approved and in force since ``since``, and its store."""
    since = since or timezone.localdate() - timedelta(days=400)
    book = rulebooks.draft_rulebook(actor, village, rules=DEFAULT_RULES)
    rulebooks.approve_rulebook(
        actor, book, approved_on=since, assembly_minutes="村民代表大会表决通过", in_force_from=since
    )
    store.open_store(actor, village)
    return book


def score(proposer, reviewer, household, code: str, times: int = 1, *, day=None, held_on=None):
    """A proposal of ``code`` for ``household`` through preliminary and joint review and the
    assembly's approval; returns the ledger entry."""
    day = day or timezone.localdate()
    book = rulebooks.rule_in_force(household.region_id, day)
    rule = book.rules.get(code=code)
    item = ProposalInput(household=household, rule=rule, occurred_on=day, times=times)
    if rule.evidence == PointRule.Evidence.PHOTO:
        item.photo = a_photo()
    if rule.evidence == PointRule.Evidence.NOTE:
        item.note = "网格员核实"
    [proposal] = propose_entries(proposer, [item])
    review(reviewer, [proposal.pk], "preliminary")
    review(reviewer, [proposal.pk], "joint")
    meeting = AssemblyMeeting(
        region_id=household.region_id, held_on=held_on or timezone.localdate(), minutes="审议通过"
    )
    [entry] = approve_at_assembly(reviewer, meeting, [proposal.pk])
    return entry
