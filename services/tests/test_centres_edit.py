"""Admins add and change service centres on the pages: the facts, the windows (a formset:
add, change, remove, in order) and the proxy services from the county's catalogue. Bad input
keeps what was typed and says why beside the field; every write is audited."""

import pytest

from accounts.models import Role
from audit.models import AuditEntry
from services.models import ServiceCentre
from services.tests.factories import make_catalogue
from services.tests.url_cases import a_centre
from tests.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world):
    return make_catalogue(world.county)


def beside(body: str, field: str, message: str) -> bool:
    """``message`` is shown in the block of the field named ``field`` (after its input,
    before the next field's)."""
    start = body.index(f'id="id_{field}"')
    end = body.find('<div class="field', start)
    return message in body[start : end if end != -1 else None]


def centre_form(region, **fields):
    """The add/edit form as the browser posts it: two windows and a blank extra row."""
    data = {
        "region": region.pk,
        "name": "红旗村党群服务中心",
        "code": "C-V1",
        "address": "红旗村村委会",
        "phone": "0476-5210001",
        "opening_hours": "周一至周五 8:30-17:30",
        "desk_count": 1,
        "windows-TOTAL_FORMS": 3,
        "windows-INITIAL_FORMS": 0,
        "windows-0-position": 1,
        "windows-0-name": "综合窗口",
        "windows-0-handles": "社保、民政",
        "windows-1-position": 2,
        "windows-1-name": "代办窗口",
        "windows-1-handles": "代办事项",
    }
    data.update(fields)
    return data


def test_it_adds_a_village_centre_with_two_windows_and_proxy_items(world, catalogue, login):
    client = login(world.township_admin)
    page = client.get(f"/services/centres/new/?region={world.village.pk}")
    assert page.status_code == 200
    assert catalogue.items[1].name in page.content.decode()
    proxy = [catalogue.items[1].pk, catalogue.items[3].pk]
    response = client.post(
        f"/services/centres/new/?region={world.village.pk}",
        centre_form(world.village, proxy_items=proxy),
    )
    centre = ServiceCentre.objects.get(code="C-V1")
    assert response.status_code == 302 and response["Location"] == f"/services/centres/{centre.pk}/"
    assert (centre.region, centre.level, centre.region_path) == (
        world.village,
        "village",
        world.village.path,
    )
    assert [(w.position, w.name, w.handles) for w in centre.windows.all()] == [
        (1, "综合窗口", "社保、民政"),
        (2, "代办窗口", "代办事项"),
    ]
    assert sorted(centre.proxy_items.values_list("pk", flat=True)) == sorted(proxy)
    entry = AuditEntry.objects.get(model="services.ServiceCentre", object_id=str(centre.pk))
    assert (entry.action, entry.actor) == ("create", world.township_admin)


def test_the_level_follows_the_region_chosen(world, catalogue, login):
    client = login(world.county_admin)
    client.post("/services/centres/new/", centre_form(world.township, code="C-T1"))
    assert ServiceCentre.objects.get(code="C-T1").level == "township"


def test_it_changes_the_hours_and_removes_a_window_with_one_audited_diff(world, catalogue, login):
    centre = a_centre(world)  # 综合窗口, 代办窗口
    client = login(world.township_admin)
    page = client.get(f"/services/centres/{centre.pk}/edit/").content.decode()
    assert 'value="代办窗口"' in page and 'name="region"' not in page
    response = client.post(
        f"/services/centres/{centre.pk}/edit/",
        {
            "name": centre.name,
            "code": centre.code,
            "opening_hours": "周一至周六 8:00-18:00",
            "desk_count": 1,
            "windows-TOTAL_FORMS": 3,
            "windows-INITIAL_FORMS": 2,
            "windows-0-position": 1,
            "windows-0-name": "综合窗口",
            "windows-0-handles": "社保、民政",
            "windows-1-position": 2,
            "windows-1-name": "代办窗口",
            "windows-1-handles": "代办事项",
            "windows-1-DELETE": "on",
            "proxy_items": [catalogue.items[0].pk],
        },
    )
    assert response.status_code == 302
    centre.refresh_from_db()
    assert centre.opening_hours == "周一至周六 8:00-18:00"
    assert [w.name for w in centre.windows.all()] == ["综合窗口"]
    assert list(centre.proxy_items.all()) == [catalogue.items[0]]
    entry = AuditEntry.objects.get(model="services.ServiceCentre", action="update")
    assert entry.changes == {
        "opening_hours": ["周一至周五 8:30-17:30", "周一至周六 8:00-18:00"],
        "windows": [["综合窗口：社保、民政", "代办窗口：代办事项"], ["综合窗口：社保、民政"]],
        "proxy_items": [[], [catalogue.items[0].code]],
    }


