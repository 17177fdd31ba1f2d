"""The services pages: a resident's phone form (bad input keeps what was typed; a repeated
client key creates nothing), the detail page's moves, the lists each role sees, the command
centre's figures and drill-down, and the role homes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from services.domain import requests
from services.domain.requests import RequestInput
from services.models import ServiceRequest
from services.tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world):
    return make_catalogue(world.county)


def a_request(world, catalogue, household=None, **fields):
    return requests.submit_request(
        world.resident if household is None else world.grid_worker,
        RequestInput(
            description="申请低保",
            item=catalogue.items[0],
            household=household or world.household,
            proxy=household is not None,
            **fields,
        ),
    )


def test_it_submits_from_the_phone_form_once_per_client_key(world, catalogue, login):
    client = login(world.resident)
    page = client.get("/services/requests/new/")
    assert "data-offline=" in page.content.decode() and 'name="client_key"' in page.content.decode()
    data = {"item": catalogue.items[1].pk, "description": "申领高龄津贴", "client_key": "abc123"}
    first = client.post("/services/requests/new/", data)
    again = client.post("/services/requests/new/", data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert ServiceRequest.objects.count() == 1


def test_a_refused_form_keeps_what_was_typed_and_says_why_beside_the_field(world, catalogue, login):
    client = login(world.resident)
    response = client.post(
        "/services/requests/new/", {"title": "路灯坏了", "description": "", "address": "村口"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "路灯坏了" in body and "村口" in body and "请描述您的诉求。" in body
    assert ServiceRequest.objects.count() == 0


def test_a_grid_worker_submits_for_a_household_of_the_grid(world, catalogue, login):
    client = login(world.grid_worker)
    page = client.get("/services/requests/new/")
    assert world.other_household_same_grid.head_name in page.content.decode()
    assert world.outsider_household.head_name not in page.content.decode()
    response = client.post(
        "/services/requests/new/",
        {
            "household": world.other_household_same_grid.pk,
            "title": "代办",
            "description": "老人代办",
        },
    )
    assert response.status_code == 302
    assert ServiceRequest.objects.get().proxy_by == world.grid_worker


def test_the_unit_accepts_and_finishes_and_the_resident_rates_on_the_pages(world, catalogue, login):
    request = a_request(world, catalogue)
    login(world.branch).post(
        f"/services/requests/{request.pk}/dispatch/", {"unit": world.unit_org.pk}
    )
    unit = login(world.unit)
    assert "接单" in unit.get(f"/services/requests/{request.pk}/").content.decode()
    unit.post(f"/services/requests/{request.pk}/accept/")
    refused = unit.post(f"/services/requests/{request.pk}/finish/", {"note": ""})
    assert "请填写办理结果" in refused.content.decode()
    unit.post(f"/services/requests/{request.pk}/finish/", {"note": "已办结"})
    resident = login(world.resident)
    resident.post(f"/services/requests/{request.pk}/rate/", {"rating": 4, "comment": "不错"})
    request.refresh_from_db()
    assert (request.status, request.rating) == ("rated", 4)


def test_each_role_lists_only_its_own_requests(world, catalogue, login):
    mine = a_request(world, catalogue)
    neighbours = requests.submit_request(
        world.township_admin,
        RequestInput(
            description="修路", title="修路", household=world.neighbour_household, proxy=True
        ),
    )
    requests.dispatch(world.branch, mine, world.unit_org)

    def listed(user):
        page = login(user).get("/services/requests/").context["page"]
        return {r.pk for r in page}

    assert listed(world.resident) == {mine.pk}
    assert listed(world.unit) == {mine.pk}
    assert listed(world.branch) == {mine.pk}
    assert listed(world.township_admin) == {mine.pk, neighbours.pk}
    assert listed(world.outsider) == set()


def test_the_command_centre_counts_and_drills_down(world, catalogue, login):
    on_time = a_request(world, catalogue)
    requests.dispatch(world.branch, on_time, None)
    requests.finish(world.branch, on_time, "已办")
    late = a_request(world, catalogue)
    ServiceRequest.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))
    client = login(world.township_admin)
    page = client.get("/services/", {"region": world.township.pk})
    f = page.context["f"]
    assert (f.total, f.finished, f.finished_on_time, f.overdue) == (2, 1, 1, 1)
    assert f.quick_completion_rate == 1.0 and f.on_time_share == 0.5
    child = next(c for c in page.context["children"] if c.region == world.village)
    assert child.figures.total == 2
    overdue = client.get("/services/requests/", {"region": world.township.pk, "flag": "overdue"})
    assert [r.pk for r in overdue.context["page"]] == [late.pk]
    export = client.get("/services/export/children.xlsx", {"region": world.township.pk})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert login(world.resident).get("/services/").status_code == 404


def test_the_request_list_query_count_does_not_grow_with_rows(
    world, catalogue, login, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a_request(world, catalogue)
    client = login(world.township_admin)
    with CaptureQueriesContext(connection) as one:
        client.get("/services/requests/")
    for _ in range(3):
        a_request(world, catalogue)
    with django_assert_max_num_queries(len(one)):
        assert len(client.get("/services/requests/").context["page"]) == 4


def test_the_role_homes_show_requests_and_queues(world, catalogue, login):
    request = a_request(world, catalogue)
    resident_home = login(world.resident).get("/").content.decode()
    assert (
        "我要办事" in resident_home and "微心愿" in resident_home and request.title in resident_home
    )
    branch_home = login(world.branch).get("/").context
    assert branch_home["service_to_dispatch"] == 1
    requests.dispatch(world.branch, request, world.unit_org)
    unit_home = login(world.unit).get("/").context
    assert [r.pk for r in unit_home["service_queue"]] == [request.pk]


def test_the_wish_board_shows_the_community_and_a_member_claims(world, login):
    from services.domain import wishes

    wish = wishes.post_wish(
        world.resident, wishes.WishInput(title="想要一副老花镜", household=world.household)
    )
    board = login(world.member).get("/services/wishes/").context["page"]
    assert [w.pk for w in board] == [wish.pk]
    assert list(login(world.outsider).get("/services/wishes/").context["page"]) == []
    login(world.member).post(f"/services/wishes/{wish.pk}/claim/")
    wish.refresh_from_db()
    assert wish.status == "claimed"


def test_the_phone_form_stays_under_60_kb_compressed(world, catalogue, login):
    """HTML and every script and stylesheet it loads, gzipped (the issue's target)."""
    import gzip
    import re

    from django.conf import settings

    body = login(world.resident).get("/services/requests/new/").content
    assets = re.findall(rb'(?:src|href)="/static/([^"]+\.(?:js|css))"', body)
    total = len(gzip.compress(body)) + sum(
        len(gzip.compress((settings.BASE_DIR / "static" / a.decode()).read_bytes())) for a in assets
    )
    assert len(assets) == 3 and total < 60 * 1024


def test_an_empty_file_part_from_the_offline_queue_is_no_photo(world, catalogue, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    empty = SimpleUploadedFile("photo.jpg", b"", content_type="application/octet-stream")
    response = login(world.resident).post(
        "/services/requests/new/", {"title": "路灯", "description": "坏了", "photos": [empty]}
    )
    assert response.status_code == 302
    assert ServiceRequest.objects.get().photos.count() == 0
