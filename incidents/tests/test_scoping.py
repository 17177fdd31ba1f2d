"""Who sees which incidents: a grid worker their grid's (and those assigned to them), a unit
only what was assigned to it, admins their subtree; outsiders get 404."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.scope import visible
from incidents.domain import moves
from incidents.models import Incident
from incidents.tests.support import reported
from tests.world import make_user


def test_each_persona_sees_its_own(world):
    mine = reported(world)
    neighbour_worker = make_user("gridder-2", "grid_worker", world.neighbour_village,
                                 grid=world.neighbour_grid)  # fmt: skip
    neighbours = reported(world, grid=world.neighbour_grid, reporter=neighbour_worker)
    outsider_worker = make_user("gridder-3", "grid_worker", world.outsider_village,
                                grid=world.outsider_grid)  # fmt: skip
    far = reported(world, grid=world.outsider_grid, reporter=outsider_worker)

    def seen(user):
        return set(visible(user, Incident).values_list("pk", flat=True))

    assert seen(world.grid_worker) == {mine.pk}
    assert seen(world.township_admin) == {mine.pk, neighbours.pk}
    assert seen(world.county_admin) == {mine.pk, neighbours.pk, far.pk}
    assert seen(world.outsider) == {far.pk}
    assert seen(world.branch) == {mine.pk}
    assert seen(world.unit) == set()
    moves.assign(world.county_admin, far, moves.Assignee(unit=world.unit_org))
    moves.assign(world.township_admin, neighbours, moves.Assignee(user=world.grid_worker))
    assert seen(world.unit) == {far.pk}
    assert seen(world.grid_worker) == {mine.pk, neighbours.pk}


def test_the_live_list_shows_a_new_incident(world, login):
    client = login(world.township_admin)
    page = client.get("/incidents/").content.decode()
    assert 'hx-trigger="every 5s"' in page and "没有事件" in page
    incident = reported(world)
    partial = client.get("/incidents/live/", HTTP_HX_REQUEST="true").content.decode()
    assert f'id="incident-{incident.pk}"' in partial
    assert "<html" not in partial
    assert (
        f'id="incident-{incident.pk}"'
        not in login(world.outsider).get("/incidents/live/").content.decode()
    )


def test_the_list_queries_do_not_grow_with_rows(world, login, django_assert_max_num_queries):
    reported(world)
    client = login(world.township_admin)
    with CaptureQueriesContext(connection) as one:
        client.get("/incidents/")
    for _ in range(3):
        reported(world)
    with django_assert_max_num_queries(len(one)):
        assert client.get("/incidents/").content.decode().count('<li id="incident-') == 4


def test_a_foreign_region_filter_is_404(world, login):
    client = login(world.township_admin)
    assert client.get(f"/incidents/?region={world.other_township.pk}").status_code == 404
