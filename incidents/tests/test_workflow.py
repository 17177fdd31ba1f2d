"""The workflow: assign, progress, resolve, verify and close, or mark duplicate; each move by
the person whose move it is, compare-and-set, with its history; a county's own states."""

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.domain import catalogue, moves
from incidents.models import IncidentEvent, IncidentState
from incidents.tests.support import assigned, install, reported, resolved
from notifications.models import Notification


def test_it_goes_from_report_to_closed_with_history(world, login):
    incident = reported(world)
    admin = login(world.township_admin)
    page = admin.get(f"/incidents/{incident.pk}/").content.decode()
    assert f'action="/incidents/{incident.pk}/assign/"' in page
    response = admin.post(
        f"/incidents/{incident.pk}/assign/", {"unit": world.unit_org.pk, "note": "请农牧局处理"}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state.code == "assigned" and incident.assigned_unit == world.unit_org
    assert Notification.objects.filter(user=world.unit, key__startswith="incident-assign:").exists()

    unit = login(world.unit)
    unit.post(f"/incidents/{incident.pk}/progress/", {"note": "已派人到场"})
    unit.post(
        f"/incidents/{incident.pk}/resolve/",
        {"note": "护栏已更换", "people_evacuated": 0, "hazards_removed": 1},
    )
    incident.refresh_from_db()
    assert incident.state.code == "resolved" and incident.hazards_removed == 1
    login(world.grid_worker).post(f"/incidents/{incident.pk}/close/", {"note": "现场核实"})
    incident.refresh_from_db()
    assert incident.state.code == "closed" and incident.state.open311_status == "closed"
    actions = list(incident.events.values_list("action", flat=True))
    assert actions == ["report", "assign", "progress", "resolve", "close"]
    assert all(e.at for e in incident.events.all())


def test_a_move_that_is_someone_elses_is_refused(world, login):
    incident = reported(world)
    assert login(world.grid_worker).post(f"/incidents/{incident.pk}/assign/").status_code == 403
    assert login(world.outsider).post(f"/incidents/{incident.pk}/assign/").status_code == 404
    assert login(world.township_admin).post(f"/incidents/{incident.pk}/fly/").status_code == 404


def test_a_move_already_made_changes_nothing(world):
    incident = resolved(world)
    stale = type(incident).objects.get(pk=incident.pk)
    assert moves.close(world.township_admin, incident)
    assert not moves.reopen(world.township_admin, stale, "再看看")
    assert incident.events.filter(action="reopen").count() == 0


def test_a_bad_assignment_keeps_the_form_with_a_message(world, login):
    incident = reported(world)
    response = login(world.township_admin).post(
        f"/incidents/{incident.pk}/assign/", {"note": "尽快"}
    )
    page = response.content.decode()
    assert response.status_code == 422 and "请选择一位承办人或一个承办单位" in page
    assert "尽快" in page


def test_it_marks_a_duplicate_and_a_county_state(world, login):
    first, second = reported(world), reported(world, description="桥头护栏坏了")
    client = login(world.township_admin)
    client.post(f"/incidents/{second.pk}/duplicate/", {"original": first.pk})
    second.refresh_from_db()
    assert second.state.code == "duplicate" and second.duplicate_of == first
    state = catalogue.add_state(world.county_admin, world.county, "site_check", "待现场核实")
    assert state.kind == "open" and state.open311_status == "open"
    client.post(f"/incidents/{first.pk}/set_state/", {"state": state.pk})
    first.refresh_from_db()
    assert first.state == state
    assert "assign" in moves.available(world.township_admin, first)


def test_an_outsider_state_cannot_be_used(world):
    install(world)
    incident = reported(world)
    with pytest.raises(moves.MoveRefused):
        moves.set_state(world.township_admin, incident, catalogue.builtin("closed"))


def test_the_reporter_reopens_a_result_that_is_not_right(world, login):
    incident = resolved(world)
    response = login(world.grid_worker).post(f"/incidents/{incident.pk}/reopen/", {"note": ""})
    assert response.status_code == 422
    login(world.grid_worker).post(f"/incidents/{incident.pk}/reopen/", {"note": "护栏仍松动"})
    incident.refresh_from_db()
    assert incident.state.code == "in_progress" and incident.resolved_at is None


def test_history_records_the_states(world):
    incident = assigned(world)
    event = incident.events.get(action=IncidentEvent.Action.ASSIGN)
    assert event.from_state.code == "reported" and event.to_state.code == "assigned"


def test_built_in_states_are_read_once_and_made_again_after_a_flush(
    db, fresh_builtin_cache, django_capture_on_commit_callbacks
):
    """``builtin`` keeps a built-in state it read once the reading transaction commits, and
    then answers without a query; ``post_migrate`` (sent by ``migrate`` and by ``flush``,
    which empties migration 0002's rows too) makes missing ones again and empties the cache,
    so no stale row outlives a flush."""
    first = catalogue.builtin(catalogue.REPORTED)
    assert fresh_builtin_cache == {}  # not yet committed: nothing kept
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.builtin(catalogue.REPORTED)
    with CaptureQueriesContext(connection) as queries:
        again = catalogue.builtin(catalogue.REPORTED)
    assert again == first and len(queries) == 0
    IncidentState.objects.filter(region__isnull=True).delete()  # what a flush leaves
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert fresh_builtin_cache == {}
    remade = catalogue.builtin(catalogue.REPORTED)
    assert remade.pk != first.pk and (remade.label, remade.kind) == ("待交办", "open")
    assert IncidentState.objects.filter(region__isnull=True).count() == len(
        catalogue.BUILTIN_STATES
    )


def test_nobody_marks_their_own_report_as_a_duplicate(world, login):
    """The reporter is not offered 「标记重复」, the page refuses it (403) and so does the
    domain; a superior still may."""
    first, second = reported(world), reported(world, description="桥头护栏坏了")
    assert second.reporter == world.grid_worker
    reporter = login(world.grid_worker)
    assert "标记重复" not in reporter.get(f"/incidents/{second.pk}/").content.decode()
    assert "duplicate" not in moves.available(world.grid_worker, second)
    response = reporter.post(f"/incidents/{second.pk}/duplicate/", {"original": first.pk})
    assert response.status_code == 403
    with pytest.raises(moves.MoveRefused):
        moves.mark_duplicate(world.grid_worker, second, first)
    second.refresh_from_db()
    assert second.state.code == "reported"
    assert "duplicate" in moves.available(world.township_admin, second)
    assert login(world.outsider).get(f"/incidents/{second.pk}/").status_code == 404
