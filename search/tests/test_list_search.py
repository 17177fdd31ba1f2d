"""The search boxes of the long lists: incidents and requests by words (description, title,
number, names), households by head, code or address; always inside the user's scope."""

from incidents.tests.support import reported
from services.domain import requests
from services.domain.requests import RequestInput
from services.tests.factories import make_catalogue
from tests.world import add_household


def test_the_incident_list_searches_by_words_and_number(world, login):
    bridge = reported(world, description="村东桥头护栏松动")
    well = reported(world, description="村西水井盖缺失")
    client = login(world.township_admin)
    page = client.get("/incidents/?q=水井").content.decode()
    assert f"/incidents/{well.pk}/" in page and f"/incidents/{bridge.pk}/" not in page
    page = client.get(f"/incidents/?q={bridge.pk}").content.decode()
    assert f"/incidents/{bridge.pk}/" in page and f"/incidents/{well.pk}/" not in page
    page = client.get("/incidents/?q=村西 安全隐患").content.decode()  # words: AND
    assert f"/incidents/{well.pk}/" in page and f"/incidents/{bridge.pk}/" not in page
    assert 'name="q"' in page
    outsider = login(world.outsider).get("/incidents/?q=水井").content.decode()
    assert f"/incidents/{well.pk}/" not in outsider
    huge = client.get("/incidents/?q=99999999999999999999999")
    assert huge.status_code == 200


def test_the_request_list_searches_by_words_number_and_household(world, login):
    catalogue = make_catalogue(world.county)
    first = requests.submit_request(
        world.resident,
        RequestInput(
            description="申请低保，家中老人多病", item=catalogue.items[0], household=world.household
        ),
    )
    second = requests.submit_request(
        world.resident,
        RequestInput(description="农机补贴", item=catalogue.items[3], household=world.household),
    )
    client = login(world.branch)
    page = client.get("/services/requests/?q=老人").content.decode()
    assert f"/services/requests/{first.pk}/" in page
    assert f"/services/requests/{second.pk}/" not in page
    page = client.get(f"/services/requests/?q={second.pk}").content.decode()
    assert f"/services/requests/{second.pk}/" in page
    page = client.get("/services/requests/?q=王建国 农机").content.decode()
    assert f"/services/requests/{second.pk}/" in page
    assert f"/services/requests/{first.pk}/" not in page
    outsider = login(world.outsider).get("/services/requests/?q=老人").content.decode()
    assert f"/services/requests/{first.pk}/" not in outsider


def test_the_household_list_searches_head_code_and_address(world, login):
    by_address = add_household(world.grid, "周永福", address="红旗村三组12号")
    client = login(world.grid_worker)
    page = client.get("/households/?q=三组").content.decode()
    assert f"/households/{by_address.pk}/" in page
    assert f"/households/{world.household.pk}/" not in page
    page = client.get(f"/households/?q={world.household.code[:5]}").content.decode()
    assert f"/households/{world.household.pk}/" in page  # the start of a code is enough
    assert 'hx-get="/households/"' in page  # type-ahead
    assert (
        "/households/"
        not in login(world.outsider)
        .get("/households/?q=三组")
        .content.decode()
        .split('id="household-results"')[1]
    )
