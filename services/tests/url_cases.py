"""Scoping cases for the services pages (``tests/test_url_scoping.py``). The test county gets
a small catalogue, a routing rule, a service centre, a request of 王建国户 (the resident)
dispatched to the county's unit, and a wish on 红旗村's board. The outsider is the other
township's admin, or — for pages a role does not use at all — that role."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.url_case import Case, url


def _photo():
    from core.photos import clean_photo

    out = BytesIO()
    Image.new("RGB", (32, 24), "red").save(out, "JPEG")
    return clean_photo(SimpleUploadedFile("p.jpg", out.getvalue()))


def a_catalogue(world):
    from services.tests.factories import make_catalogue

    return make_catalogue(world.county)


def a_request(world, *, dispatched: bool = True, photo: bool = False):
    from services.domain import requests

    item = a_catalogue(world).items[0]
    created = requests.submit_request(
        world.resident,
        requests.RequestInput(
            description="家中老人需要办理低保",
            item=item,
            household=world.household,
            photos=[_photo()] if photo else [],
        ),
    )
    if dispatched:
        requests.dispatch(world.branch, created, world.unit_org)
    return created


def a_wish(world, *, photo: bool = False):
    from services.domain import wishes

    wish = wishes.post_wish(
        world.resident, wishes.WishInput(title="想要一副老花镜", household=world.household)
    )
    if photo:
        wishes.claim_wish(world.member, wish)
        wishes.fulfil_wish(world.member, wish, "已送到", _photo())
    return wish


def a_centre(world):
    from services.domain.catalogue import CentreInput, add_centre

    return add_centre(
        None,
        world.village,
        CentreInput(
            name="红旗村党群服务中心",
            code="C-1",
            opening_hours="周一至周五 8:30-17:30",
            windows=[("综合窗口", "社保、民政"), ("代办窗口", "代办事项")],
        ),
    )


def a_route(world):
    from services.domain.catalogue import set_route

    return set_route(None, world.county, a_catalogue(world).items[0], world.unit_org)


def a_centre_form(world):
    """What the add form posts: a township centre with one window."""
    return {
        "region": world.township.pk,
        "name": "东风镇党群服务中心",
        "code": "C-T1",
        "desk_count": 2,
        "windows-TOTAL_FORMS": 1,
        "windows-INITIAL_FORMS": 0,
        "windows-0-name": "综合窗口",
    }


def request_url(suffix=""):
    return lambda w: f"/services/requests/{a_request(w).pk}/{suffix}"


def request_photo_url(world):
    created = a_request(world, photo=True)
    return f"/services/requests/{created.pk}/photos/{created.photos.first().pk}/?thumb=1"


def wish_photo_url(world):
    wish = a_wish(world, photo=True)
    return f"/services/wishes/{wish.pk}/photos/{wish.photos.first().pk}/"


def with_request(template: str, attr: str | None = None):
    base = url(template, attr)

    def build(world):
        a_request(world)
        return base(world)

    return build


def item_url(world):
    return f"/services/catalogue/items/{a_catalogue(world).items[0].pk}/"


def with_catalogue(template: str):
    def build(world):
        a_catalogue(world)
        return template

    return build


CASES = [
    Case(
        "services/", with_request("/services/?region={}", "township"), "township_admin", "outsider"
    ),
    Case(
        "services/export/<str:table>.xlsx",
        with_request("/services/export/children.xlsx?region={}", "township"),
        "township_admin",
        "outsider",
    ),
    Case(
        "services/requests/",
        with_request("/services/requests/?region={}", "village"),
        "branch",
        "outsider",
    ),
    Case(
        "services/requests/export.xlsx",
        with_request("/services/requests/export.xlsx?region={}", "village"),
        "township_admin",
        "outsider",
    ),
    Case("services/requests/new/", with_catalogue("/services/requests/new/"), "resident", "unit"),
    Case(
        "services/requests/new/items/",
        with_catalogue("/services/requests/new/items/?item_q=证明"),
        "resident",
        "unit",
    ),
    Case(
        "services/requests/new/households/",
        url("/services/requests/new/households/?household_q=王"),
        "grid_worker",
        "resident",
    ),
    Case("services/requests/<int:pk>/", request_url(), "unit", "outsider"),
    Case(
        "services/requests/<int:pk>/photos/<int:photo_id>/",
        request_photo_url,
        "resident",
        "outsider",
    ),
    Case(
        "services/requests/<int:pk>/<str:action>/",
        request_url("accept/"),
        "unit",
        "outsider",
        method="post",
    ),
    Case("services/catalogue/", with_catalogue("/services/catalogue/"), "resident", None),
    Case("services/catalogue/items/<int:pk>/", item_url, "resident", None),
    Case(
        "services/catalogue/items/<int:pk>/edit/",
        lambda w: f"{item_url(w)}edit/",
        "county_admin",
        "township_admin",  # the catalogue is the county's
    ),
    Case(
        "services/catalogue/template.xlsx",
        url("/services/catalogue/template.xlsx"),
        "county_admin",
        "township_admin",
    ),
    Case(
        "services/catalogue/export.xlsx",
        with_catalogue("/services/catalogue/export.xlsx"),
        "township_admin",
        None,
    ),
    Case(
        "services/catalogue/import/",
        url("/services/catalogue/import/"),
        "county_admin",
        "township_admin",
    ),
    Case("services/centres/", url("/services/centres/"), "resident", None),
    Case(
        "services/centres/<int:pk>/",
        lambda w: f"/services/centres/{a_centre(w).pk}/",
        "resident",
        "outsider",
    ),
    Case(
        "services/centres/new/",
        url("/services/centres/new/?region={}", "township"),
        "township_admin",
        "outsider",
    ),
    Case(
        "services/centres/new/",
        url("/services/centres/new/?region={}", "township"),
        "township_admin",
        "outsider",
        method="post",
        data=a_centre_form,
    ),
    Case("services/centres/new/", url("/services/centres/new/"), "county_admin", "branch"),
    Case(
        "services/centres/<int:pk>/edit/",
        lambda w: f"/services/centres/{a_centre(w).pk}/edit/",
        "township_admin",
        "outsider",
    ),
    Case(
        "services/centres/<int:pk>/edit/",
        lambda w: f"/services/centres/{a_centre(w).pk}/edit/",
        "county_admin",
        "resident",
    ),
    Case(
        "services/routing/",
        with_catalogue("/services/routing/"),
        "branch",  # reads the rules over its village
        "resident",
    ),
    Case(
        "services/routing/",
        url("/services/routing/?region={}", "township"),
        "township_admin",
        "outsider",
    ),
    Case(
        "services/routing/<int:pk>/remove/",
        lambda w: f"/services/routing/{a_route(w).pk}/remove/",
        "county_admin",
        "township_admin",  # a county rule is the county admin's
        method="post",
    ),
    Case(
        "services/routing/<int:pk>/remove/",
        lambda w: f"/services/routing/{a_route(w).pk}/remove/",
        "county_admin",
        "branch",
        method="post",
    ),
    Case("services/wishes/", url("/services/wishes/"), "resident", None),
    Case("services/wishes/new/", url("/services/wishes/new/"), "resident", "unit"),
    Case(
        "services/wishes/<int:pk>/",
        lambda w: f"/services/wishes/{a_wish(w).pk}/",
        "member",
        "outsider",
    ),
    Case("services/wishes/<int:pk>/photos/<int:photo_id>/", wish_photo_url, "resident", "outsider"),
    Case(
        "services/wishes/<int:pk>/<str:action>/",
        lambda w: f"/services/wishes/{a_wish(w).pk}/claim/",
        "member",
        "outsider",
        method="post",
    ),
    Case("services/registrations/", url("/services/registrations/"), "branch", "resident"),
]
