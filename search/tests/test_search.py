"""The global search and the type-ahead searches: scoped, masked, a fixed number of queries
whatever they find, and what a person would type finds what they expect."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.world import add_household


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_it_finds_members_households_and_organizations_in_scope_only(world, login):
    client = login(world.township_admin)
    page = client.get("/search/?q=红旗").content.decode()
    assert world.branch_org.name in page
    assert "柳树村" not in page  # the other township's
    page = client.get("/search/?q=王建国").content.decode()
    assert f"/households/{world.household.pk}/" in page
    assert world.household.head_id_number not in page and world.household.phone not in page
    page = client.get("/search/?q=张红梅").content.decode()
    assert f"/members/{world.member_person.pk}/" in page
    assert world.member_person.id_number not in page
    outsider = login(world.outsider).get("/search/?q=王建国").content.decode()
    assert f"/households/{world.household.pk}/" not in outsider
    assert login(world.grid_worker).get("/search/?q=王").status_code == 404
    assert login(world.resident).get("/search/?q=王").status_code == 404


def test_the_branch_searches_its_own_organization(world, login):
    page = login(world.branch).get(f"/search/?q={world.household.code}").content.decode()
    assert f"/households/{world.household.pk}/" in page
    assert 'href="/search/"' in page  # the nav's one line


@pytest.mark.parametrize("url", ["/search/?q={}", "/search/?q={}&x=1"])
def test_one_and_three_results_cost_the_same(world, login, url):
    client = login(world.township_admin)
    one = queries(client, url.format("钱多多"))
    add_household(world.grid, "钱多多", address="村东一组")
    add_household(world.grid, "钱多多", address="村东二组")
    add_household(world.grid, "钱多多", address="村东三组")
    three_page = client.get(url.format("钱多多")).content.decode()
    assert three_page.count("钱多多户") == 3
    assert queries(client, url.format("钱多多")) == one


def test_an_htmx_search_answers_the_results_only(world, login):
    page = login(world.township_admin).get("/search/?q=王建国", HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert text.lstrip().startswith('<div id="search-results">') and "<html" not in text


def test_the_request_form_finds_a_service_by_name_category_or_code(world, login):
    from services.tests.factories import make_catalogue

    catalogue = make_catalogue(world.county)
    client = login(world.resident)
    form = client.get("/services/requests/new/").content.decode()
    assert "<select" not in form.split('name="item_q"')[1].split("</fieldset>")[0]
    assert catalogue.items[0].name not in form  # nothing listed before a search
    by_name = client.get("/services/requests/new/items/?item_q=生活保障").content.decode()
    assert catalogue.items[0].name in by_name and catalogue.items[2].name not in by_name
    by_category = client.get("/services/requests/new/items/?item_q=农牧").content.decode()
    assert catalogue.items[2].name in by_category and catalogue.items[3].name in by_category
    by_code = client.get("/services/requests/new/items/?item_q=02001").content.decode()
    assert catalogue.items[2].name in by_code and catalogue.items[3].name not in by_code
    kept = client.get(
        f"/services/requests/new/items/?item_q=农机&item={catalogue.items[0].pk}"
    ).content.decode()
    assert kept.index(catalogue.items[0].name) < kept.index(catalogue.items[3].name)
    assert f'value="{catalogue.items[0].pk}" checked' in kept
    # without JavaScript: the form's 查找 button GETs the page with what was typed
    fallback = client.get(
        "/services/requests/new/", {"item_q": "高龄", "description": "老人津贴"}
    ).content.decode()
    assert catalogue.items[1].name in fallback and "老人津贴" in fallback
    assert login(world.unit).get("/services/requests/new/items/?item_q=生活保障").status_code == 404


def test_service_search_costs_the_same_for_one_and_three(world, login):
    from services.tests.factories import make_catalogue

    make_catalogue(world.county)
    client = login(world.resident)
    one = queries(client, "/services/requests/new/items/?item_q=01001")
    assert (
        "城乡居民最低生活保障申请"
        in client.get("/services/requests/new/items/?item_q=01001").content.decode()
    )
    assert queries(client, "/services/requests/new/items/?item_q=申") == one  # 3 items


def test_a_proxy_finds_the_household_by_name_not_by_its_code(world, login):
    from services.models import ServiceRequest

    client = login(world.grid_worker)
    found = client.get("/services/requests/new/households/?household_q=李秀").content.decode()
    assert f'value="{world.other_household_same_grid.pk}"' in found
    assert "王建国" not in found
    other = client.get("/services/requests/new/households/?household_q=孙玉兰").content.decode()
    assert f'value="{world.outsider_household.pk}"' not in other  # not in scope
    response = client.post(
        "/services/requests/new/",
        {
            "household": world.other_household_same_grid.pk,
            "title": "代办",
            "description": "屋顶漏雨",
        },
    )
    assert response.status_code == 302
    made = ServiceRequest.objects.get()
    assert made.household == world.other_household_same_grid and made.proxy_by == world.grid_worker
    refused = client.post(
        "/services/requests/new/",
        {"household": world.outsider_household.pk, "title": "代办", "description": "不在范围内"},
    )
    assert refused.status_code == 200 and ServiceRequest.objects.count() == 1


def test_household_search_costs_the_same_for_one_and_three(world, login):
    client = login(world.grid_worker)
    one = queries(client, "/services/requests/new/households/?household_q=周")
    for n in range(3):
        add_household(world.grid, f"周{n}", address="村西")
    found = client.get("/services/requests/new/households/?household_q=周").content.decode()
    assert found.count('name="household"') == 3
    assert queries(client, "/services/requests/new/households/?household_q=周") == one
