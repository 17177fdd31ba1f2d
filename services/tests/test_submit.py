import pytest

from services.domain.requests import RequestInput, RequestRefused, submit_request
from services.models import RequestStatus, ServiceRequest
from services.tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


def test_it_submits_a_request_for_own_household_due_after_the_time_limit(world):
    item = make_catalogue(world.county).items[0]
    request = submit_request(
        world.resident,
        RequestInput(description="办理低保", item=item, household=world.household),
    )
    assert request.status == RequestStatus.SUBMITTED
    assert request.region == world.village
    assert request.submitted_by == world.resident and request.proxy_by is None
    assert (request.due_at - request.submitted_at).days == item.time_limit_days
    assert list(request.events.values_list("to_status", flat=True)) == ["submitted"]


def test_it_records_the_proxy_when_a_grid_worker_submits_for_a_resident(world):
    request = submit_request(
        world.grid_worker,
        RequestInput(
            description="老人行动不便，代办高龄补贴",
            title="高龄补贴代办",
            household=world.other_household_same_grid,
            proxy=True,
        ),
    )
    assert request.proxy_by == world.grid_worker and request.submitted_by is None


def test_it_creates_nothing_for_a_repeated_client_key(world):
    data = RequestInput(
        description="路灯坏了", title="路灯", household=world.household, client_key="k-1"
    )
    first = submit_request(world.resident, data)
    again = submit_request(world.resident, data)
    assert again.pk == first.pk
    assert ServiceRequest.objects.count() == 1


def test_it_refuses_an_outsider_household_and_empty_description(world):
    with pytest.raises(RequestRefused) as refused:
        submit_request(
            world.resident,
            RequestInput(description=" ", title="x", household=world.outsider_household),
        )
    assert set(refused.value.errors) == {"description", "household"}