def test_windows_are_kept_in_the_order_of_their_numbers(world, catalogue, login):
    centre = a_centre(world)
    login(world.township_admin).post(
        f"/services/centres/{centre.pk}/edit/",
        {
            "name": centre.name,
            "code": centre.code,
            "desk_count": 1,
            "windows-TOTAL_FORMS": 3,
            "windows-INITIAL_FORMS": 2,
            "windows-0-position": 2,
            "windows-0-name": "综合窗口",
            "windows-1-position": 3,
            "windows-1-name": "代办窗口",
            "windows-2-position": 1,
            "windows-2-name": "医保窗口",
        },
    )
    assert [(w.position, w.name) for w in centre.windows.all()] == [
        (1, "医保窗口"),
        (2, "综合窗口"),
        (3, "代办窗口"),
    ]


def test_saving_unchanged_writes_no_audit_entry(world, catalogue, login):
    centre = a_centre(world)
    data = {
        "name": centre.name,
        "code": centre.code,
        "opening_hours": centre.opening_hours,
        "desk_count": centre.desk_count,
        "windows-TOTAL_FORMS": 2,
        "windows-INITIAL_FORMS": 2,
        "windows-0-position": 1,
        "windows-0-name": "综合窗口",
        "windows-0-handles": "社保、民政",
        "windows-1-position": 2,
        "windows-1-name": "代办窗口",
        "windows-1-handles": "代办事项",
    }
    response = login(world.county_admin).post(f"/services/centres/{centre.pk}/edit/", data)
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(model="services.ServiceCentre", action="update").exists()


