"""The story of a request: 群众点单 → 社区派单 → 单位接单 → 办结 → 群众评单, with its
refusals, its history and its notices."""

import pytest

from notifications.models import Notification
from services.domain import requests
from services.domain.catalogue import set_route
from services.domain.requests import RequestInput, RequestRefused
from services.models import RequestStatus, ServiceRequest
from services.tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world):
    return make_catalogue(world.county)


def submitted(world, catalogue, **fields):
    data = {
        "description": "家中老人申请低保",
        "item": catalogue.items[0],
        "household": world.household,
    }
    data.update(fields)
    return requests.submit_request(world.resident, RequestInput(**data))


def test_it_goes_from_order_to_rating_with_a_history_row_per_move(world, catalogue):
    set_route(None, world.county, catalogue.items[0], world.unit_org)
    request = submitted(world, catalogue)
    assert requests.proposed_unit(request) == world.unit_org
    assert Notification.objects.filter(user=world.branch, title__contains="新诉求").exists()

    requests.dispatch(world.branch, request, world.unit_org)
    assert Notification.objects.filter(user=world.unit, title__contains="新派单").exists()
    requests.accept(world.unit, request)
    requests.finish(world.unit, request, "已协助提交低保申请材料")
    assert request.done_at is not None
    requests.rate(world.resident, request, 5, "很满意")

    request.refresh_from_db()
    assert (request.status, request.rating, request.rating_comment) == ("rated", 5, "很满意")
    assert list(request.events.values_list("to_status", flat=True)) == [
        "submitted",
        "dispatched",
        "accepted",
        "done",
        "rated",
    ]


def test_it_lets_the_village_handle_a_request_itself(world, catalogue):
    request = submitted(world, catalogue)
    requests.dispatch(world.branch, request, None)
    assert (request.status, request.self_handled, request.unit) == ("accepted", True, None)
    with pytest.raises(RequestRefused):
        requests.finish(world.unit, request, "不是本单位的")
    requests.finish(world.branch, request, "村委会已代办")
    assert request.status == RequestStatus.DONE


def test_a_unit_sends_it_back_to_the_dispatcher_with_a_reason(world, catalogue):
    request = submitted(world, catalogue)
    requests.dispatch(world.branch, request, world.unit_org)
    with pytest.raises(RequestRefused) as refused:
        requests.send_back(world.unit, request, " ")
    assert refused.value.errors == {"note": ["请填写退回原因。"]}
    requests.send_back(world.unit, request, "不属于农牧局职责")
    assert (request.status, request.unit) == ("submitted", None)
    assert Notification.objects.filter(user=world.branch, title__contains="退回").exists()


def test_only_the_rightful_role_makes_each_move(world, catalogue):
    request = submitted(world, catalogue)
    for actor in (world.resident, world.unit, world.outsider, world.grid_worker):
        with pytest.raises(RequestRefused) as refused:
            requests.dispatch(actor, request, world.unit_org)
        assert refused.value.code == "forbidden"
    requests.dispatch(world.township_admin, request, world.unit_org)  # an admin above may
    with pytest.raises(RequestRefused):
        requests.accept(world.branch, request)


def test_a_stale_move_is_refused_as_a_conflict(world, catalogue):
    request = submitted(world, catalogue)
    stale = ServiceRequest.objects.get(pk=request.pk)
    requests.dispatch(world.branch, request, world.unit_org)
    with pytest.raises(RequestRefused) as refused:
        requests.dispatch(world.branch, stale, None)
    assert refused.value.code == "conflict"
    assert request.events.count() == 2


def test_the_resident_reopens_once_and_it_is_due_again(world, catalogue):
    request = submitted(world, catalogue)
    requests.dispatch(world.branch, request, world.unit_org)
    requests.accept(world.unit, request)
    requests.finish(world.unit, request, "已办")
    requests.rate(world.resident, request, 2, "没解决")
    requests.reopen(world.resident, request, "材料还没有交上去")
    assert (request.status, request.rating, request.reopened) == ("accepted", None, 1)
    requests.finish(world.unit, request, "已重新办理")
    with pytest.raises(RequestRefused) as refused:
        requests.reopen(world.resident, request, "还是不行")
    assert refused.value.code == "conflict"


def test_a_rating_outside_one_to_five_is_refused(world, catalogue):
    request = submitted(world, catalogue)
    requests.dispatch(world.branch, request, None)
    requests.finish(world.branch, request, "已办")
    with pytest.raises(RequestRefused) as refused:
        requests.rate(world.resident, request, 6)
    assert "rating" in refused.value.errors


def test_a_dispatcher_cannot_send_to_a_unit_that_does_not_serve_the_place(world, catalogue):
    from orgs.domain import people

    other = people.create_unit(None, region=world.other_township, name="西河镇农牧站", code="U-9")
    request = submitted(world, catalogue)
    with pytest.raises(RequestRefused) as refused:
        requests.dispatch(world.branch, request, other)
    assert "unit" in refused.value.errors
    assert other not in requests.units_for(request)
