"""The routing table page (派单路由): admins set, replace and remove rules (place × item →
unit) over their subtree, and the deepest rule is then what a dispatcher is offered; branch
accounts read the rules over their village and change nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from orgs.domain import people, tree
from services.domain import requests
from services.domain.catalogue import set_route
from services.models import RoutingRule
from services.tests.factories import make_catalogue
from services.tests.test_centres_edit import beside

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world):
    return make_catalogue(world.county)


@pytest.fixture
def second_unit(world):
    return people.create_unit(None, region=world.county, name="青山旗民政局", code="U-2")


def a_request_at_the_village(world, item):
    return requests.submit_request(
        world.resident,
        requests.RequestInput(description="办理低保", item=item, household=world.household),
    )


def test_it_sets_a_rule_that_then_proposes_the_unit(world, catalogue, login):
    item = catalogue.items[0]
    client = login(world.township_admin)
    local = people.create_unit(None, region=world.township, name="东风镇民政所", code="U-T")
    page = client.get(f"/services/routing/?region={world.township.pk}").content.decode()
    assert item.name in page and local.name in page
    response = client.post(
        f"/services/routing/?region={world.township.pk}",
        {"region": world.village.pk, "item": item.pk, "unit": local.pk},
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.region, rule.item, rule.unit, rule.region_path) == (
        world.village,
        item,
        local,
        world.village.path,
    )
    assert requests.proposed_unit(a_request_at_the_village(world, item)) == local
    entry = AuditEntry.objects.get(model="services.RoutingRule")
    assert (entry.action, entry.actor) == ("create", world.township_admin)
    assert "红旗村" in entry.object_repr and local.name in entry.object_repr


def test_setting_the_same_place_and_item_again_replaces_the_unit(
    world, catalogue, second_unit, login
):
    item = catalogue.items[0]
    set_route(None, world.county, item, world.unit_org)
    response = login(world.county_admin).post(
        "/services/routing/", {"region": world.county.pk, "item": item.pk, "unit": second_unit.pk}
    )
    assert response.status_code == 302
    assert RoutingRule.objects.get().unit == second_unit
    entry = AuditEntry.objects.get(model="services.RoutingRule", action="update")
    assert entry.changes == {"unit": [world.unit_org.name, second_unit.name]}


def test_the_deepest_rule_wins_and_removing_it_falls_back_to_the_one_above(
    world, catalogue, second_unit, login
):
    item = catalogue.items[0]
    set_route(None, world.county, item, world.unit_org)
    village_rule = set_route(None, world.village, item, second_unit)
    request = a_request_at_the_village(world, item)
    assert requests.proposed_unit(request) == second_unit
    response = login(world.county_admin).post(
        f"/services/routing/{village_rule.pk}/remove/", {"region": world.township.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/services/routing/?region={world.township.pk}"
    assert not RoutingRule.objects.filter(pk=village_rule.pk).exists()
    assert requests.proposed_unit(request) == world.unit_org
    entry = AuditEntry.objects.get(model="services.RoutingRule", action="delete")
    assert entry.object_id == str(village_rule.pk) and entry.actor == world.county_admin


def test_an_item_not_of_the_places_catalogue_is_refused_and_the_choices_are_kept(
    world, catalogue, login
):
    other = tree.add_region(
        None, parent=world.county.parent, name="白山旗", code="150526", level="county"
    )
    foreign = make_catalogue(other).items[0]
    response = login(world.county_admin).post(
        "/services/routing/",
        {"region": world.village.pk, "item": foreign.pk, "unit": world.unit_org.pk},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert beside(body, "item", "请从列表中选择服务事项。")
    assert f'<option value="{world.unit_org.pk}" selected>' in body
    assert f'<option value="{world.village.pk}" selected>' in body
    assert not RoutingRule.objects.exists()


def test_a_unit_that_does_not_serve_the_place_is_refused_beside_the_field(world, catalogue, login):
    township_unit = people.create_unit(None, region=world.township, name="东风镇民政所", code="U-T")
    response = login(world.county_admin).post(
        "/services/routing/",
        {
            "region": world.outsider_village.pk,
            "item": catalogue.items[0].pk,
            "unit": township_unit.pk,
        },
    )
    assert beside(response.content.decode(), "unit", "该单位不服务此区划，请选择服务此地的单位。")
    assert not RoutingRule.objects.exists()


def test_a_branch_reads_the_rules_over_its_village_but_changes_nothing(world, catalogue, login):
    rule = set_route(None, world.village, catalogue.items[0], world.unit_org)
    client = login(world.branch)
    page = client.get("/services/routing/")
    body = page.content.decode()
    assert page.status_code == 200
    assert catalogue.items[0].name in body and world.unit_org.name in body
    assert 'name="unit"' not in body and "/remove/" not in body
    data = {"region": world.village.pk, "item": catalogue.items[1].pk, "unit": world.unit_org.pk}
    assert client.post("/services/routing/", data).status_code == 404
    assert client.post(f"/services/routing/{rule.pk}/remove/").status_code == 404
    assert list(RoutingRule.objects.all()) == [rule]


def test_the_rules_set_above_a_place_are_shown_there_and_left_to_their_admins(
    world, catalogue, login
):
    """A county's rule applies in every village: the village's branch and the township admin
    see it, marked as set above, and only the county admin may remove it."""
    county_rule = set_route(None, world.county, catalogue.items[0], world.unit_org)
    branch = login(world.branch).get("/services/routing/").content.decode()
    assert catalogue.items[0].name in branch and "（上级设置）" in branch
    township = login(world.township_admin)
    page = township.get(f"/services/routing/?region={world.township.pk}").content.decode()
    assert catalogue.items[0].name in page and "（上级设置）" in page
    assert f"/services/routing/{county_rule.pk}/remove/" not in page
    assert township.post(f"/services/routing/{county_rule.pk}/remove/").status_code == 404
    county = login(world.county_admin).get("/services/routing/").content.decode()
    assert f"/services/routing/{county_rule.pk}/remove/" in county and "（上级设置）" not in county
    assert RoutingRule.objects.filter(pk=county_rule.pk).exists()


def test_the_other_township_and_residents_get_404(world, catalogue, login):
    rule = set_route(None, world.village, catalogue.items[0], world.unit_org)
    outsider = login(world.outsider)
    assert outsider.get(f"/services/routing/?region={world.township.pk}").status_code == 404
    assert outsider.post(f"/services/routing/{rule.pk}/remove/").status_code == 404
    own = outsider.get("/services/routing/").content.decode()
    assert catalogue.items[0].name not in own.split("路由规则")[-1]
    assert login(world.resident).get("/services/routing/").status_code == 404
    assert RoutingRule.objects.filter(pk=rule.pk).exists()


def test_a_township_admin_cannot_route_in_the_other_township(world, catalogue, login):
    response = login(world.township_admin).post(
        f"/services/routing/?region={world.township.pk}",
        {"region": world.outsider_village.pk, "item": catalogue.items[0].pk, "unit": ""},
    )
    assert beside(response.content.decode(), "region", "请从列表中选择区划。")
    assert not RoutingRule.objects.exists()


def test_the_list_costs_the_same_queries_for_one_rule_and_for_three(
    world, catalogue, second_unit, login
):
    client = login(world.county_admin)
    set_route(None, world.county, catalogue.items[0], world.unit_org)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/services/routing/").status_code == 200
        return len(captured)

    one = queries()
    set_route(None, world.village, catalogue.items[1], second_unit)
    set_route(None, world.township, catalogue.items[2], world.unit_org)
    assert queries() == one