def test_a_duplicate_code_is_refused_beside_the_field_and_keeps_what_was_typed(
    world, catalogue, login
):
    a_centre(world)  # code C-1
    client = login(world.township_admin)
    response = client.post(
        f"/services/centres/new/?region={world.township.pk}",
        centre_form(world.neighbour_village, code="C-1", opening_hours="全天开放"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert beside(body, "code", "编码“C-1”已被其他服务中心使用，请换一个。")
    assert 'value="全天开放"' in body and 'value="代办窗口"' in body and 'value="C-1"' in body
    assert ServiceCentre.objects.count() == 1


def test_changing_to_another_centres_code_is_refused(world, catalogue, login):
    first = a_centre(world)
    client = login(world.county_admin)
    client.post("/services/centres/new/", centre_form(world.township, code="C-T1"))
    second = ServiceCentre.objects.get(code="C-T1")
    response = client.post(
        f"/services/centres/{second.pk}/edit/", centre_form(world.township, code=first.code)
    )
    assert "编码“C-1”已被其他服务中心使用，请换一个。" in response.content.decode()
    second.refresh_from_db()
    assert second.code == "C-T1"


def test_a_region_that_is_no_county_township_or_village_is_refused(world, catalogue, login):
    prefecture = world.county.parent
    client = login(make_user("prefect", Role.ADMIN, prefecture))
    assert client.get(f"/services/centres/new/?region={prefecture.pk}").status_code == 200
    response = client.post(
        f"/services/centres/new/?region={prefecture.pk}",
        centre_form(prefecture, name="塞北盟党群服务中心"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert beside(body, "region", "党群服务中心设在旗县、乡镇或村（社区）。")
    assert 'value="塞北盟党群服务中心"' in body
    assert not ServiceCentre.objects.exists()


def test_a_window_without_a_name_is_refused_beside_it(world, catalogue, login):
    response = login(world.township_admin).post(
        f"/services/centres/new/?region={world.village.pk}",
        centre_form(world.village, **{"windows-1-name": "", "windows-1-handles": "代办事项"}),
    )
    body = response.content.decode()
    assert beside(body, "windows-1-name", "请填写窗口名称。") and 'value="代办事项"' in body
    assert not ServiceCentre.objects.exists()


def test_a_proxy_item_of_another_county_is_refused(world, catalogue, login):
    from orgs.domain import tree

    other = tree.add_region(
        None, parent=world.county.parent, name="白山旗", code="150526", level="county"
    )
    foreign = make_catalogue(other).items[0]
    response = login(world.township_admin).post(
        f"/services/centres/new/?region={world.village.pk}",
        centre_form(world.village, proxy_items=[foreign.pk]),
    )
    assert "请从本旗县服务目录中选择代办事项。" in response.content.decode()
    assert not ServiceCentre.objects.exists()


def test_the_other_townships_admin_gets_404_and_cannot_choose_its_places(world, catalogue, login):
    centre = a_centre(world)
    client = login(world.outsider)
    assert client.get(f"/services/centres/{centre.pk}/edit/").status_code == 404
    assert client.get(f"/services/centres/new/?region={world.village.pk}").status_code == 404
    response = client.post(
        f"/services/centres/new/?region={world.other_township.pk}", centre_form(world.village)
    )
    assert "请从列表中选择区划。" in response.content.decode()
    assert ServiceCentre.objects.count() == 1


@pytest.mark.parametrize("persona", ["branch", "resident", "unit"])
def test_no_one_but_admins_adds_or_edits_centres(world, catalogue, login, persona):
    centre = a_centre(world)
    client = login(getattr(world, persona))
    assert client.get(f"/services/centres/{centre.pk}/edit/").status_code == 404
    assert client.post(f"/services/centres/{centre.pk}/edit/", {}).status_code == 404
    assert client.get(f"/services/centres/new/?region={world.village.pk}").status_code == 404


def test_the_links_show_for_admins_only(world, catalogue, login, client):
    centre = a_centre(world)
    admin = login(world.township_admin)
    assert (
        f"/services/centres/{centre.pk}/edit/"
        in admin.get(f"/services/centres/{centre.pk}/").content.decode()
    )
    assert "/services/centres/new/" in admin.get("/services/centres/").content.decode()
    resident = login(world.resident)
    assert (
        f"/services/centres/{centre.pk}/edit/"
        not in resident.get(f"/services/centres/{centre.pk}/").content.decode()
    )
    assert "/services/centres/new/" not in resident.get("/services/centres/").content.decode()


def test_the_admin_pages_read_in_english(world, catalogue, login):
    from accounts.tests.test_i18n import english, untranslated
    from services.domain.catalogue import set_route
    from services.models import ServiceCategory, ServiceItem, ServiceWindow

    centre = a_centre(world)
    set_route(None, world.village, catalogue.items[0], world.unit_org)
    data = [
        *ServiceItem.objects.values_list("name", flat=True),
        *ServiceItem.objects.values_list("materials", flat=True),
        *ServiceCategory.objects.values_list("name", flat=True),
        *ServiceCentre.objects.values_list("name", flat=True),
        *ServiceCentre.objects.values_list("opening_hours", flat=True),
        *ServiceWindow.objects.values_list("name", flat=True),
        *ServiceWindow.objects.values_list("handles", flat=True),
    ]
    client = english(login(world.county_admin))
    for path in (
        f"/services/centres/new/?region={world.township.pk}",
        f"/services/centres/{centre.pk}/edit/",
        f"/services/routing/?region={world.township.pk}",
        f"/services/catalogue/items/{catalogue.items[0].pk}/edit/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        page = untranslated(response.content.decode())
        left = {run for run in page if not any(run in value for value in data)}
        assert not left, (path, left)
