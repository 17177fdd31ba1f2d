"""The overdue sweep: flagged once to the dispatcher and the township above, idempotent,
scheduled on huey."""

from datetime import timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from notifications.models import Notification
from services import tasks
from services.domain import requests
from services.domain.requests import RequestInput
from services.domain.sweeps import sweep_overdue
from services.tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


def an_overdue_request(world):
    item = make_catalogue(world.county).items[1]  # 5 days
    request = requests.submit_request(
        world.resident, RequestInput(description="高龄津贴", item=item, household=world.household)
    )
    requests.dispatch(world.branch, request, world.unit_org)
    return request


def overdue_notices():
    return Notification.objects.filter(key__startswith="request-overdue:")


def test_it_flags_an_overdue_request_once_to_the_dispatcher_and_the_township(world):
    request = an_overdue_request(world)
    assert sweep_overdue(timezone.now()).flagged == 0
    later = request.due_at + timedelta(hours=1)
    result = sweep_overdue(later)
    assert (result.flagged, result.notifications) == (1, 2)
    assert set(overdue_notices().values_list("user__username", flat=True)) == {"branch", "bob"}
    assert sweep_overdue(later + timedelta(hours=1)).flagged == 0
    assert overdue_notices().count() == 2


def test_a_finished_request_is_never_flagged(world):
    request = an_overdue_request(world)
    requests.accept(world.unit, request)
    requests.finish(world.unit, request, "已办")
    assert sweep_overdue(request.due_at + timedelta(days=1)).flagged == 0


def test_the_sweep_is_a_huey_periodic_task_at_twenty_past(world):
    assert tasks.overdue_sweep.name == "services_overdue_sweep"
    before = HUEY.immediate
    HUEY.immediate = True
    try:
        an_overdue_request(world)
        tasks.overdue_sweep.call_local()
    finally:
        HUEY.immediate = before
