"""The escalation sweep (set-based, idempotent, one level per time limit, notices to that
level's admins) and emergencies with their counters."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from incidents.domain import emergencies, escalation, moves
from incidents.models import Escalation
from incidents.tests.support import an_emergency, reported
from notifications.models import Notification


def test_an_overdue_incident_rises_one_level_per_limit_once(world):
    incident = reported(world, "flood_disaster")  # 6 hours
    later = incident.deadline + timedelta(minutes=1)
    assert escalation.sweep(incident.deadline - timedelta(minutes=1)).claimed == 0
    first = escalation.sweep(later)
    assert (first.claimed, first.escalations) == (1, 1)
    again = escalation.sweep(later)
    assert (again.claimed, again.escalations, again.notifications) == (0, 0, 0)
    incident.refresh_from_db()
    assert incident.escalation_level == 1
    # the village level: the branch account of the grid's village is told
    assert Notification.objects.filter(user=world.branch, key__startswith="incident-esc").exists()
    assert not Notification.objects.filter(user=world.township_admin).exists()
    escalation.sweep(later + incident.time_limit)
    incident.refresh_from_db()
    assert incident.escalation_level == 2
    assert Notification.objects.filter(user=world.township_admin).count() == 1
    assert not Notification.objects.filter(user=world.outsider).exists()


def test_a_late_sweep_catches_up_to_the_county(world):
    incident = reported(world, "flood_disaster")
    escalation.sweep(incident.deadline + incident.time_limit * 5)
    incident.refresh_from_db()
    assert incident.escalation_level == 3
    assert list(Escalation.objects.values_list("level", flat=True).order_by("level")) == [1, 2, 3]
    assert Notification.objects.filter(user=world.county_admin).count() == 1


def test_a_resolved_incident_does_not_escalate(world):
    incident = reported(world, "flood_disaster")
    moves.assign(world.township_admin, incident, moves.Assignee(user=world.grid_worker))
    moves.resolve(world.grid_worker, incident, "已处置")
    assert escalation.sweep(incident.deadline + timedelta(hours=1)).claimed == 0


def test_the_command_runs_the_sweep(world, capsys):
    reported(world)
    call_command("incidents_escalate")
    assert "升级事件 0 件" in capsys.readouterr().out


def test_the_emergency_counts_valid_reports_and_figures(world, login):
    emergency = an_emergency(world)
    first = reported(world, "flood_disaster", emergency=emergency)
    second = reported(world, "flood_disaster", emergency=emergency)
    reported(world, "flood_disaster")  # not under the emergency
    moves.assign(world.township_admin, first, moves.Assignee(user=world.grid_worker))
    moves.resolve(world.grid_worker, first, "已转移群众", people_evacuated=12, hazards_removed=2)
    moves.mark_duplicate(world.township_admin, second, first)
    counters = emergencies.counters(emergency)
    assert (counters.reports, counters.valid) == (2, 1)
    assert (counters.people_evacuated, counters.hazards_removed) == (12, 2)
    board = login(world.township_admin).get(
        f"/incidents/emergencies/{emergency.pk}/", HTTP_HX_REQUEST="true"
    )
    assert 'hx-trigger="every 5s"' in board.content.decode()
    login(world.township_admin).post(f"/incidents/emergencies/{emergency.pk}/close/")
    emergency.refresh_from_db()
    assert not emergency.is_open
    assert not emergencies.close_emergency(world.township_admin, emergency)


def test_an_admin_opens_an_emergency(world, login):
    client = login(world.township_admin)
    response = client.post(
        "/incidents/emergencies/", {"region": world.township.pk, "name": "2026年汛期防汛"}
    )
    assert response.status_code == 302
    refused = client.post("/incidents/emergencies/", {"region": world.township.pk, "name": ""})
    assert refused.status_code == 200 and "必填" in refused.content.decode()
    foreign = client.post(
        "/incidents/emergencies/", {"region": world.other_township.pk, "name": "x"}
    )
    assert foreign.status_code == 200  # not a choice: refused beside the field
    assert login(world.grid_worker).post("/incidents/emergencies/", {}).status_code == 404


def test_the_command_centre_counts_and_drills_down(world, login):
    incident = reported(world)
    type(incident).objects.filter(pk=incident.pk).update(
        deadline=timezone.now() - timedelta(hours=1)
    )
    page = login(world.county_admin).get(f"/incidents/centre/?region={world.county.pk}")
    html = page.content.decode()
    assert page.status_code == 200 and "东风镇" in html and "西河镇" in html
    assert f"/incidents/?region={world.township.pk}&status=overdue" in html
    drilled = login(world.county_admin).get(
        f"/incidents/?region={world.township.pk}&status=overdue"
    )
    assert f'<li id="incident-{incident.pk}"' in drilled.content.decode()
    for table in ("children", "types", "months", "overdue"):
        export = login(world.county_admin).get(
            f"/incidents/centre/{table}.xlsx?region={world.county.pk}"
        )
        assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    assert login(world.county_admin).get("/incidents/centre/nope.xlsx").status_code == 404
