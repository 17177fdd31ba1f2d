"""The county admin changes one catalogue item on a page (through ``save_item``: audited
with what changed); the code, the item's identity to Open311 clients, stays."""

import pytest

from audit.models import AuditEntry
from services.models import ServiceItem
from services.tests.factories import make_catalogue
from services.tests.test_centres_edit import beside

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(world):
    return make_catalogue(world.county).items[0]  # 01001, 10 days, 社会保障


def item_form(item, **fields):
    data = {
        "code": item.code,
        "name": item.name,
        "category": item.category_id,
        "kind": item.kind,
        "handling_level": item.handling_level,
        "time_limit_days": item.time_limit_days,
        "materials": item.materials,
        "description": item.description,
        "active": "on",
    }
    data.update(fields)
    return data


def test_the_county_admin_changes_the_time_limit(world, item, login):
    client = login(world.county_admin)
    assert (
        f"/services/catalogue/items/{item.pk}/edit/"
        in client.get(f"/services/catalogue/items/{item.pk}/").content.decode()
    )
    response = client.post(
        f"/services/catalogue/items/{item.pk}/edit/", item_form(item, time_limit_days=15)
    )
    assert response.status_code == 302
    assert response["Location"] == f"/services/catalogue/items/{item.pk}/"
    item.refresh_from_db()
    assert item.time_limit_days == 15
    entry = AuditEntry.objects.get(model="services.ServiceItem", action="update")
    assert entry.changes == {"time_limit_days": [10, 15]} and entry.actor == world.county_admin


def test_the_code_stays_whatever_is_posted(world, item, login):
    login(world.county_admin).post(
        f"/services/catalogue/items/{item.pk}/edit/", item_form(item, code="99999", name="低保")
    )
    item.refresh_from_db()
    assert (item.code, item.name) == ("01001", "低保")
    assert not ServiceItem.objects.filter(code="99999").exists()


def test_a_time_limit_out_of_range_is_refused_beside_the_field(world, item, login):
    response = login(world.county_admin).post(
        f"/services/catalogue/items/{item.pk}/edit/",
        item_form(item, time_limit_days=0, materials="身份证、户口簿、照片"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert beside(body, "time_limit_days", "办理时限应为 1 到 365 天。")
    assert "身份证、户口簿、照片" in body
    item.refresh_from_db()
    assert item.time_limit_days == 10
    assert not AuditEntry.objects.filter(model="services.ServiceItem", action="update").exists()


def test_it_deactivates_an_item(world, item, login):
    data = item_form(item)
    del data["active"]
    login(world.county_admin).post(f"/services/catalogue/items/{item.pk}/edit/", data)
    item.refresh_from_db()
    assert item.active is False


@pytest.mark.parametrize("persona", ["township_admin", "outsider", "branch", "resident"])
def test_only_the_counties_admins_edit_items(world, item, login, persona):
    client = login(getattr(world, persona))
    assert client.get(f"/services/catalogue/items/{item.pk}/edit/").status_code == 404
    edit = f"/services/catalogue/items/{item.pk}/edit/"
    assert client.post(edit, item_form(item, time_limit_days=3)).status_code == 404
    assert edit not in client.get(f"/services/catalogue/items/{item.pk}/").content.decode()
    item.refresh_from_db()
    assert item.time_limit_days == 10
