"""The people a change concerns hear of it: the reporter of an incident when it is closed,
sent back or marked a duplicate; a household's residents when points are approved for it and
when its objection is decided."""

from datetime import date

from incidents.domain import moves
from incidents.tests.support import reported, resolved
from notifications.models import Notification
from points.domain import ledger
from points.domain.objections import raise_objection, resolve_objection
from points.domain.proposals import ProposalInput, propose_entries, review
from points.models import AssemblyMeeting
from points.tests.conftest import a_photo, install_points


def inbox(user):
    return list(Notification.objects.filter(user=user).values_list("title", "url"))


def test_it_tells_the_reporter_that_their_incident_was_closed(world):
    incident = resolved(world)
    moves.close(world.township_admin, incident)
    [(_title, url)] = [n for n in inbox(world.grid_worker) if "已关闭" in n[0]]
    assert url == f"/incidents/{incident.pk}/"


def test_it_tells_the_reporter_that_their_incident_was_sent_back(world):
    incident = resolved(world)
    moves.reopen(world.township_admin, incident, "护栏仍然松动")
    assert any("退回重办" in title for title, _url in inbox(world.grid_worker))


def test_it_tells_the_reporter_that_their_incident_is_a_duplicate(world):
    original = reported(world)
    incident = reported(world, description="桥头护栏松了")
    moves.mark_duplicate(world.township_admin, incident, original)
    assert any("重复" in title for title, _url in inbox(world.grid_worker))


def test_it_does_not_tell_the_reporter_of_their_own_move(world):
    incident = resolved(world)
    moves.close(world.grid_worker, incident)  # the reporter verifies and closes it
    assert not any("已关闭" in title for title, _url in inbox(world.grid_worker))


def proposal(world, book):
    rule = book.rules.get(code="X01")
    [made] = propose_entries(
        world.grid_worker,
        [
            ProposalInput(
                household=world.household,
                rule=rule,
                occurred_on=date(2026, 1, 10),
                times=1,
                note="参加村道清扫",
                photo=a_photo() if rule.evidence == "photo" else None,
            )
        ],
    )
    review(world.branch, [made.pk], "preliminary", signed_by="党小组长")
    review(world.branch, [made.pk], "joint", signed_by="书记")
    return made


def test_it_tells_the_household_that_points_were_approved(world):
    book, _shop = install_points(world)
    made = proposal(world, book)
    meeting = AssemblyMeeting(region=world.village, held_on=date(2026, 1, 20), minutes="审议")
    ledger.approve_at_assembly(world.branch, meeting, [made.pk])
    [(title, url)] = inbox(world.resident)
    assert "积分已审议通过" in title and url == f"/points/households/{world.household.pk}/"
    assert inbox(world.outsider) == []


def test_it_tells_the_household_how_its_objection_was_decided(world):
    book, _shop = install_points(world)
    made = proposal(world, book)
    meeting = AssemblyMeeting(region=world.village, held_on=date(2026, 1, 20), minutes="审议")
    [entry] = ledger.approve_at_assembly(world.branch, meeting, [made.pk])
    objection = raise_objection(world.resident, reason="没有参加", entry=entry)
    resolve_objection(world.branch, objection, upheld=False, resolution="有签到表为证")
    assert any("异议不成立" in title for title, _url in inbox(world.resident))
